"""Pipeline code is untrusted: a hostile pipeline, run for real in its sandbox, tries every
secret of the app and another workspace's data. Everything it tries must be refused."""

import json
import os

import pytest
from django.conf import settings

from hexa.databases.api import server_params
from hexa.files.api import bucket_path
from tests.pipelines.support import editor_client, live, run, upload, wait_for

pytestmark = pytest.mark.slow

HOSTILE = r'''
import glob
import json
import os
import socket

import psycopg2
from openhexa.sdk import current_run, parameter, pipeline, workspace

@pipeline(name="Hostile")
@parameter("targets", type=str)
def hostile(targets):
    targets = json.loads(targets)
    found = {}
    found["env"] = {k: os.environ.get(k) for k in ("SECRET_KEY", "ENCRYPTION_KEY", "ANTHROPIC_API_KEY", "DATABASE_URL", "WORKSPACES_DATABASE_URL")}
    def read(path):
        try:
            with open(path, "rb") as f:
                return f.read(200).decode(errors="replace")
        except Exception as error:
            return "refused: " + type(error).__name__
    found["files"] = {path: read(path) for path in targets["files"]}
    found["listings"] = {}
    for folder in targets["folders"]:
        try:
            found["listings"][folder] = os.listdir(folder)
        except Exception as error:
            found["listings"][folder] = "refused: " + type(error).__name__
    environs = {}
    for path in glob.glob("/proc/*/environ") + [f"/proc/{pid}/environ" for pid in targets["pids"]]:
        environs[path] = read(path)
    found["environs"] = environs
    found["databases"] = {}
    for name, params in targets["databases"].items():
        try:
            with psycopg2.connect(connect_timeout=5, **params) as connection, connection.cursor() as cursor:
                cursor.execute(targets["queries"][name])
                found["databases"][name] = "read: " + repr(cursor.fetchall())[:100]
        except Exception as error:
            found["databases"][name] = "refused: " + type(error).__name__
    found["uid"] = os.getuid()
    current_run.log_info("FOUND " + json.dumps(found))
'''


def test_a_hostile_pipeline_reads_no_secret_and_no_other_workspace(roles, editor_client, make_workspace, live):
    other = make_workspace(roles["outsider"], name="Other")
    other_bucket = bucket_path(other.bucket_name)
    (other_bucket / "private.csv").write_text("secret,data\n")
    from hexa.databases.api import connect

    with connect(other, read_only=False) as connection, connection.cursor() as cursor:
        cursor.execute("CREATE TABLE private (v text); INSERT INTO private VALUES ('other workspace data')")
    connection.close()
    data_dir = str(settings.DATA_DIR)
    server = server_params()
    own = roles["workspace"]
    app_db = settings.DATABASES["default"]
    targets = {
        "files": [
            f"{data_dir}/secret-key", f"{data_dir}/encryption-key", f"{data_dir}/postgres-superuser-password",
            str(other_bucket / "private.csv"), str(settings.BASE_DIR / "config" / "settings.py"), "/etc/shadow",
        ],
        "folders": [data_dir, str(settings.WORKSPACE_BUCKETS_ROOT), str(other_bucket), str(settings.BASE_DIR), "/root", "/home"],
        "pids": [os.getpid(), live[1].process.pid, live[0].process.pid],
        "databases": {
            # the control: the run's own database with its own role works
            "own": {"host": server["host"], "port": server["port"], "dbname": own.db_name, "user": own.db_name,
                    "password": own.db_password},
            # another workspace's database with the run's own role, and with no password at all
            "other_with_own_role": {"host": server["host"], "port": server["port"], "dbname": other.db_name,
                                    "user": own.db_name, "password": own.db_password},
            "other_without_password": {"host": server["host"], "port": server["port"], "dbname": other.db_name,
                                       "user": other.db_name},
            # the app's database, with the run's own role and as the server's superuser with no password
            "app_with_own_role": {"host": server["host"], "port": server["port"], "dbname": app_db["NAME"],
                                  "user": own.db_name, "password": own.db_password},
            "app_as_superuser": {"host": server["host"], "port": server["port"], "dbname": app_db["NAME"],
                                 "user": server["user"]},
        },
        "queries": {
            "own": "SELECT 1",
            "other_with_own_role": "SELECT * FROM private",
            "other_without_password": "SELECT * FROM private",
            "app_with_own_role": "SELECT email, password FROM user_management_user",
            "app_as_superuser": "SELECT email, password FROM user_management_user",
        },
    }
    version = upload(editor_client, own, "hostile", HOSTILE, [{"code": "targets", "type": "str", "name": "Targets"}])
    started = run(editor_client, version["pipeline"]["id"], {"targets": json.dumps(targets)})
    done = wait_for(editor_client, started["run"]["id"], {"success", "failed"}, seconds=90)
    assert done["status"] == "success", done
    report = next(m["message"] for m in done["messages"] if m["message"].startswith("FOUND "))
    found = json.loads(report[len("FOUND "):])

    assert found["env"] == dict.fromkeys(found["env"])  # no variable of the app's at all
    for path, content in found["files"].items():
        assert content in ("refused: FileNotFoundError", "refused: PermissionError"), (path, content)
    for folder, listing in found["listings"].items():
        # what leads to the Python installation, the runtime and its own bucket (/home/hexa), nothing else
        assert listing == "refused: FileNotFoundError" or set(listing) <= {".venv-pipelines", ".pyenv", "hexa"}, (folder, listing)
    secrets = [settings.SECRET_KEY, settings.ENCRYPTION_KEY, server["password"], app_db["PASSWORD"], other.db_password]
    for path, content in found["environs"].items():
        assert not any(secret and secret in content for secret in secrets), path
    # pids of the host's processes do not exist in the sandbox
    for pid in targets["pids"]:
        assert found["environs"][f"/proc/{pid}/environ"].startswith("refused: ") or pid < 10
    assert found["databases"].pop("own") == "read: [(1,)]"
    for name, outcome in found["databases"].items():
        assert outcome in ("refused: OperationalError", "refused: InsufficientPrivilege"), (name, outcome)
    assert found["uid"] != 0


__all__ = ["live", "editor_client"]  # fixtures
