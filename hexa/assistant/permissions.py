"""Assistant permissions, answered through `user.has_perm("assistant.<name>", obj)`."""

from hexa.workspaces.models import WorkspaceMembership, WorkspaceMembershipRole


def _is_member(user, workspace, roles=None):
    memberships = WorkspaceMembership.objects.filter(workspace=workspace, user=user)
    if roles:
        memberships = memberships.filter(role__in=roles)
    return user.is_authenticated and memberships.exists()


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
