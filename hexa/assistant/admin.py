"""The assistant in the Django admin: conversations with their tokens and cost, for superusers only."""

from django.contrib import admin
from django.db.models import Count, F, Sum

from django import forms

from . import workspace_settings as ws
from .models import (
    AssistantClient,
    AssistantPromptTemplate,
    AssistantSettings,
    AssistantSettingsChange,
    Conversation,
    Message,
    ToolExecution,
    Usage,
    UsageRecord,
    WorkspaceBudget,
)

USAGE_COLUMNS = Usage.USAGE_FIELDS


class SuperuserOnly:
    """Conversations are private data: only superusers see them here, and nobody edits them."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class MessageInline(SuperuserOnly, admin.TabularInline):
    model = Message
    fields = ["index", "on_path", "role", "status", "short_text", "model", "stop_reason", "model_calls", *USAGE_COLUMNS, "error_code", "created_at"]
    readonly_fields = fields
    ordering = ["index"]
    extra = 0
    show_change_link = True

    @admin.display(description="text")
    def short_text(self, message):
        return message.text[:200]


class ToolExecutionInline(SuperuserOnly, admin.TabularInline):
    model = ToolExecution
    fields = ["name", "status", "success", "duration_ms", "input", "short_output", "created_at"]
    readonly_fields = fields
    extra = 0

    @admin.display(description="output")
    def short_output(self, execution):
        return str(execution.output)[:300]


@admin.register(Conversation)
class ConversationAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["__str__", "user", "workspace", "messages_count", *USAGE_COLUMNS, "created_at", "updated_at"]
    list_filter = ["workspace", ("user", admin.RelatedOnlyFieldListFilter), "created_at", "updated_at"]
    search_fields = ["user__email", "title"]
    date_hierarchy = "created_at"
    readonly_fields = ["user", "workspace", "title", "model", *USAGE_COLUMNS, "created_at", "updated_at"]
    exclude = ["turn_started_at"]
    inlines = [MessageInline, ToolExecutionInline]
    list_select_related = ["user", "workspace"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(messages_count=Count("messages"))

    @admin.display(description="messages", ordering="messages_count")
    def messages_count(self, conversation):
        return conversation.messages_count

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            # Totals over everything the current filters select, not only the shown page.
            response.context_data["usage_totals"] = changelist.queryset.order_by().aggregate(
                **{column: Sum(column) for column in USAGE_COLUMNS}
            )
        return response


@admin.register(Message)
class MessageAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["__str__", "conversation", "status", "model", *USAGE_COLUMNS, "created_at"]
    list_filter = ["status", "role", "conversation__workspace"]
    readonly_fields = [f.name for f in Message._meta.fields]
    inlines = [ToolExecutionInline]

    def has_module_permission(self, request):
        return False  # reached through conversations


@admin.register(UsageRecord)
class UsageRecordAdmin(SuperuserOnly, admin.ModelAdmin):
    """The usage ledger, with totals per workspace and per user over the current filter."""

    list_display = ["created_at", "kind", "workspace", "user", "model", "tool_name", *USAGE_COLUMNS, "estimated", "success", "duration_ms"]
    list_filter = ["kind", "estimated", "workspace", ("user", admin.RelatedOnlyFieldListFilter), "model", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["user__email", "workspace__slug", "model", "tool_name"]
    list_select_related = ["user", "workspace"]

    def has_delete_permission(self, request, obj=None):
        return False  # the ledger is what reports and budgets rely on

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            records = changelist.queryset.order_by()
            sums = {column: Sum(column) for column in USAGE_COLUMNS}
            turns = Count("message_uuid", distinct=True)
            by_workspace = records.values(label=F("workspace__slug")).annotate(turns=turns, **sums).order_by("-cost")
            by_user = records.values(label=F("user__email")).annotate(turns=turns, **sums).order_by("-cost")
            response.context_data["usage_summary"] = [("By workspace", by_workspace, "workspace"), ("By user", by_user, "user")]
        return response


class SuperuserEdits:
    """Settings-like records: superusers see and edit them here (workspace admins on the page)."""

    def _superuser(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_module_permission = _superuser
    has_view_permission = _superuser
    has_add_permission = _superuser
    has_change_permission = _superuser
    has_delete_permission = _superuser


@admin.register(WorkspaceBudget)
class WorkspaceBudgetAdmin(SuperuserEdits, admin.ModelAdmin):
    """Workspace admins set budgets through GraphQL; superusers can here too."""

    list_display = ["workspace", "monthly_limit_usd", "updated_at"]
    autocomplete_fields = ["workspace"]


class AssistantSettingsForm(forms.ModelForm):
    class Meta:
        model = AssistantSettings
        fields = ["workspace", "instructions", "model", "enabled_tools", "send_rows_to_model"]

    def clean(self):
        data = super().clean()
        changes = {k: data.get(k) for k in ws.SETTINGS_FIELDS if k in self.changed_data}
        if changes.get("model") == "":
            changes.pop("model")  # blank: the server's default
        for code in ws.validation_errors(changes):
            raise forms.ValidationError(code.replace("_", " ").capitalize() + ".", code=code)
        return data


@admin.register(AssistantSettings)
class AssistantSettingsAdmin(SuperuserEdits, admin.ModelAdmin):
    """Workspace ADMINs change settings on the page; superusers can here too. A change made
    here is recorded in the settings' history like any other."""

    form = AssistantSettingsForm
    list_display = ["workspace", "model", "send_rows_to_model", "updated_at"]
    autocomplete_fields = ["workspace"]

    def save_model(self, request, obj, form, change):
        changes = {k: form.cleaned_data.get(k) for k in ws.SETTINGS_FIELDS}
        saved, _ = ws.update_settings(request.user, obj.workspace, changes)  # validated by the form
        obj.pk, obj.updated_at = saved.pk, saved.updated_at


@admin.register(AssistantPromptTemplate)
class AssistantPromptTemplateAdmin(SuperuserEdits, admin.ModelAdmin):
    """Saved questions; changes made here are in the settings' history like any other."""

    list_display = ["title", "workspace", "created_by", "updated_at"]
    list_filter = ["workspace"]
    search_fields = ["title", "text", "workspace__slug"]
    autocomplete_fields = ["workspace"]
    readonly_fields = ["created_by"]

    def save_model(self, request, obj, form, change):
        title, text = form.cleaned_data["title"], form.cleaned_data["text"]
        if change:
            ws.update_template(request.user, AssistantPromptTemplate.objects.get(pk=obj.pk), title, text)
        else:
            created, _ = ws.create_template(request.user, obj.workspace, title, text)
            obj.pk = created.pk if created else obj.pk

    def delete_model(self, request, obj):
        ws.delete_template(request.user, obj)

    def delete_queryset(self, request, queryset):
        for template in queryset:
            ws.delete_template(request.user, template)


@admin.register(AssistantSettingsChange)
class AssistantSettingsChangeAdmin(SuperuserOnly, admin.ModelAdmin):
    """The settings' audit trail: read-only, kept."""

    list_display = ["created_at", "workspace", "user", "changes"]
    list_filter = ["workspace", "created_at"]
    list_select_related = ["user", "workspace"]
    readonly_fields = ["workspace", "user", "changes", "created_at"]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssistantClient)
class AssistantClientAdmin(SuperuserOnly, admin.ModelAdmin):
    """MCP clients and their grants (revoked on the page, by their user)."""

    list_display = ["name", "kind", "user", "tools", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["kind"]
    search_fields = ["name", "user__email"]
    readonly_fields = ["name", "kind", "user", "workspaces", "tools", "application", "created_at", "last_used_at", "revoked_at"]
    exclude = ["token_hash"]
