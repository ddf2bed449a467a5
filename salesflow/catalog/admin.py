from django.contrib import admin

from .models import Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "series", "category", "list_price", "active"]
    search_fields = ["code", "name"]
