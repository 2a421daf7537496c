"""A workspace's read-only role sees nothing of the server's other databases: not their
names, roles, sessions, sizes or statistics, nor the app's database, which it cannot even
connect to (hexa/databases/api.py: isolate_database, close_app_database).

Two workspaces share the server; the second has a session open. Every server-wide catalog
and function is queried as the first one's `_ro` role, through query_database, with the SQL
guard (which refuses them itself) and without it (the database alone): each answer is a
refusal or holds no name of the second workspace, its roles, or the app's database.
"""

import importlib
import json
import secrets
from io import StringIO
from types import SimpleNamespace

import psycopg2
import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from hexa.assistant.executors import database
from hexa.assistant.executors.database import UserDatabaseTools
from hexa.databases import api as databases
from hexa.user_management.models import User
from hexa.workspaces.models import Workspace


@pytest.fixture(scope="module")
def pair(django_db_setup, django_db_blocker):
    """Workspaces `ours` and `theirs`, `theirs` with a session open (as pipelines would)."""
    with django_db_blocker.unblock():
        user = User.objects.create_user(f"isolation-{secrets.token_hex(4)}@example.org", "pw", is_staff=True)
        ours = Workspace.objects.create_if_has_perm(user, name="Ours")
        theirs = Workspace.objects.create_if_has_perm(user, name="Theirs")
    session = databases.connect(theirs, read_only=False, application_name="their-pipeline")
    try:
        with session.cursor() as cursor:
            cursor.execute("COMMENT ON DATABASE " + theirs.db_name + " IS 'their secret project'")
            cursor.execute("SELECT oid::int FROM pg_database WHERE datname = current_database()")
            [(database_oid,)] = cursor.fetchall()
            cursor.execute("SELECT oid::int FROM pg_roles WHERE rolname = current_user")
            [(role_oid,)] = cursor.fetchall()
        session.commit()
        yield SimpleNamespace(user=user, ours=ours, theirs=theirs, database_oid=database_oid, role_oid=role_oid)
    finally:
        session.close()
        with django_db_blocker.unblock():
            ours.delete_if_has_perm(user)
            theirs.delete_if_has_perm(user)
            user.delete()


@pytest.fixture
def tools(pair, db):
    return UserDatabaseTools(pair.user, pair.ours)


# Server-wide catalogs and functions, and a few local ones that could carry names.
QUERIES = [
    "SELECT * FROM pg_database",
    "SELECT datname, datacl FROM pg_catalog.pg_database",
    "SELECT * FROM pg_roles",
    "SELECT * FROM pg_user",
    "SELECT * FROM pg_group",
    "SELECT * FROM pg_shadow",
    "SELECT * FROM pg_authid",
    "SELECT * FROM pg_auth_members",
    "SELECT * FROM pg_db_role_setting",
    "SELECT * FROM pg_shdescription",
    "SELECT * FROM pg_shdepend",
    "SELECT * FROM pg_seclabels",
    "SELECT * FROM pg_stat_activity",
    "SELECT * FROM pg_stat_ssl",
    "SELECT * FROM pg_stat_gssapi",
    "SELECT * FROM pg_stat_database",
    "SELECT * FROM pg_stat_database_conflicts",
    "SELECT * FROM pg_stat_progress_vacuum",
    "SELECT * FROM pg_prepared_xacts",
    "SELECT * FROM pg_stat_replication",
    "SELECT * FROM pg_stat_subscription",
    "SELECT * FROM pg_replication_slots",
    "SELECT * FROM pg_stat_get_activity(NULL)",
    "SELECT pg_stat_get_backend_idset()",
    "SELECT pg_stat_get_backend_dbid(s) FROM generate_series(1, 50) s",
    "SELECT pg_stat_get_backend_userid(s) FROM generate_series(1, 50) s",
    "SELECT pg_stat_get_db_numbackends({database_oid})",
    "SELECT pg_database_size('{db_name}')",
    "SELECT pg_tablespace_databases(1663)",
    "SELECT shobj_description({database_oid}, 'pg_database')",
    "SELECT pg_describe_object('pg_database'::regclass, {database_oid}, 0)",
    "SELECT pg_identify_object('pg_authid'::regclass, {role_oid}, 0)",
    "SELECT * FROM pg_locks",
    "SELECT * FROM pg_tables",
    "SELECT relname, relacl FROM pg_class WHERE relacl IS NOT NULL",
    "SELECT * FROM information_schema.applicable_roles",
    "SELECT * FROM information_schema.enabled_roles",
    "SELECT * FROM information_schema.table_privileges",
    "SELECT * FROM information_schema.routine_privileges",
    "SELECT name, setting FROM pg_settings",
    "SELECT current_database(), current_user, session_user",
]


def secrets_of(pair) -> list[str]:
    """What must never show: their database and role names (the roles are named after the
    database), their database comment, the app's database name."""
    return [pair.theirs.db_name, "their secret project", connection.settings_dict["NAME"]]


def assert_nothing_leaks(pair, sql, result):
    text = json.dumps(result)
    for secret in secrets_of(pair):
        assert secret not in text, f"{sql} showed {secret!r}: {text[:500]}"
    if "error" in result:
        code, message = result["error"]["code"], result["error"]["message"]
        assert code in ("PERMISSION_DENIED", "QUERY_ERROR"), result
        assert code == "PERMISSION_DENIED" or "permission denied" in message, result


def formatted(sql, pair):
    return sql.format(db_name=pair.theirs.db_name, database_oid=pair.database_oid, role_oid=pair.role_oid)


@pytest.mark.parametrize("sql", QUERIES)
def test_the_read_only_role_sees_nothing_of_other_workspaces(pair, tools, sql):
    sql = formatted(sql, pair)
    assert_nothing_leaks(pair, sql, tools.query_database(sql, limit=1000))


@pytest.mark.parametrize("sql", QUERIES)
def test_without_the_guard_the_database_alone_hides_them(pair, tools, monkeypatch, sql):
    monkeypatch.setattr(database, "check_read_only", lambda text: text)
    sql = formatted(sql, pair)
    assert_nothing_leaks(pair, sql, tools.query_database(sql, limit=1000))


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM pg_database",
        "SELECT * FROM pg_roles",
        "SELECT * FROM pg_stat_activity",
        "SELECT * FROM pg_stat_database",
        "SELECT pg_database_size('postgres')",
        "SELECT pg_stat_get_backend_idset()",
    ],
)
def test_the_catalogs_are_refused_to_the_read_only_role_itself(pair, tools, monkeypatch, sql):
    monkeypatch.setattr(database, "check_read_only", lambda text: text)
    result = tools.query_database(sql)
    assert result["error"]["code"] == "QUERY_ERROR" and "permission denied for" in result["error"]["message"]


@pytest.mark.parametrize(
    "sql",
    [
        # a role name from its OID: PostgreSQL's own views need pg_get_userbyid and no
        # privilege guards ::regrole, so these are the guard's to refuse (README, Security notes)
        "SELECT oid::regrole FROM generate_series(1, 100000) AS oid WHERE oid::regrole::text <> oid::text",
        "SELECT pg_get_userbyid(oid) FROM generate_series(1, 100000) AS oid",
    ],
)
def test_role_names_by_oid_are_refused_by_the_guard(pair, tools, sql):
    result = tools.query_database(sql, limit=1000)
    assert result["error"]["code"] == "PERMISSION_DENIED"
    assert_nothing_leaks(pair, sql, result)


def test_what_the_read_only_role_still_reads(tools, pair):
    """Its own database, its tables, PostgreSQL's local views and ordinary settings."""
    result = tools.query_database("SELECT current_database(), current_user, current_setting('DateStyle')")
    assert result["rows"] == [[pair.ours.db_name, databases.read_only_role(pair.ours.db_name), "ISO, MDY"]]
    assert "error" not in tools.query_database("SELECT count(*) FROM information_schema.tables")
    assert "error" not in tools.query_database("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    assert "error" not in tools.query_database("SELECT count(*) FROM pg_locks")
    assert "error" not in tools.describe_tables()


def test_server_paths_are_hidden_by_postgresql(pair, tools, monkeypatch):
    monkeypatch.setattr(database, "check_read_only", lambda text: text)
    for setting in ("data_directory", "config_file", "hba_file", "log_directory"):
        result = tools.query_database(f"SELECT current_setting('{setting}')")
        assert result["error"]["code"] == "QUERY_ERROR" and "permission denied" in result["error"]["message"]


def owner_rows(workspace, sql):
    owner = databases.connect(workspace, read_only=False)
    try:
        with owner.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        owner.rollback()
        owner.close()


def test_the_owner_keeps_what_tools_need(pair):
    """pg_dump, psql and database tools run as the owner read these."""
    assert owner_rows(pair.ours, "SELECT datname FROM pg_database WHERE datname = current_database()") == [
        (pair.ours.db_name,)
    ]
    assert owner_rows(pair.ours, "SELECT count(*) > 0 FROM pg_roles") == [(True,)]
    assert owner_rows(pair.ours, "SELECT count(*) > 0 FROM pg_stat_activity WHERE pid = pg_backend_pid()") == [(True,)]


# --- The app database -------------------------------------------------------------------


@pytest.mark.parametrize("read_only", [True, False])
def test_workspace_roles_cannot_connect_to_the_app_database(pair, read_only):
    params = databases.connection_params(pair.ours, read_only=read_only)
    params["dbname"] = connection.settings_dict["NAME"]
    with pytest.raises(psycopg2.OperationalError, match="permission denied for database"):
        psycopg2.connect(**params, connect_timeout=5).close()


def test_closing_the_app_database_is_idempotent(db):
    assert databases.close_app_database(connection) is None
    assert databases.close_app_database(connection) is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT has_database_privilege('public', current_database(), 'CONNECT')")
        assert cursor.fetchone() == (False,)


# --- Existing databases -----------------------------------------------------------------


def open_to_public(db_name):
    """What a workspace database made before isolation looked like."""
    with databases._admin_cursor(dbname=db_name) as cursor:
        statements = databases.isolation_statements(cursor, db_name)
        cursor.execute("; ".join(s.replace("REVOKE", "GRANT").replace(" FROM PUBLIC", " TO PUBLIC")
                                 for s in statements if s.startswith("REVOKE")))
    assert not databases.is_isolated(db_name)


def test_new_workspace_databases_are_isolated(pair):
    assert databases.is_isolated(pair.ours.db_name) and databases.is_isolated(pair.theirs.db_name)


def test_isolation_is_idempotent(make_user, make_workspace):
    workspace = make_workspace(make_user(), name="Twice")
    covered = databases.isolate_database(workspace.db_name)
    assert covered > 50 and databases.isolate_database(workspace.db_name) == covered
    assert databases.is_isolated(workspace.db_name)


def test_the_command_isolates_existing_workspace_databases(make_user, make_workspace):
    old = make_workspace(make_user(), name="Old")
    open_to_public(old.db_name)
    out = StringIO()
    with pytest.raises(CommandError, match="not isolated"):
        call_command("isolate_workspace_databases", "--check", stdout=out)
    assert f"{old.db_name}: NOT isolated" in out.getvalue()
    out = StringIO()
    call_command("isolate_workspace_databases", stdout=out)
    assert f"{old.db_name}: isolated" in out.getvalue() and "app database: closed to PUBLIC" in out.getvalue()
    assert databases.is_isolated(old.db_name)
    call_command("isolate_workspace_databases", "--check", stdout=StringIO())


def test_the_command_prints_the_sql_for_a_superuser(make_user, make_workspace):
    workspace = make_workspace(make_user(), name="Printed")
    out = StringIO()
    call_command("isolate_workspace_databases", "--sql", stdout=out)
    script = out.getvalue()
    assert f"\\connect {workspace.db_name}\n" in script
    assert "REVOKE SELECT ON TABLE pg_catalog.pg_database FROM PUBLIC;" in script
    assert "REVOKE EXECUTE ON FUNCTION pg_catalog.pg_stat_get_activity(integer) FROM PUBLIC;" in script


def test_the_migration_isolates_existing_workspace_databases(make_user, make_workspace):
    old = make_workspace(make_user(), name="Before upgrade")
    open_to_public(old.db_name)
    migration = importlib.import_module("hexa.databases.migrations.0001_isolate_workspace_databases")
    migration.isolate(django_apps, SimpleNamespace(connection=connection))
    assert databases.is_isolated(old.db_name)


def test_without_a_superuser_isolation_is_reported_not_faked(make_user, make_workspace, settings):
    workspace = make_workspace(make_user(), name="No superuser")
    role, password = f"hexa_admin_{secrets.token_hex(3)}", secrets.token_urlsafe(12)
    with databases._admin_cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN CREATEDB CREATEROLE PASSWORD %s', [password])
        cursor.execute(f'GRANT CONNECT ON DATABASE "{workspace.db_name}" TO "{role}"')
    params = databases.server_params()
    try:
        settings.WORKSPACES_DATABASE_URL = f"postgresql://{role}:{password}@{params['host']}:{params['port']}/postgres"
        with pytest.raises(databases.IsolationUnavailable, match="not a superuser"):
            databases.isolate_database(workspace.db_name)
        outcome = databases.isolate_databases([workspace.db_name])
        assert "not a superuser" in outcome[workspace.db_name]
    finally:
        settings.WORKSPACES_DATABASE_URL = (
            f"postgresql://{params['user']}:{params['password']}@{params['host']}:{params['port']}/{params['dbname']}"
        )
        with databases._admin_cursor() as cursor:
            cursor.execute(f'REVOKE CONNECT ON DATABASE "{workspace.db_name}" FROM "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')
