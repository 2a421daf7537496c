"""Workspace databases on the workspaces PostgreSQL server (WORKSPACES_DATABASE_URL).

Each workspace database `<db_name>` is owned by a login role of the same name (the
workspace's pipelines and notebooks use it), and has a second login role `<db_name>_ro`
that may only read: it can SELECT every table and view in the public schema, including
those the owner creates later, and nothing else. The assistant's SQL runs as that role.

Every workspace database lives on the same server, whose catalogs are partly server-wide:
by default any role may list every database, role and session (pg_database, pg_roles,
pg_stat_activity…). `isolate_database` takes those from PUBLIC in one workspace database
(the privileges on catalogs are kept per database), so that its `_ro` role sees nothing of
the others; the owner keeps them (pg_dump, psql and database tools read them). It needs a
superuser: `create_database` applies it when the server's role is one, and
`python manage.py isolate_workspace_databases` applies it to existing databases (the
migration databases.0001 does so once on upgrade).
"""

import logging
import re
import secrets
from contextlib import contextmanager
from urllib.parse import unquote, urlparse

import psycopg2
from django.conf import settings
from psycopg2 import sql

logger = logging.getLogger(__name__)

DB_NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,59}$")  # leaves room for the `_ro` suffix


def server_params() -> dict:
    url = urlparse(settings.WORKSPACES_DATABASE_URL)
    return {
        "host": url.hostname or "127.0.0.1",
        "port": url.port or 5432,
        "user": unquote(url.username or ""),
        "password": unquote(url.password or ""),
        "dbname": url.path.lstrip("/") or "postgres",
    }


def read_only_role(db_name: str) -> str:
    return f"{db_name}_ro"


def generate_db_name(slug: str) -> str:
    base = re.sub(r"[^a-z0-9]+", "_", slug.lower()).strip("_")[:40] or "workspace"
    return f"ws_{base}_{secrets.token_hex(3)}"


def generate_password() -> str:
    return secrets.token_urlsafe(24)


@contextmanager
def _admin_cursor(dbname=None):
    params = server_params()
    if dbname:
        params["dbname"] = dbname
    connection = psycopg2.connect(**params, connect_timeout=10)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        connection.close()


def _check_name(db_name: str):
    if not DB_NAME_PATTERN.match(db_name):
        raise ValueError(f"Invalid workspace database name: {db_name!r}")


def create_database(db_name: str, password: str, ro_password: str) -> None:
    _check_name(db_name)
    owner, reader = sql.Identifier(db_name), sql.Identifier(read_only_role(db_name))
    with _admin_cursor() as cursor:
        cursor.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD %s").format(owner), [password])
        cursor.execute(
            sql.SQL("CREATE ROLE {} LOGIN PASSWORD %s NOINHERIT CONNECTION LIMIT 64").format(reader),
            [ro_password],
        )
        # The admin role must be a member of the owner role to create a database it owns
        # (PostgreSQL 16+ no longer lets a non-superuser CREATEROLE role do it otherwise).
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            cursor.execute(sql.SQL("GRANT {} TO current_user").format(owner))
        cursor.execute(sql.SQL("CREATE DATABASE {} OWNER {} ENCODING 'UTF8'").format(owner, owner))
        # Other workspaces' roles must not even connect.
        cursor.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(owner))
        cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(owner, reader))
        cursor.execute(sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(reader))
    with _admin_cursor(dbname=db_name) as cursor:
        grant_public_schema(cursor, db_name)
    try:
        isolate_database(db_name)
    except IsolationUnavailable as error:
        logger.warning("%s", error)


def grant_public_schema(cursor, db_name: str) -> None:
    """In workspace database `db_name` (through `cursor`, connected to it as the server's role):
    the public schema is the owner role's to use, and its `_ro` role may read every table
    there, including those the owner creates later; no other role may use it."""
    owner, reader = sql.Identifier(db_name), sql.Identifier(read_only_role(db_name))
    cursor.execute("REVOKE ALL ON SCHEMA public FROM PUBLIC")
    cursor.execute(sql.SQL("GRANT ALL ON SCHEMA public TO {}").format(owner))
    cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(reader))
    cursor.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA public TO {}").format(reader))
    # Tables the owner creates later are readable too.
    cursor.execute(
        sql.SQL("ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA public GRANT SELECT ON TABLES TO {}").format(
            owner, reader
        )
    )


# What isolate_database takes from PUBLIC: server-wide catalogs and statistics that name or
# count other databases, roles and sessions (their siblings pg_authid, pg_shadow,
# pg_subscription's connection strings… are already superuser-only). Names missing from
# the server's version are skipped.
SERVER_WIDE_RELATIONS = (
    # databases, roles, memberships, per-role settings, comments and labels on them, dependencies
    "pg_database", "pg_roles", "pg_user", "pg_group", "pg_shadow", "pg_auth_members", "pg_db_role_setting",
    "pg_shdescription", "pg_shseclabel", "pg_seclabels", "pg_shdepend", "pg_parameter_acl",
    # sessions and their statistics, on the whole server
    "pg_stat_activity", "pg_stat_ssl", "pg_stat_gssapi", "pg_stat_database", "pg_stat_database_conflicts",
    "pg_stat_progress_analyze", "pg_stat_progress_basebackup", "pg_stat_progress_cluster", "pg_stat_progress_copy",
    "pg_stat_progress_create_index", "pg_stat_progress_vacuum", "pg_prepared_xacts",
    # replication and subscriptions
    "pg_stat_replication", "pg_stat_replication_slots", "pg_replication_slots", "pg_replication_origin",
    "pg_replication_origin_status", "pg_stat_wal_receiver", "pg_stat_subscription", "pg_stat_subscription_stats",
    "pg_subscription",
)
SERVER_WIDE_FUNCTIONS = (
    "pg_stat_get_activity", "pg_stat_get_progress_info", "pg_stat_get_wal_receiver", "pg_stat_get_wal_senders",
    "pg_stat_get_subscription", "pg_stat_get_subscription_stats", "pg_stat_get_replication_slot",
    "pg_get_replication_slots", "pg_prepared_xact", "pg_show_replication_origin_status",
    "pg_database_size", "pg_tablespace_size", "pg_tablespace_databases", "pg_database_collation_actual_version",
    "shobj_description", "pg_describe_object", "pg_identify_object", "pg_identify_object_as_address",
)
SERVER_WIDE_FUNCTION_PREFIXES = ("pg_stat_get_backend_", "pg_stat_get_db_")

_SERVER_WIDE_SQL = """
SELECT 'TABLE pg_catalog.' || quote_ident(c.relname) FROM pg_class c
WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relname = ANY(%(relations)s)
UNION ALL
SELECT 'FUNCTION pg_catalog.' || p.oid::regprocedure::text FROM pg_proc p
WHERE p.pronamespace = 'pg_catalog'::regnamespace
  AND (p.proname = ANY(%(functions)s) OR p.proname LIKE ANY(%(prefixes)s))
ORDER BY 1
"""


class IsolationUnavailable(Exception):
    """The server's role is not a superuser: it cannot change privileges on the catalogs."""


def _server_wide_objects(cursor) -> list[str]:
    """`TABLE pg_catalog.x` / `FUNCTION pg_catalog.f(args)` for each object of the lists above on this server."""
    cursor.execute(_SERVER_WIDE_SQL, {
        "relations": list(SERVER_WIDE_RELATIONS),
        "functions": list(SERVER_WIDE_FUNCTIONS),
        "prefixes": [prefix.replace("_", "\\_") + "%" for prefix in SERVER_WIDE_FUNCTION_PREFIXES],
    })
    return [row[0] for row in cursor.fetchall()]


def isolation_statements(cursor, db_name: str) -> list[str]:
    """The statements isolate_database runs in `db_name` (through `cursor`, connected to it)."""
    _check_name(db_name)
    owner = sql.Identifier(db_name).as_string(cursor)
    statements = []
    for target in _server_wide_objects(cursor):
        privilege = "SELECT" if target.startswith("TABLE ") else "EXECUTE"
        statements.append(f"REVOKE {privilege} ON {target} FROM PUBLIC")
        statements.append(f"GRANT {privilege} ON {target} TO {owner}")
    return statements


def isolate_database(db_name: str) -> int:
    """In workspace database `db_name`, take from PUBLIC the server-wide catalogs and functions
    listed above, and give them back to the database's owner role: its `_ro` role (and any
    role but the owner) then sees no other database, role or session of the server. Idempotent;
    returns how many objects it covers. Raises IsolationUnavailable unless the server's role is
    a superuser (only a superuser may change privileges on the catalogs)."""
    with _admin_cursor(dbname=db_name) as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")  # pg_roles may be hidden already
        if not cursor.fetchone()[0]:
            raise IsolationUnavailable(
                "The role of WORKSPACES_DATABASE_URL is not a superuser, so it cannot take the server-wide catalogs "
                f"from PUBLIC in {db_name}. Run `python manage.py isolate_workspace_databases --sql` and have a "
                "superuser run its output."
            )
        statements = isolation_statements(cursor, db_name)
        cursor.execute("; ".join(statements))  # one implicit transaction: all or nothing
    return len(statements) // 2


def isolate_databases(db_names) -> dict[str, str | None]:
    """isolate_database for each name: {name: None when done, else why not}."""
    outcome = {}
    for db_name in db_names:
        try:
            isolate_database(db_name)
            outcome[db_name] = None
        except (IsolationUnavailable, ValueError, psycopg2.Error) as error:
            outcome[db_name] = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return outcome


def close_app_database(connection) -> str | None:
    """REVOKE CONNECT ON the app's database FROM PUBLIC, through `connection` (Django's), so that
    workspace roles, which share its server when it is also WORKSPACES_DATABASE_URL's, cannot
    even connect to it. The app's role keeps CONNECT. Done only when that role owns the
    database (or is a superuser); returns why it was not done, or None."""
    if connection.vendor != "postgresql":
        return "not a PostgreSQL database"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT d.datname, r.rolsuper OR pg_has_role(d.datdba, 'MEMBER') FROM pg_database d, pg_roles r"
            " WHERE d.datname = current_database() AND r.rolname = current_user"
        )
        name, allowed = cursor.fetchone()
        if not allowed:
            return (
                f"the app's role neither owns the database {name} nor is a superuser: have its owner run "
                f"REVOKE CONNECT ON DATABASE {connection.ops.quote_name(name)} FROM PUBLIC (after granting CONNECT "
                "to the roles that use it)"
            )
        database = connection.ops.quote_name(name)
        cursor.execute(f"GRANT CONNECT ON DATABASE {database} TO CURRENT_USER")
        cursor.execute(f"REVOKE CONNECT ON DATABASE {database} FROM PUBLIC")
    return None


def is_isolated(db_name: str) -> bool:
    """Whether `db_name`'s read-only role is denied every server-wide object isolate_database covers."""
    _check_name(db_name)
    with _admin_cursor(dbname=db_name) as cursor:
        targets = _server_wide_objects(cursor)
        reader = read_only_role(db_name)
        checks = [
            sql.SQL("has_table_privilege({}, {}, 'SELECT')" if target.startswith("TABLE ")
                    else "has_function_privilege({}, {}, 'EXECUTE')").format(
                sql.Literal(reader), sql.Literal(target.split(" ", 1)[1]))
            for target in targets
        ]
        cursor.execute(sql.SQL("SELECT NOT ({})").format(sql.SQL(" OR ").join(checks)))
        return cursor.fetchone()[0]


def delete_database(db_name: str) -> None:
    _check_name(db_name)
    owner, reader = sql.Identifier(db_name), sql.Identifier(read_only_role(db_name))
    with _admin_cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(owner))
        cursor.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(reader))
        cursor.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(owner))


def connection_params(workspace, read_only: bool = True) -> dict:
    params = server_params()
    params.update(
        dbname=workspace.db_name,
        user=read_only_role(workspace.db_name) if read_only else workspace.db_name,
        password=workspace.db_ro_password if read_only else workspace.db_password,
    )
    return params


def connect(workspace, read_only: bool = True, **kwargs):
    """A new psycopg2 connection to the workspace database, as its read-only role by default."""
    return psycopg2.connect(**connection_params(workspace, read_only=read_only), connect_timeout=10, **kwargs)
