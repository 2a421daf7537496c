"""File permissions, answered through `user.has_perm("files.<name>", workspace)`
(hexa/user_management/backends.py). Each reads the user's membership once; inactive users
have none of them."""

from hexa.workspaces.models import WorkspaceMembershipRole, membership_role

WRITER_ROLES = (WorkspaceMembershipRole.ADMIN, WorkspaceMembershipRole.EDITOR)


def read_files(user, workspace):
    """Any member may list, read and search the workspace's bucket."""
    return user.is_active and membership_role(workspace.pk, user) is not None


def write_files(user, workspace):
    """Editors and admins may write to it."""
    return user.is_active and membership_role(workspace.pk, user) in WRITER_ROLES
