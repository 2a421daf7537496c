"""Assistant permissions, answered through `user.has_perm("assistant.<name>", obj)`."""

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
    return _is_member(user, workspace, [WorkspaceMembershipRole.ADMIN])
