from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, Region, Team, User


@admin.register(User)
class SalesFlowUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "role", "scope", "team", "is_active"]
    list_filter = ["role", "scope", "is_active"]
    fieldsets = UserAdmin.fieldsets + (("SalesFlow", {"fields": ["display_name", "role", "scope", "team", "region"]}),)


admin.site.register(Team)
admin.site.register(Region)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["token_hash", "hint"]
