"""Workspace database permissions, answered through `user.has_perm("databases.<name>", workspace)`
(hexa/user_management/backends.py). Each reads the user's membership once; inactive users
have none of them."""

from hexa.workspaces.models import membership_role


def query_database(user, workspace):
    """Any member may read the workspace database (as its read-only role)."""
    return user.is_active and membership_role(workspace.pk, user) is not None
