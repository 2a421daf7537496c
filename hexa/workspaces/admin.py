from django.contrib import admin

from .models import Workspace, WorkspaceMembership


class WorkspaceMembershipInline(admin.TabularInline):
    model = WorkspaceMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "bucket_name", "db_name", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["bucket_name", "db_name"]
    exclude = ["db_password", "db_ro_password"]
    inlines = [WorkspaceMembershipInline]

    def has_add_permission(self, request):
        # A workspace needs its database and bucket: Workspace.objects.create_if_has_perm makes them.
        return False
