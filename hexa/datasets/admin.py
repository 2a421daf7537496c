from django.contrib import admin

from .models import Dataset, DatasetLink, DatasetVersion


class DatasetLinkInline(admin.TabularInline):
    model = DatasetLink
    extra = 0
    fields = ["workspace", "is_pinned", "created_by", "created_at"]
    readonly_fields = ["created_at"]


class DatasetVersionInline(admin.TabularInline):
    model = DatasetVersion
    extra = 0
    fields = ["name", "changelog", "created_by", "created_at"]
    readonly_fields = fields  # versions and their files are made through the API (uploads)
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "workspace", "created_by", "updated_at"]
    search_fields = ["name", "slug", "description"]
    list_select_related = ["workspace", "created_by"]
    readonly_fields = ["workspace", "slug", "created_by"]
    inlines = [DatasetLinkInline, DatasetVersionInline]

    def has_add_permission(self, request):
        return False
