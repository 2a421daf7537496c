"""The workspace's connections, as the assistant sees them, and DHIS2 through them.

    tools = UserConnectionTools(user, workspace)
    tools.list_connections()                                   # slug, name, type, non-secret fields
    tools.query_dhis2(connection, resource, params=None, limit=None)
        -> {"connection", "resource", "columns", "rows", "row_count", "total_rows", "truncated", "limit",
            "pager"?, "duration_ms", "note"?}

A secret value never leaves this module: list_connections names a secret field without its
value, and query_dhis2 hands the credentials to dhis2_client.py, which puts them in a request
header only. A field is taken as secret when it is marked so, and also when its code says it
holds a credential (`password`, `token`…): an editor who forgot to tick "secret" does not
send a password to the model.

Permission: `workspaces.use_connections` (any member: both tools only read, as
query_database does; the secrets themselves stay reserved to editors and admins in the API).
"""

import re
import time
from urllib.parse import urlsplit, urlunsplit

from hexa.databases.values import Cells
from hexa.workspaces.models import Connection, ConnectionType

from ..errors import AssistantError
from . import dhis2_client, dhis2_tables
from .database_query import CELL_MAX_CHARS, RESULT_MAX_CHARS, checked_limit
from .errors import requires, tool_method

_NOT_A_MEMBER = "The user is not (or no longer) a member of this workspace, so its connections cannot be used. Do not retry."
_CREDENTIAL_CODE = re.compile(r"pass|secret|token|key|credential|pwd", re.IGNORECASE)
MAX_CONNECTIONS = 100

_tool = tool_method(hint="Check the connection, the resource and the parameters, or try a simpler request.")


def is_secret(field) -> bool:
    return field.secret or bool(_CREDENTIAL_CODE.search(field.code))


def _without_userinfo(value: str) -> str:
    """A URL with credentials in it is shown without them."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if parts.scheme and (parts.username or parts.password):
        host = parts.hostname or ""
        return urlunsplit((parts.scheme, host + (f":{parts.port}" if parts.port else ""), parts.path, parts.query, ""))
    return value


def connection_fields(connection) -> dict:
    """code -> value, secrets included: for the request only (dhis2_client), never for output."""
    return {field.code: field.value for field in connection.fields.all()}


def dhis2_connection(workspace, slug) -> Connection:
    if not isinstance(slug, str) or not slug.strip():
        raise AssistantError("INVALID_INPUT", "`connection` must be a connection's slug (see list_connections).")
    connection = Connection.objects.filter(workspace=workspace, slug=slug.strip()).first()
    if connection is None:
        raise AssistantError(
            "NOT_FOUND",
            f"This workspace has no connection {slug[:100]!r}. Call list_connections for the slugs of its connections.",
        )
    if connection.connection_type != ConnectionType.DHIS2:
        raise AssistantError(
            "INVALID_INPUT",
            f"The connection {connection.slug!r} is a {connection.connection_type} connection, not DHIS2; query_dhis2 "
            "reads DHIS2 connections only.",
        )
    return connection


def fetch_table(workspace, connection_slug, resource, params) -> tuple[Connection, str, dict]:
    """(connection, path, the whole answer as a table, its cells not yet bounded): what
    query_dhis2, its charts and its downloads share."""
    request = dhis2_client.check_request(resource, params)
    connection = dhis2_connection(workspace, connection_slug)
    body = dhis2_client.fetch(connection_fields(connection), request)
    return connection, request[0], dhis2_tables.as_table(request[0], body)


class UserConnectionTools:
    """The connections of `workspace`, used through the assistant on behalf of `user`."""

    def __init__(self, user, workspace):
        self.user = user
        self.workspace = workspace

    @_tool
    @requires("workspaces.use_connections", _NOT_A_MEMBER)
    def list_connections(self) -> dict:
        connections = []
        queryset = Connection.objects.filter(workspace=self.workspace).prefetch_related("fields").order_by("slug")
        for connection in queryset[: MAX_CONNECTIONS + 1]:
            fields, secrets = {}, []
            for field in connection.fields.all():
                if is_secret(field):
                    secrets.append(field.code)
                else:
                    fields[field.code] = _without_userinfo(field.value)[:500]
            connections.append({
                "slug": connection.slug,
                "name": connection.name,
                "type": connection.connection_type,
                "description": connection.description[:500],
                "fields": fields,
                "secret_fields": secrets,
            })
        result = {"connections": connections[:MAX_CONNECTIONS], "count": min(len(connections), MAX_CONNECTIONS)}
        notes = []
        if len(connections) > MAX_CONNECTIONS:
            notes.append(f"Only the first {MAX_CONNECTIONS} connections (by slug) are listed.")
        notes.append("Secret fields are named, never shown. query_dhis2 reads DHIS2 connections by their slug.")
        result["note"] = " ".join(notes)
        return result

    @_tool
    @requires("workspaces.use_connections", _NOT_A_MEMBER)
    def query_dhis2(self, connection, resource, params=None, limit=None) -> dict:
        started = time.monotonic()
        limit, limit_note = checked_limit(limit)
        found, path, table = fetch_table(self.workspace, connection, resource, params)
        rows, truncated, cut_note = bounded_rows(table["rows"], limit)
        result = {
            "connection": found.slug,
            "resource": path,
            "columns": table["columns"],
            "rows": rows,
            "row_count": len(rows),
            "total_rows": len(table["rows"]),
            "truncated": truncated,
            "limit": limit,
        }
        if "pager" in table:
            result["pager"] = table["pager"]
        result["duration_ms"] = round((time.monotonic() - started) * 1000)
        notes = [n for n in (limit_note, cut_note) if n]
        if truncated:
            notes.append(
                f"{len(rows)} of {len(table['rows'])} rows are shown: ask DHIS2 for less (fewer items, a filter), or "
                "chart or download the whole answer (create_chart with source \"dhis2\"; the user can download it)."
            )
        if notes:
            result["note"] = " ".join(notes)
        return result


def bounded_rows(rows: list, limit: int) -> tuple[list, bool, str | None]:
    """At most `limit` rows, each value cut to CELL_MAX_CHARS and all of them to about
    RESULT_MAX_CHARS of JSON, as query_database bounds its results."""
    cells = Cells(CELL_MAX_CHARS)
    kept, size = [], 0
    for row in rows[:limit]:
        bounded = [cells(value) for value in row]
        size += sum(len(str(value)) + 4 for value in bounded)
        if size > RESULT_MAX_CHARS and kept:
            break
        kept.append(bounded)
    truncated = len(kept) < len(rows)
    note = None
    if len(kept) < min(limit, len(rows)):
        note = f"Rows stop at about {RESULT_MAX_CHARS // 1000} kB of data."
    if cells.cut:
        note = ((note + " ") if note else "") + f"{cells.cut} value(s) longer than {CELL_MAX_CHARS:,} characters were cut."
    return kept, truncated, note
