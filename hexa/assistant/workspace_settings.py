"""A workspace's assistant settings: read with defaults, changed with validation and an
audit record, for the GraphQL mutations, the agent and the Django admin alike.

Validation returns error codes (errors as data); nothing here raises for bad input.
"""

from django.conf import settings
from django.db import transaction

from hexa.core.rows import columns, fetch_instances, table
from hexa.core.text import is_storable_text

from .models import AssistantPromptTemplate, AssistantSettings, AssistantSettingsChange, Conversation
from .pricing import available_models
from .retired_models import is_retired
from .tools import TOOL_NAMES

MAX_INSTRUCTIONS_CHARS = 10_000
MAX_TEMPLATE_TITLE_CHARS = 100
MAX_TEMPLATE_TEXT_CHARS = 4_000
MAX_TEMPLATES = 50
SETTINGS_FIELDS = ("instructions", "model", "enabled_tools", "send_rows_to_model", "follow_ups")


def settings_for(workspace) -> AssistantSettings:
    """The workspace's settings; an unsaved default row when it never changed them. A model
    Anthropic has retired is replaced by the server's default first."""
    # a plain statement: every turn reads them, and the ORM took longer to build the query than to run it
    found = fetch_instances(
        f"SELECT {columns(AssistantSettings, 's')} FROM {table(AssistantSettings)} s WHERE s.workspace_id = %s",
        [workspace.pk], AssistantSettings,
    )
    found = found[0] if found else None
    if found is not None and is_retired(found.model):
        found = _move_off_retired_model(found)
    return found or AssistantSettings(workspace=workspace)


def _move_off_retired_model(current: AssistantSettings) -> AssistantSettings:
    """The workspace goes back to the server's default model, with an entry (by nobody,
    marked `retired`) in its change history: its next call would fail otherwise."""
    with transaction.atomic():
        current = AssistantSettings.objects.select_for_update().get(pk=current.pk)
        if is_retired(current.model):  # unless another request moved it meanwhile
            change = {"before": current.model, "after": settings.ASSISTANT_MODEL, "retired": True}
            AssistantSettingsChange.objects.create(workspace_id=current.workspace_id, user=None, changes={"model": change})
            current.model = ""
            current.save()
    return current


def retired_model(workspace_settings: AssistantSettings) -> str | None:
    """The retired model the workspace was moved off, for the settings page's notice; None
    once the model was changed again (or never moved)."""
    last = (
        AssistantSettingsChange.objects.filter(workspace_id=workspace_settings.workspace_id, changes__has_key="model")
        .values_list("changes", flat=True)
        .first()
    )
    return last["model"]["before"] if last and last["model"].get("retired") else None


def conversation_model(conversation: Conversation) -> str:
    """The model of a conversation's next call: its own (a conversation keeps the model it
    started with) unless Anthropic has retired it; then the workspace's model, kept on the
    conversation and recorded in the workspace's change history."""
    model = conversation.model or settings.ASSISTANT_MODEL
    if not is_retired(model):
        return model
    current = model_of(settings_for(conversation.workspace))
    with transaction.atomic():
        if Conversation.objects.filter(pk=conversation.pk, model=conversation.model).update(model=current):
            change = {
                "before": model, "after": current, "retired": True,
                "conversation": {"id": str(conversation.pk), "title": conversation.title},
            }
            AssistantSettingsChange.objects.create(
                workspace_id=conversation.workspace_id, user=None, changes={"conversation_model": change}
            )
    conversation.model = current
    return current


def model_of(workspace_settings: AssistantSettings) -> str:
    """The model new conversations of the workspace start with."""
    return workspace_settings.model or settings.ASSISTANT_MODEL


def enabled_tools(workspace_settings: AssistantSettings) -> list[str]:
    """The tools offered to the model, in registry order. Null means every tool, so tools
    added to the server later are on until an ADMIN turns them off."""
    chosen = workspace_settings.enabled_tools
    return [name for name in TOOL_NAMES if chosen is None or name in chosen]


def validation_errors(changes: dict) -> list[str]:
    errors = []
    if "instructions" in changes:
        text = changes["instructions"]
        if not isinstance(text, str) or not is_storable_text(text):
            errors.append("INVALID_INSTRUCTIONS")
        elif len(text) > MAX_INSTRUCTIONS_CHARS:
            errors.append("INSTRUCTIONS_TOO_LONG")
    if "model" in changes and changes["model"] not in {m.id for m in available_models()}:
        errors.append("INVALID_MODEL")
    if "enabled_tools" in changes:
        tools = changes["enabled_tools"]
        if not isinstance(tools, list) or any(name not in TOOL_NAMES for name in tools):
            errors.append("INVALID_TOOL")
    if "send_rows_to_model" in changes and not isinstance(changes["send_rows_to_model"], bool):
        errors.append("INVALID_DATA_POLICY")
    if "follow_ups" in changes and not isinstance(changes["follow_ups"], bool):
        errors.append("INVALID_FOLLOW_UPS")
    return errors


def update_settings(user, workspace, changes: dict) -> tuple[AssistantSettings, list[str]]:
    """Apply `changes` (a subset of SETTINGS_FIELDS; None values are left out) and record
    who changed what. Returns the settings and error codes (nothing applied if any)."""
    changes = {k: v for k, v in changes.items() if k in SETTINGS_FIELDS and v is not None}
    if "instructions" in changes and isinstance(changes["instructions"], str):
        changes["instructions"] = changes["instructions"].strip()
    if "enabled_tools" in changes and isinstance(changes["enabled_tools"], list):
        # stored in registry order, without repeats: one spelling per choice
        changes["enabled_tools"] = [name for name in TOOL_NAMES if name in changes["enabled_tools"]] + [
            name for name in changes["enabled_tools"] if name not in TOOL_NAMES
        ]
    errors = validation_errors(changes)
    if errors:
        return settings_for(workspace), errors
    with transaction.atomic():
        current, _ = AssistantSettings.objects.select_for_update().get_or_create(workspace=workspace)
        before = {"model": model_of(current), "enabled_tools": enabled_tools(current)}
        diff = {}
        for field, value in changes.items():
            old = before.get(field, getattr(current, field))
            if old != value:
                diff[field] = {"before": old, "after": value}
            setattr(current, field, value)
        if diff:
            current.save()
            AssistantSettingsChange.objects.create(workspace=workspace, user=user, changes=diff)
    return current, []


def _template_errors(title, text) -> list[str]:
    errors = []
    if title is not None and (not title.strip() or len(title.strip()) > MAX_TEMPLATE_TITLE_CHARS or not is_storable_text(title)):
        errors.append("INVALID_TITLE")
    if text is not None and (not text.strip() or len(text.strip()) > MAX_TEMPLATE_TEXT_CHARS or not is_storable_text(text)):
        errors.append("INVALID_TEXT")
    return errors


def _template_state(template) -> dict | None:
    return None if template is None else {"id": str(template.pk), "title": template.title, "text": template.text}


def create_template(user, workspace, title, text) -> tuple[AssistantPromptTemplate | None, list[str]]:
    errors = _template_errors(title, text)
    if errors:
        return None, errors
    with transaction.atomic():
        if AssistantPromptTemplate.objects.filter(workspace=workspace).count() >= MAX_TEMPLATES:
            return None, ["TOO_MANY_TEMPLATES"]
        template = AssistantPromptTemplate.objects.create(
            workspace=workspace, title=title.strip(), text=text.strip(), created_by=user
        )
        _record_template(user, workspace, None, template)
    return template, []


def update_template(user, template, title=None, text=None) -> list[str]:
    errors = _template_errors(title, text)
    if errors:
        return errors
    with transaction.atomic():
        before = _template_state(template)
        if title is not None:
            template.title = title.strip()
        if text is not None:
            template.text = text.strip()
        template.save()
        if before != _template_state(template):
            _record_template(user, template.workspace, before, template)
    return []


def delete_template(user, template) -> None:
    with transaction.atomic():
        _record_template(user, template.workspace, _template_state(template), None)
        template.delete()


def _record_template(user, workspace, before, after):
    after = _template_state(after) if isinstance(after, AssistantPromptTemplate) else after
    AssistantSettingsChange.objects.create(
        workspace=workspace, user=user, changes={"prompt_template": {"before": before, "after": after}}
    )
