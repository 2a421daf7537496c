"""The test-only pool of workspace databases (tests/support/database_pool.py): a database is
handed out again only when nothing of its previous workspace is left in it."""

from types import SimpleNamespace

import psycopg2
import pytest

from hexa.databases import api

from .support.database_pool import DatabasePool


@pytest.fixture
def pool(database_pool):
    pool = DatabasePool(create=database_pool._create)  # of its own: the session's is shared by every test
    names = []

    def workspace(slug):
        name = api.generate_db_name(slug)
        names.append(name)
        ws = SimpleNamespace(db_name=name, db_password=api.generate_password(), db_ro_password=api.generate_password())
        pool.create_database(ws.db_name, ws.db_password, ws.db_ro_password)
        return ws

    pool.workspace = workspace
    yield pool
    pool.close()
    for name in names:
        api.delete_database(name)


def run(workspace, statement, read_only=False):
    connection = api.connect(workspace, read_only=read_only)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def admin_run(db_name, statement):
    with api._admin_cursor(dbname=db_name) as cursor:
        cursor.execute(statement)
        return cursor.fetchall() if cursor.description else None


def database_oid(name):
    return admin_run("postgres", f"SELECT oid FROM pg_database WHERE datname = '{name}'")


def test_a_recycled_database_keeps_nothing_of_the_previous_workspace(pool):
    first = pool.workspace("first")
    run(first, "CREATE TABLE cases (n int); INSERT INTO cases VALUES (1); CREATE VIEW v AS SELECT n FROM cases")
    admin_run(first.db_name, "CREATE SCHEMA extra; CREATE TABLE extra.t (i int); SELECT lo_create(0)")
    admin_run(first.db_name, "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'")
    left_open = api.connect(first)  # a session the test left open does not keep the database
    oid = database_oid(first.db_name)

    pool.recycle(first.db_name)
    second = pool.workspace("second")

    assert pool.why_dropped is None
    assert pool.counts == {"made": 1, "taken": 1, "recycled": 1, "dropped": 0}
    assert database_oid(second.db_name) == oid  # the same database, renamed
    assert database_oid(first.db_name) == []
    with pytest.raises(psycopg2.OperationalError):
        left_open.cursor().execute("SELECT 1")
    assert admin_run(second.db_name, "SELECT nspname FROM pg_namespace WHERE nspname !~ '^(pg_|information_schema)'") == [
        ("public",)
    ]
    assert admin_run(
        second.db_name,
        "SELECT (SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace),"
        " (SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace),"
        " (SELECT count(*) FROM pg_largeobject_metadata)",
    ) == [(0, 0, 0)]
    # and it works as a new one: the owner writes, the reader reads what the owner makes and nothing else
    run(second, "CREATE TABLE later (x int); INSERT INTO later VALUES (7)")
    assert run(second, "SELECT x FROM later", read_only=True) == [(7,)]
    with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
        run(second, "INSERT INTO later VALUES (8)", read_only=True)
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        run(second, "SELECT datname FROM pg_database", read_only=True)
    assert api.is_isolated(second.db_name)
    # with its own passwords only
    stale = SimpleNamespace(db_name=second.db_name, db_password=first.db_password, db_ro_password=first.db_ro_password)
    for read_only in (True, False):
        with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
            api.connect(stale, read_only=read_only).close()


@pytest.mark.parametrize(
    "change",
    [
        "ALTER ROLE {owner} CONNECTION LIMIT 3",
        "ALTER DATABASE {owner} SET work_mem = '1MB'",
        "GRANT CREATE ON DATABASE {owner} TO {owner}_ro",
        "GRANT SELECT ON pg_catalog.pg_roles TO {owner}_ro",
        "CREATE ROLE {owner}_x IN ROLE {owner}",
    ],
)
def test_a_database_the_reset_would_not_restore_is_dropped(pool, change):
    workspace = pool.workspace("changed")
    admin_run(workspace.db_name, change.format(owner=workspace.db_name))
    try:
        pool.recycle(workspace.db_name)
    finally:
        admin_run("postgres", f"DROP ROLE IF EXISTS {workspace.db_name}_x")

    assert pool.counts == {"made": 1, "taken": 0, "recycled": 0, "dropped": 1}
    assert pool.free == []
    assert database_oid(workspace.db_name) == []
    assert admin_run("postgres", f"SELECT rolname FROM pg_roles WHERE rolname LIKE '{workspace.db_name}%'") == []


def test_workspaces_of_the_tests_take_recycled_databases(make_user, make_workspace, database_pool):
    first = make_workspace(make_user(), name="First")
    oid = database_oid(first.db_name)
    database_pool.recycle(first.db_name)
    second = make_workspace(make_user(), name="Second")
    assert database_oid(second.db_name) == oid
    assert run(second, "SELECT current_database()", read_only=True) == [(second.db_name,)]
