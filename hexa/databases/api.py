"""Workspace databases on the workspaces PostgreSQL server (WORKSPACES_DATABASE_URL).

Each workspace database `<db_name>` is owned by a login role of the same name (the
workspace's pipelines and notebooks use it), and has a second login role `<db_name>_ro`
that may only read: it can SELECT every table and view in the public schema, including
those the owner creates later, and nothing else. The assistant's SQL runs as that role.
"""

import re
import secrets
from contextlib import contextmanager
from urllib.parse import unquote, urlparse

import psycopg2
from django.conf import settings
from psycopg2 import sql

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
