import psycopg2
import pytest

from hexa.databases import api as databases
from hexa.databases.api import connect

# These tests are about what create_database makes: never a recycled database (tests/support/database_pool.py).
pytestmark = pytest.mark.usefixtures("fresh_databases")


@pytest.fixture
def workspace(make_user, make_workspace):
    workspace = make_workspace(make_user(), name="Db")
    with connect(workspace, read_only=False) as owner, owner.cursor() as cursor:
        cursor.execute("CREATE TABLE cases (id int PRIMARY KEY, n int)")
        cursor.execute("INSERT INTO cases VALUES (1, 10), (2, 20)")
    return workspace


def run(workspace, statement, read_only=True):
    connection = connect(workspace, read_only=read_only)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def test_owner_can_write(workspace):
    run(workspace, "INSERT INTO cases VALUES (3, 30)", read_only=False)
    run(workspace, "CREATE TABLE notes (t text)", read_only=False)
    assert run(workspace, "SELECT count(*) FROM cases", read_only=False) == [(3,)]


def test_read_only_role_can_select_existing_and_later_tables(workspace):
    assert run(workspace, "SELECT sum(n) FROM cases") == [(30,)]
    run(workspace, "CREATE TABLE later (x int); INSERT INTO later VALUES (7)", read_only=False)
    assert run(workspace, "SELECT x FROM later") == [(7,)]


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO cases VALUES (9, 9)",
        "UPDATE cases SET n = 0",
        "DELETE FROM cases",
        "CREATE TABLE x (i int)",
        "DROP TABLE cases",
        "TRUNCATE cases",
    ],
)
def test_read_only_role_cannot_write_even_outside_a_read_only_transaction(workspace, statement):
    connection = connect(workspace, read_only=True)
    try:
        with connection.cursor() as cursor:
            # Lift the role's default read-only transactions: privileges alone must still refuse.
            cursor.execute("SET default_transaction_read_only = off")
            connection.commit()
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute(statement)
    finally:
        connection.close()
    assert run(workspace, "SELECT count(*) FROM cases", read_only=False) == [(2,)]


def test_read_only_role_transactions_are_read_only_by_default(workspace):
    with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
        run(workspace, "CREATE TEMP TABLE t (i int)")


def test_other_workspace_roles_cannot_connect(workspace, make_user, make_workspace):
    other = make_workspace(make_user(), name="Other")
    params = databases.connection_params(other, read_only=True)
    params["dbname"] = workspace.db_name
    with pytest.raises(psycopg2.OperationalError, match="permission denied"):
        psycopg2.connect(**params).close()


def test_wrong_password_is_refused(workspace):
    params = databases.connection_params(workspace, read_only=True)
    params["password"] = "not-the-password"
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        psycopg2.connect(**params).close()


def test_delete_database_removes_database_and_roles(make_user, make_workspace):
    workspace = make_workspace(make_user(), name="Doomed")
    databases.delete_database(workspace.db_name)
    with pytest.raises(psycopg2.OperationalError):
        connect(workspace).close()


@pytest.mark.parametrize("name", ["x; DROP DATABASE postgres", "Upper", "", "a" * 70, "1abc"])
def test_database_names_are_checked(name):
    with pytest.raises(ValueError):
        databases.create_database(name, "p", "p")


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT datname FROM pg_database",
        "SELECT rolname FROM pg_roles",
        "SELECT usename FROM pg_stat_activity",
        "SELECT datname FROM pg_stat_database",
        "SELECT pg_database_size('postgres')",
    ],
)
def test_read_only_role_cannot_list_the_servers_other_databases_roles_or_sessions(workspace, statement):
    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
        run(workspace, statement)
    assert databases.is_isolated(workspace.db_name)


def test_owner_still_sees_the_server_catalogs(workspace):
    assert run(workspace, "SELECT datname FROM pg_database WHERE datname = current_database()", read_only=False) == [
        (workspace.db_name,)
    ]


def test_workspace_roles_cannot_connect_to_the_app_database(workspace):
    from django.db import connection

    for read_only in (True, False):
        params = databases.connection_params(workspace, read_only=read_only)
        params["dbname"] = connection.settings_dict["NAME"]
        with pytest.raises(psycopg2.OperationalError, match="permission denied for database"):
            psycopg2.connect(**params).close()
