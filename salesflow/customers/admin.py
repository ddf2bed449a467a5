from django.contrib import admin

from .models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "industry", "owner", "team", "created_at"]
    search_fields = ["name"]
    raw_id_fields = ["owner"]
