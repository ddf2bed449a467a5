from django.contrib import admin

from .models import PriceList, PriceListItem, Product, RoleDiscountLimit


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "series", "category", "unit", "list_price", "cost", "tax_rate", "active"]
    search_fields = ["code", "name"]


class PriceListItemInline(admin.TabularInline):
    model = PriceListItem
    autocomplete_fields = ["product"]


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = ["name", "currency", "valid_from", "valid_to", "active"]
    inlines = [PriceListItemInline]


@admin.register(RoleDiscountLimit)
class RoleDiscountLimitAdmin(admin.ModelAdmin):
    list_display = ["role", "max_discount"]
