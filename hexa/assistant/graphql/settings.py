"""Workspace assistant settings and saved questions: members read, workspace ADMINs change.

Roles are asked without Django's superuser shortcut (has_member_perm), as for budgets:
superusers who are not members use the Django admin."""

from ariadne import MutationType, ObjectType

from hexa.core.graphql_errors import payload
from hexa.user_management.backends import has_member_perm
from hexa.workspaces.models import Workspace

from .. import workspace_settings as ws
from ..models import AssistantPromptTemplate, AssistantSettingsChange
from ..pricing import available_models
from ..tools import TOOL_NAMES
from .mutations import _workspace

settings_workspace_object = ObjectType("Workspace")
settings_object = ObjectType("AssistantSettings")
model_object = ObjectType("AssistantModel")
settings_mutations = MutationType()

MAX_CHANGES = 200


def _user(info):
    return info.context["request"].user


@settings_workspace_object.field("assistantSettings")
def resolve_assistant_settings(workspace, info):
    if not has_member_perm(_user(info), "assistant.view_settings", workspace):
        return None
    return ws.settings_for(workspace)


@settings_object.field("model")
def resolve_model(settings, _):
    return ws.model_of(settings)


@settings_object.field("retiredModel")
def resolve_retired_model(settings, _):
    return ws.retired_model(settings) if settings.pk else None


@settings_object.field("enabledTools")
def resolve_enabled_tools(settings, _):
    return ws.enabled_tools(settings)


@settings_object.field("availableTools")
def resolve_available_tools(settings, _):
    return list(TOOL_NAMES)


@settings_object.field("maxInstructionsLength")
def resolve_max_instructions(settings, _):
    return ws.MAX_INSTRUCTIONS_CHARS


@settings_object.field("availableModels")
def resolve_available_models(settings, _):
    return available_models()


@settings_object.field("promptTemplates")
def resolve_prompt_templates(settings, _):
    return AssistantPromptTemplate.objects.filter(workspace_id=settings.workspace_id)


@settings_object.field("canManage")
def resolve_can_manage(settings, info):
    return has_member_perm(_user(info), "assistant.manage_settings", settings.workspace)


@settings_object.field("changes")
def resolve_changes(settings, info, limit=50):
    if not has_member_perm(_user(info), "assistant.manage_settings", settings.workspace):
        return []
    changes = AssistantSettingsChange.objects.filter(workspace_id=settings.workspace_id).select_related("user")
    return changes[: max(0, min(limit or 0, MAX_CHANGES))]


@settings_object.field("updatedAt")
def resolve_updated_at(settings, _):
    return settings.updated_at if settings.pk else None


def _price(attribute):
    return lambda choice, _: format(getattr(choice, attribute).normalize(), "f")


for _field, _attribute in {
    "inputPrice": "input_price", "outputPrice": "output_price",
    "cacheReadPrice": "cache_read_price", "cacheWritePrice": "cache_write_price",
}.items():
    model_object.set_field(_field, _price(_attribute))


def _managed_workspace(user, slug) -> tuple[Workspace | None, str | None]:
    workspace = _workspace(user, slug)
    if workspace is None:
        return None, "WORKSPACE_NOT_FOUND"
    if not has_member_perm(user, "assistant.manage_settings", workspace):
        return workspace, "PERMISSION_DENIED"
    return workspace, None


def _managed_template(user, template_id) -> tuple[AssistantPromptTemplate | None, str | None]:
    """A template of a workspace the user sees; another workspace's is NOT_FOUND."""
    template = (
        AssistantPromptTemplate.objects.filter(pk=template_id, workspace__in=Workspace.objects.filter_for_user(user))
        .select_related("workspace")
        .first()
    )
    if template is None or not has_member_perm(user, "assistant.view_settings", template.workspace):
        return None, "NOT_FOUND"
    if not has_member_perm(user, "assistant.manage_settings", template.workspace):
        return None, "PERMISSION_DENIED"
    return template, None


@settings_mutations.field("updateAssistantSettings")
def resolve_update_settings(_, info, input):
    user = _user(info)
    workspace, refused = _managed_workspace(user, input["workspace_slug"])
    if refused:
        readable = workspace is not None and has_member_perm(user, "assistant.view_settings", workspace)
        return payload([refused], settings=ws.settings_for(workspace) if readable else None)
    settings, errors = ws.update_settings(user, workspace, {k: input.get(k) for k in ws.SETTINGS_FIELDS})
    return payload(errors, settings=settings)


@settings_mutations.field("createAssistantPromptTemplate")
def resolve_create_template(_, info, input):
    user = _user(info)
    workspace, refused = _managed_workspace(user, input["workspace_slug"])
    if refused:
        return payload([refused], prompt_template=None)
    template, errors = ws.create_template(user, workspace, input["title"], input["text"])
    return payload(errors, prompt_template=template)


@settings_mutations.field("updateAssistantPromptTemplate")
def resolve_update_template(_, info, input):
    user = _user(info)
    template, refused = _managed_template(user, input["id"])
    if refused:
        return payload([refused], prompt_template=None)
    errors = ws.update_template(user, template, input.get("title"), input.get("text"))
    if errors:
        template.refresh_from_db()
    return payload(errors, prompt_template=template)


@settings_mutations.field("deleteAssistantPromptTemplate")
def resolve_delete_template(_, info, input):
    user = _user(info)
    template, refused = _managed_template(user, input["id"])
    if refused:
        return payload([refused])
    ws.delete_template(user, template)
    return payload()


bindables = [settings_workspace_object, settings_object, model_object, settings_mutations]
