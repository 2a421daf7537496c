"""GraphQL for connections, with upstream OpenHEXA's names: `workspace { connections }`,
`connection`, `connectionBySlug`, `createConnection`, `updateConnection`, `deleteConnection`
(business errors as data). A secret field's value goes only to those allowed to read it."""

import uuid

from ariadne import InterfaceType, MutationType, ObjectType, QueryType
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError

from hexa.core.graphql_errors import payload
from hexa.core.text import is_storable_text

from ..models import Connection, ConnectionType, Workspace

connection_queries = QueryType()
connection_mutations = MutationType()
connection_interface = InterfaceType("Connection")
connection_field_object = ObjectType("ConnectionField")
connection_permissions_object = ObjectType("ConnectionPermissions")
workspace_object = ObjectType("Workspace")

# The concrete GraphQL type of each kind of connection (the SDK reads `__typename`).
TYPE_NAMES = {
    ConnectionType.DHIS2: "DHIS2Connection",
    ConnectionType.IASO: "IASOConnection",
    ConnectionType.POSTGRESQL: "PostgreSQLConnection",
    ConnectionType.S3: "S3Connection",
    ConnectionType.GCS: "GCSConnection",
    ConnectionType.CUSTOM: "CustomConnection",
}


def _user(info):
    return info.context["request"].user


def _visible_connection(info, connection_id):
    """The caller's connection with this id (a string, as upstream types it), or None."""
    try:
        pk = uuid.UUID(str(connection_id))
    except ValueError:
        return None
    return Connection.objects.filter_for_user(_user(info)).filter(pk=pk).select_related("workspace").first()


def _validation_error_code(error: ValidationError) -> str:
    """INVALID_SLUG for the slug (malformed, or taken in the workspace), else INVALID_FIELDS."""
    about = set(getattr(error, "error_dict", {}))
    return "INVALID_SLUG" if about & {"slug", NON_FIELD_ERRORS} else "INVALID_FIELDS"


@connection_interface.type_resolver
def resolve_connection_type(connection, *_):
    return TYPE_NAMES[connection.connection_type]


@connection_interface.field("type")
def resolve_type(connection, _):
    return connection.connection_type


@connection_interface.field("fields")
def resolve_fields(connection, _):
    return connection.fields.all()


@connection_interface.field("permissions")
def resolve_permissions(connection, _):
    return connection


@connection_permissions_object.field("update")
def resolve_permission_update(connection, info):
    return _user(info).has_perm("workspaces.update_connection", connection)


@connection_permissions_object.field("delete")
def resolve_permission_delete(connection, info):
    return _user(info).has_perm("workspaces.delete_connection", connection)


@connection_field_object.field("value")
def resolve_field_value(field, info):
    if not field.secret or _user(info).has_perm("workspaces.view_connection_secrets", field.connection):
        return field.value
    return None


@workspace_object.field("connections")
def resolve_workspace_connections(workspace, _):
    return workspace.connections.select_related("workspace", "user")


@connection_queries.field("connection")
def resolve_connection(_, info, id):
    return _visible_connection(info, id)


@connection_queries.field("connectionBySlug")
def resolve_connection_by_slug(_, info, workspace_slug, connection_slug):
    if not (is_storable_text(workspace_slug) and is_storable_text(connection_slug)):
        return None  # no such slug could exist
    return (
        Connection.objects.filter_for_user(_user(info))
        .filter(workspace__slug=workspace_slug, slug=connection_slug)
        .select_related("workspace")
        .first()
    )


@connection_mutations.field("createConnection")
def resolve_create_connection(_, info, input):
    user = _user(info)
    workspace = None
    if is_storable_text(input["workspace_slug"]):
        workspace = Workspace.objects.filter_for_user(user).filter(slug=input["workspace_slug"]).first()
    if workspace is None:
        return payload(["WORKSPACE_NOT_FOUND"], connection=None)
    try:
        connection = Connection.objects.create_if_has_perm(
            user,
            workspace,
            name=input["name"],
            slug=input.get("slug"),
            description=input.get("description") or "",
            connection_type=input["type"],
            fields=input.get("fields"),
        )
    except PermissionDenied:
        return payload(["PERMISSION_DENIED"], connection=None)
    except ValidationError as error:
        return payload([_validation_error_code(error)], connection=None)
    except IntegrityError:  # another request took the slug between the check and the insert
        return payload(["INVALID_SLUG"], connection=None)
    return payload(connection=connection)


@connection_mutations.field("updateConnection")
def resolve_update_connection(_, info, input):
    connection = _visible_connection(info, input["id"])
    if connection is None:
        return payload(["NOT_FOUND"], connection=None)
    changes = {key: input[key] for key in ("name", "slug", "description") if input.get(key) is not None}
    try:
        connection.update_if_has_perm(_user(info), fields=input.get("fields"), **changes)
    except PermissionDenied:
        return payload(["PERMISSION_DENIED"], connection=None)
    except ValidationError as error:
        return payload([_validation_error_code(error)], connection=None)
    except IntegrityError:
        return payload(["INVALID_SLUG"], connection=None)
    return payload(connection=connection)


@connection_mutations.field("deleteConnection")
def resolve_delete_connection(_, info, input):
    connection = _visible_connection(info, input["id"])
    if connection is None:
        return payload(["NOT_FOUND"])
    try:
        connection.delete_if_has_perm(_user(info))
    except PermissionDenied:
        return payload(["PERMISSION_DENIED"])
    return payload()


bindables = [
    connection_queries,
    connection_mutations,
    connection_interface,
    connection_field_object,
    connection_permissions_object,
    workspace_object,
]
