from .models import WorkspaceMembershipRole, membership_role


def _has_role(user, workspace, roles):
    return membership_role(workspace.pk, user) in roles


def create_workspace(principal):
    return principal.is_authenticated and principal.is_staff


def view_workspace(principal, workspace):
    return _has_role(principal, workspace, WorkspaceMembershipRole.values)


def update_workspace(principal, workspace):
    return _has_role(principal, workspace, [WorkspaceMembershipRole.ADMIN, WorkspaceMembershipRole.EDITOR])


def manage_members(principal, workspace):
    return _has_role(principal, workspace, [WorkspaceMembershipRole.ADMIN])


def delete_workspace(principal, workspace):
    return _has_role(principal, workspace, [WorkspaceMembershipRole.ADMIN])
