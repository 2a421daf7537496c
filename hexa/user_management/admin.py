from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import LoginFailure, User
from .throttle import account_key


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "language"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    """Failed logins in the throttling window; deleting an account's rows lifts its wait.
    Search by address, or by email (accounts are kept as a hash of it)."""

    list_display = ["scope", "key", "created_at"]
    list_filter = ["scope"]
    search_fields = ["key"]
    ordering = ["-created_at"]

    def get_search_results(self, request, queryset, search_term):
        if "@" in search_term:
            return queryset.filter(scope=LoginFailure.Scope.ACCOUNT, key=account_key(search_term)), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
