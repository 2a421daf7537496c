from .models import WorkspaceMembership, WorkspaceMembershipRole


def _has_role(user, workspace, roles):
    return (
        user.is_authenticated
        and WorkspaceMembership.objects.filter(workspace=workspace, user=user, role__in=roles).exists()
    )


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
