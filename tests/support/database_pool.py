"""Workspace databases recycled between tests, instead of one CREATE and one DROP DATABASE each.

Every test workspace has a real database of its own (hexa.databases.api.create_database), as
in production. Making one copies the 7.4 MB template, and dropping one forces a checkpoint of
the whole server: together about 0.3 s of PostgreSQL's CPU and one to two seconds on a busy
machine, for each of the 600 workspaces a run of the parallel suite makes (most of the CPU
PostgreSQL spent in it; about 0.05 s when recycled, as below). So the tests hand
a workspace's database back here when they are done with it (the `make_workspace` fixture),
and the next workspace takes it: renamed to its name (ALTER DATABASE/ROLE … RENAME keep every
privilege, since they refer to the database and roles by OID), with the new passwords.

Before a database goes back, it is reset (every schema dropped, `public` made again with the
grants create_database gives) and then compared with a fresh database's fingerprint (every
object users made, every privilege, the roles' attributes and settings): a database that
differs in anything the reset does not undo is dropped for real, never handed out again.
tests/test_workspace_database_pool.py checks both ways.
"""

import itertools
import os
import time

import psycopg2
from psycopg2 import sql

from hexa.databases import api

# Names of pooled databases, unique on the server: pools in several processes share it.
_POOL_NAMES = (f"wspool_{os.getpid()}_{n}" for n in itertools.count())

# Objects made by users have OIDs from FirstNormalObjectId on; those below come with the template.
FIRST_USER_OID = 16384


def _user_objects_sql(cursor) -> sql.Composed:
    """One query counting, in each catalog of this database, the objects users made."""
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'oid'"
        " WHERE c.relnamespace = 'pg_catalog'::regnamespace AND c.relkind = 'r' AND NOT c.relisshared"
        " ORDER BY 1"
    )
    counts = []
    for (catalog,) in cursor.fetchall():
        condition = sql.SQL("oid >= {}").format(sql.Literal(FIRST_USER_OID))
        if catalog == "pg_namespace":  # `public` is made again by the reset; temporary schemas stay, empty
            condition += sql.SQL(" AND nspname <> 'public' AND nspname !~ '^pg_(toast_)?temp_'")
        counts.append(
            sql.SQL("SELECT {}, count(*) FROM pg_catalog.{} WHERE {}").format(
                sql.Literal(catalog), sql.Identifier(catalog), condition
            )
        )
    return sql.SQL(" UNION ALL ").join(counts)


_STATE_SQL = """
SELECT 'schema'::text, nspname::text, nspowner::regrole::text, nspacl::text FROM pg_namespace WHERE nspname = 'public'
UNION ALL SELECT 'default acl', defaclrole::regrole::text, defaclnamespace::regnamespace::text, defaclacl::text
  FROM pg_default_acl
UNION ALL SELECT 'catalog acl', relname::text, relacl::text, ''
  FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace AND relacl IS NOT NULL
UNION ALL SELECT 'function acl', oid::regprocedure::text, proacl::text, ''
  FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace AND proacl IS NOT NULL
UNION ALL SELECT 'database', datacl::text, datconnlimit::text, datallowconn::text || datistemplate::text
  FROM pg_database WHERE datname = current_database()
UNION ALL SELECT 'setting', coalesce(setrole::regrole::text, ''), (setdatabase <> 0)::text, setconfig::text
  FROM pg_db_role_setting
  WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
     OR setrole IN (%(owner)s::regrole, %(reader)s::regrole)
UNION ALL SELECT 'role', rolname, concat_ws(',', rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin,
  rolreplication, rolconnlimit, rolvaliduntil, rolbypassrls), '' FROM pg_roles WHERE rolname IN (%(owner)s, %(reader)s)
UNION ALL SELECT 'membership', roleid::regrole::text, member::regrole::text, '' FROM pg_auth_members
  WHERE %(owner)s::regrole IN (roleid, member) OR %(reader)s::regrole IN (roleid, member)
UNION ALL SELECT 'shared dependencies', count(*)::text, '', '' FROM pg_shdepend
  WHERE refobjid IN (%(owner)s::regrole, %(reader)s::regrole)
ORDER BY 1, 2, 3, 4
"""


def fingerprint(cursor, db_name: str) -> list:
    """What a workspace database holds beyond its template, with its own names written as
    <owner> and <reader>, so that two databases made alike have equal fingerprints."""
    reader = api.read_only_role(db_name)
    cursor.execute(_user_objects_sql(cursor))
    rows = [("user objects",) + row for row in cursor.fetchall()]
    cursor.execute(_STATE_SQL, {"owner": db_name, "reader": reader})
    rows += cursor.fetchall()
    return [
        tuple(str(value).replace(reader, "<reader>").replace(db_name, "<owner>") for value in row) for row in rows
    ]


def reset(cursor, db_name: str) -> None:
    """Drop every schema of the database (what the tests made in them goes too) and make
    `public` again as create_database leaves it."""
    cursor.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
        " AND nspname !~ '^pg_(toast_)?temp_'"
    )
    schemas = [sql.Identifier(name) for (name,) in cursor.fetchall()]
    statements = [sql.SQL("DROP SCHEMA {} CASCADE").format(schema) for schema in schemas]
    statements.append(sql.SQL("CREATE SCHEMA public AUTHORIZATION pg_database_owner"))
    cursor.execute(sql.SQL("; ").join(statements))
    cursor.execute("SELECT lo_unlink(oid) FROM pg_largeobject_metadata")
    api.grant_public_schema(cursor, db_name)


class DatabasePool:
    """Stands in for api.create_database during the tests (see the module's docstring)."""

    def __init__(self, create):
        self.free: list[str] = []  # databases reset and renamed `wspool_<pid>_<n>`, roles likewise
        self.reference: list | None = None  # a fresh database's fingerprint
        self.taking = True  # off: every workspace gets a newly made database
        self.counts = {"made": 0, "taken": 0, "recycled": 0, "dropped": 0}
        self.why_dropped = None  # the last time
        self._create = create  # api.create_database itself, taken before it is replaced by this pool's

    def create_database(self, db_name: str, password: str, ro_password: str) -> None:
        api._check_name(db_name)
        if self.taking and self.free:
            pooled = self.free.pop()
            try:
                with api._admin_cursor() as cursor:
                    cursor.execute("BEGIN")
                    self._rename(cursor, pooled, db_name)
                    for role, secret in ((db_name, password), (api.read_only_role(db_name), ro_password)):
                        cursor.execute(sql.SQL("ALTER ROLE {} PASSWORD %s").format(sql.Identifier(role)), [secret])
                    cursor.execute("COMMIT")
            except psycopg2.Error:
                api.delete_database(pooled)
            else:
                self.counts["taken"] += 1
                return
        self._create(db_name, password, ro_password)
        self.counts["made"] += 1
        if self.reference is None:
            with api._admin_cursor(dbname=db_name) as cursor:
                self.reference = fingerprint(cursor, db_name)

    def recycle(self, db_name: str) -> None:
        """Take back workspace database `db_name` (gone already: nothing to do): reset, and
        kept for the next workspace if it is then like a fresh one, else dropped."""
        try:
            with api._admin_cursor() as server:
                server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name])
                if server.fetchone() is None:
                    return
                self._disconnect(server, db_name)
                with api._admin_cursor(dbname=db_name) as cursor:
                    reset(cursor, db_name)
                    clean = self.reference is not None and fingerprint(cursor, db_name) == self.reference
                if clean:
                    pooled = next(_POOL_NAMES)
                    self._disconnect(server, db_name)
                    server.execute("BEGIN")
                    self._rename(server, db_name, pooled)
                    server.execute("COMMIT")
                    self.free.append(pooled)
                    self.counts["recycled"] += 1
                    return
                self.why_dropped = "it differs from a fresh database after the reset"
        except psycopg2.Error as error:  # e.g. a process connected again meanwhile
            self.why_dropped = str(error).strip()
        api.delete_database(db_name)
        self.counts["dropped"] += 1

    def close(self) -> None:
        while self.free:
            api.delete_database(self.free.pop())

    @staticmethod
    def _disconnect(cursor, db_name: str, timeout_s: float = 5.0) -> None:
        """End the sessions on the database (as DROP DATABASE … WITH (FORCE) would) and wait until they are gone."""
        deadline = time.monotonic() + timeout_s
        while True:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [db_name],
            )
            if cursor.fetchone()[0] == 0 or time.monotonic() > deadline:
                return
            time.sleep(0.02)

    @staticmethod
    def _rename(cursor, old: str, new: str) -> None:
        """Rename a workspace database and its two roles."""
        cursor.execute(sql.SQL("ALTER DATABASE {} RENAME TO {}").format(sql.Identifier(old), sql.Identifier(new)))
        for suffix in ("", "_ro"):
            cursor.execute(
                sql.SQL("ALTER ROLE {} RENAME TO {}").format(sql.Identifier(old + suffix), sql.Identifier(new + suffix))
            )
