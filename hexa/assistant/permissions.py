"""Assistant permissions, answered through `user.has_perm("assistant.<name>", obj)`.

Django answers `has_perm` True for an active superuser before asking these functions.
What is reserved to members by role (creating a conversation, setting a workspace's
budget) is asked with `hexa.user_management.backends.has_member_perm`, which has no such
shortcut: a superuser who is not a member of the workspace is refused.
"""

from hexa.workspaces.models import WorkspaceMembershipRole, membership_role


def _is_member(user, workspace, roles=None):
    """`workspace`: a Workspace or its id."""
    role = membership_role(getattr(workspace, "pk", workspace), user)
    return role is not None and (not roles or role in roles)


def create_conversation(user, workspace):
    return _is_member(user, workspace)


def view_conversation(user, conversation):
    """Conversations are private to their owner, and only while a member of the workspace."""
    return conversation.user_id == user.id and _is_member(user, conversation.workspace_id)


def send_message(user, conversation):
    return view_conversation(user, conversation)


def update_conversation(user, conversation):
    return view_conversation(user, conversation)


def delete_conversation(user, conversation):
    return view_conversation(user, conversation)


def view_usage(user, workspace):
    return _is_member(user, workspace, [WorkspaceMembershipRole.ADMIN])


def manage_budget(user, workspace):
    """Workspace ADMINs only (not superusers who are not members: see has_member_perm)."""
    return _is_member(user, workspace, [WorkspaceMembershipRole.ADMIN])


def view_settings(user, workspace):
    """Every member reads the workspace's assistant settings and saved questions."""
    return _is_member(user, workspace)


def manage_settings(user, workspace):
    """Workspace ADMINs change them and see their history (superusers: the Django admin)."""
    return _is_member(user, workspace, [WorkspaceMembershipRole.ADMIN])


def manage_evaluations(user, workspace):
    """Workspace ADMINs see and change its evaluation questions and run them."""
    return _is_member(user, workspace, [WorkspaceMembershipRole.ADMIN])


def verify_queries(user, workspace):
    """Editors and admins verify queries (and edit or remove them); viewers read them."""
    return _is_member(user, workspace, [WorkspaceMembershipRole.ADMIN, WorkspaceMembershipRole.EDITOR])
