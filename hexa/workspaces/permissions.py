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


# Connections, as upstream: every member sees a workspace's connections (filter_for_user);
# admins and editors create, change and delete them, and they alone read secret values.
def create_connection(principal, workspace):
    return _has_role(principal, workspace, [WorkspaceMembershipRole.ADMIN, WorkspaceMembershipRole.EDITOR])


def update_connection(principal, connection):
    return create_connection(principal, connection.workspace)


def delete_connection(principal, connection):
    return create_connection(principal, connection.workspace)


def view_connection_secrets(principal, connection):
    """The value of a field marked secret: those who may change the connection (a viewer
    learns that the field exists and is set, never what it holds)."""
    return update_connection(principal, connection)


def use_connections(principal, workspace):
    """The assistant's list_connections and query_dhis2: any member. They only read (a secret
    value never reaches their output), as query_database does for viewers too."""
    return principal.is_active and view_workspace(principal, workspace)
