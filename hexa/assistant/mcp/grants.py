"""What an MCP client may do: a grant of workspaces and tools, never more than its user's
own role, checked again at every call.

Tools come from the registry (hexa.assistant.tools): a tool added there is offered here with
no other declaration. Tools that wait for the user (`Tool.awaits`: write_file's approval,
ask_user's answer, and whatever is added later with an approval) are not offered: every
change to a workspace is approved by its user on the assistant page, inside a conversation
whose turn resumes with the outcome. An MCP call is one request and one answer; it has no
turn to resume, and the other client's own confirmation is not something this server can
check. So a client reads and queries; changes are made on the page.
"""

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from hexa.core.text import is_storable_text
from hexa.workspaces.models import Workspace, membership_role

from ..errors import error_result
from ..models import AssistantClient, AssistantClientKind, AssistantSettings
from ..tools import TOOLS
from ..tools.base import Tool
from ..workspace_settings import enabled_tools

TOKEN_PREFIX = "hxa_"
MAX_NAME_CHARS = 100
MAX_CLIENTS_PER_USER = 50


class McpErrorCode(StrEnum):
    """The codes of refusals made before a tool runs (the tool's own errors keep theirs)."""

    UNKNOWN_TOOL = "UNKNOWN_TOOL"
    # a tool that waits for the user (a change to approve, a question): not offered over MCP
    NOT_AVAILABLE = "NOT_AVAILABLE"
    TOOL_NOT_GRANTED = "TOOL_NOT_GRANTED"
    WORKSPACE_NOT_GRANTED = "WORKSPACE_NOT_GRANTED"
    TOOL_DISABLED = "TOOL_DISABLED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    INVALID_INPUT = "INVALID_INPUT"
    RATE_LIMITED = "RATE_LIMITED"


def is_change(tool: Tool) -> bool:
    """A tool that changes the workspace: those are the ones held for the user's approval."""
    return tool.needs_approval


def offered_tools() -> dict[str, Tool]:
    """The registry's tools an MCP client may be granted: those that run at once."""
    return {name: tool for name, tool in TOOLS.items() if not tool.awaits_user}


def role_allows(user, workspace, tool: Tool) -> bool:
    """The user's own role in the workspace lets them run the tool (and they are a member)."""
    if membership_role(workspace.pk, user) is None:
        return False
    return tool.permission is None or user.has_perm(tool.permission, workspace)


def grantable_tools(user, workspace) -> list[str]:
    """The tools the user may grant a client in this workspace."""
    return [name for name, tool in offered_tools().items() if role_allows(user, workspace, tool)]


# -- one client's grant, at each call -------------------------------------------------


@dataclass
class Grant:
    """A verified client: its user, and the workspaces it was granted where the user is
    still a member, with the tools it may use in each (granted ∩ enabled ∩ the role's)."""

    client: AssistantClient
    workspaces: dict[str, Workspace]
    # each workspace's assistant settings, read with the grant (its enabled tools, its data policy)
    settings: dict[str, AssistantSettings]

    @property
    def user(self):
        return self.client.user

    def tools_in(self, workspace) -> list[str]:
        enabled = set(enabled_tools(self.settings[workspace.slug]))
        offered = offered_tools()
        allowed = {}  # each permission asked once
        names = []
        for name in self.client.tools:
            tool = offered.get(name)
            if tool is None or name not in enabled:
                continue
            if tool.permission not in allowed:
                allowed[tool.permission] = tool.permission is None or self.user.has_perm(tool.permission, workspace)
            if allowed[tool.permission]:
                names.append(name)
        return names

    def listed_tools(self) -> dict[str, list[str]]:
        """Each tool the client may call, with the slugs of the workspaces it may call it in."""
        listed: dict[str, list[str]] = {}
        for slug, workspace in self.workspaces.items():
            for name in self.tools_in(workspace):
                listed.setdefault(name, []).append(slug)
        return {name: listed[name] for name in offered_tools() if name in listed}

    def check_call(self, name, slug) -> tuple[Workspace | None, AssistantSettings | None, dict | None]:
        """(the workspace to run `name` in, its assistant settings, None), or (None, None,
        the refusal as a tool error). The user's role is the tool's to check, as on the
        page: its executor asks `user.has_perm` for the tool's permission at every call."""
        tool = TOOLS.get(name) if isinstance(name, str) else None
        if tool is None:
            return None, None, error_result(McpErrorCode.UNKNOWN_TOOL, f"There is no tool named {str(name)[:100]!r}.")
        if name not in offered_tools():
            return None, None, error_result(
                McpErrorCode.NOT_AVAILABLE,
                f"{name} is not available to MCP clients: changes to a workspace (and questions to the user) "
                "are made on the OpenHEXA assistant page, where the user approves them.",
            )
        if name not in self.client.tools:
            return None, None, error_result(McpErrorCode.TOOL_NOT_GRANTED, f"This client was not granted the {name} tool.")
        if not isinstance(slug, str) or slug not in self.workspaces:
            granted = ", ".join(sorted(self.workspaces)) or "none"
            return None, None, error_result(
                McpErrorCode.WORKSPACE_NOT_GRANTED,
                f"This client may not use the workspace {str(slug)[:100]!r}. Its workspaces: {granted}.",
            )
        workspace = self.workspaces[slug]
        workspace_settings = self.settings[slug]
        if name not in enabled_tools(workspace_settings):
            return None, None, error_result(
                McpErrorCode.TOOL_DISABLED, f"The {name} tool is turned off in this workspace."
            )
        return workspace, workspace_settings, None


def grant_of(client: AssistantClient) -> Grant:
    """The client's grant as it stands: workspaces the user left are gone at once. One
    query, with each workspace's assistant settings (a workspace that never changed them has
    the defaults)."""
    workspaces = list(client.workspaces.filter(memberships__user_id=client.user_id).annotate(
        chosen_tools=F("assistant_settings__enabled_tools"), sends_rows=F("assistant_settings__send_rows_to_model"),
    ))
    settings = {
        w.slug: AssistantSettings(workspace=w, enabled_tools=w.chosen_tools, send_rows_to_model=w.sends_rows is not False)
        for w in workspaces
    }
    return Grant(client, {w.slug: w for w in workspaces}, settings)


# -- personal tokens ------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def personal_client(token: str) -> AssistantClient | None:
    """The live client of a personal token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return (
        AssistantClient.objects.select_related("user")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def checked_grant(user, workspace_slugs, tools) -> tuple[list[Workspace], list[str], list[str]]:
    """The workspaces and tools of a grant the user asks for, and the errors: a grant
    never exceeds the user's role (a tool must be theirs to run in every workspace named)."""
    errors = []
    if not isinstance(workspace_slugs, list) or not workspace_slugs or not all(isinstance(s, str) for s in workspace_slugs):
        return [], [], ["WORKSPACE_NOT_FOUND"]
    workspaces = list(Workspace.objects.filter(slug__in=set(workspace_slugs)))
    workspaces = [w for w in workspaces if membership_role(w.pk, user) is not None]
    if len(workspaces) != len(set(workspace_slugs)):
        errors.append("WORKSPACE_NOT_FOUND")
    offered = offered_tools()
    if not isinstance(tools, list) or not tools or not all(isinstance(t, str) and t in offered for t in tools):
        errors.append("INVALID_TOOL")
    elif any(not role_allows(user, w, offered[t]) for w in workspaces for t in tools):
        errors.append("PERMISSION_DENIED")
    return workspaces, sorted(set(tools)) if not errors else [], errors


def create_personal_token(user, name, workspace_slugs, tools) -> tuple[AssistantClient | None, str | None, list[str]]:
    """(the client, its token: shown once, never stored), or (None, None, errors)."""
    errors = []
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS or not is_storable_text(name):
        errors.append("INVALID_NAME")
    workspaces, tools, grant_errors = checked_grant(user, workspace_slugs, tools)
    errors += grant_errors
    if AssistantClient.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_CLIENTS_PER_USER:
        errors.append("TOO_MANY_CLIENTS")
    if errors:
        return None, None, errors
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        client = AssistantClient.objects.create(
            user=user, name=name.strip(), kind=AssistantClientKind.PERSONAL_TOKEN, tools=tools, token_hash=token_hash(token)
        )
        client.workspaces.set(workspaces)
    return client, token, []


def revoke_client(user, client_id) -> list[str]:
    """Revoke one of the user's clients: its token (or OAuth tokens) stop working at once."""
    with transaction.atomic():
        client = AssistantClient.objects.select_for_update().filter(pk=client_id, user=user, revoked_at__isnull=True).first()
        if client is None:
            return ["NOT_FOUND"]
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at", "updated_at"])
        if client.application_id:
            RefreshToken.objects.filter(user=user, application_id=client.application_id).delete()
            AccessToken.objects.filter(user=user, application_id=client.application_id).delete()
    return []
