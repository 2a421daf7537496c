import json
import os

import pytest
from django.conf import settings
from django.db import connections
from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

from hexa.user_management.models import User
from hexa.workspaces.models import Workspace, WorkspaceMembership, WorkspaceMembershipRole

from .support.models import TEST_MODEL

# the live web server, worker and chat fixtures of the tests with real processes; a database
# seeded as the demo's (the DHIS2 demo server's tests and the DHIS2 tools')
pytest_plugins = ["tests.support.live_turns", "tests.support.demo_database"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request):
    """HEXA_TEST_DB_NAME lets several test sessions share one PostgreSQL server at once; under
    pytest-xdist each worker gets a database of its own (the name with `_gw0`, `_gw1`…)."""
    name = os.environ.get("HEXA_TEST_DB_NAME") or f"test_{settings.DATABASES['default']['NAME']}"
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{name}_{worker}" if worker else name


@pytest.fixture(autouse=True, scope="session")
def test_settings(tmp_path_factory):
    """Buckets made by tests live in a temporary directory, never in .data/buckets; password
    hashing is made cheap because tests create many users."""
    settings.WORKSPACE_BUCKETS_ROOT = tmp_path_factory.mktemp("buckets")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests of the agent loop run turns in the test's thread; the streaming, crash and
    # browser tests run real worker processes.
    settings.ASSISTANT_TURNS_INLINE = True
    # Titles cost a model call after a first answer: on only in the tests about them, so
    # that other tests script exactly the calls of their turns.
    settings.ASSISTANT_TITLE_MODEL = ""
    # Follow-up questions likewise (a call after each answer).
    settings.ASSISTANT_FOLLOW_UP_MODEL = ""
    # Pool threads must not keep connections to the test database: it is dropped at the end.
    connections.settings["default"]["CONN_MAX_AGE"] = 0
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
    yield settings


@pytest.fixture(autouse=True, scope="session")
def _quick_flush():
    """After a test with committed data (transactional_db), its rows are deleted rather than
    flushed the Django way: `flush` TRUNCATEs every table (new files for each table and
    index) and then recreates the content types and permissions (a hundred queries), about
    0.3 s a test on a quiet machine and several seconds on a busy one. The rows of every app
    table are deleted in one statement instead (all their foreign keys are deferred); the
    content types and permissions, which no test changes, are kept: what flush would have
    recreated."""
    from django.db import transaction
    from django.test import TransactionTestCase

    flush = TransactionTestCase._fixture_teardown

    def delete_rows(case):
        if case.available_apps is not None or case.serialized_rollback:
            return flush(case)
        for alias in case._databases_names(include_mirrors=False):
            connection = connections[alias]
            tables = sorted(
                set(connection.introspection.django_table_names(only_existing=True, include_views=False)) - KEPT_TABLES
            )
            with transaction.atomic(using=alias), connection.cursor() as cursor:
                cursor.execute(
                    "SET CONSTRAINTS ALL DEFERRED; "
                    + " ".join(f"DELETE FROM {connection.ops.quote_name(table)};" for table in tables)
                )

    TransactionTestCase._fixture_teardown = delete_rows
    yield
    TransactionTestCase._fixture_teardown = flush


KEPT_TABLES = {"django_content_type", "auth_permission"}


@pytest.fixture
def make_user(db):
    counter = iter(range(1, 10_000))

    def make(email=None, password="correct horse battery", **extra):
        return User.objects.create_user(email or f"user{next(counter)}@example.org", password, **extra)

    return make


@pytest.fixture(autouse=True, scope="session")
def database_pool():
    """Workspace databases are recycled from test to test rather than created and dropped
    each time (tests/support/database_pool.py says why and how)."""
    from hexa.databases import api

    from .support.database_pool import DatabasePool

    pool = DatabasePool(create=api.create_database)
    api.create_database = pool.create_database
    yield pool
    api.create_database = pool._create
    pool.close()


@pytest.fixture
def fresh_databases(database_pool):
    """Every workspace of the test gets a newly made database, none recycled."""
    database_pool.taking = False
    yield
    database_pool.taking = True


@pytest.fixture
def make_workspace(db, database_pool):
    """Real workspaces: a database on the workspaces server and a bucket directory, both
    removed after the test (the database handed back to the pool)."""
    created = []

    def make(admin, name="Test workspace", members=()):
        if not admin.is_staff:
            admin.is_staff = True
            admin.save()
        workspace = Workspace.objects.create_if_has_perm(admin, name=name)
        created.append(workspace)
        for user, role in members:
            WorkspaceMembership.objects.create(workspace=workspace, user=user, role=role)
        return workspace

    yield make
    from hexa.files.api import delete_bucket

    for workspace in created:
        database_pool.recycle(workspace.db_name)
        delete_bucket(workspace.bucket_name)


@pytest.fixture
def roles(make_user, make_workspace):
    """One workspace with an admin, an editor and a viewer, and an outsider with a workspace of their own."""
    admin, editor, viewer, outsider = (make_user(f"{n}@example.org") for n in ("admin", "editor", "viewer", "outsider"))
    workspace = make_workspace(
        admin, name="Malaria", members=[(editor, WorkspaceMembershipRole.EDITOR), (viewer, WorkspaceMembershipRole.VIEWER)]
    )
    return {"admin": admin, "editor": editor, "viewer": viewer, "outsider": outsider, "workspace": workspace}


class GraphQLClient:
    def __init__(self, client):
        self.client = client

    def login(self, user, password="correct horse battery"):
        result = self(
            "mutation($input: LoginInput!) { login(input: $input) { success errors } }",
            {"input": {"email": user.email, "password": password}},
        )
        assert result["data"]["login"] == {"success": True, "errors": []}

    def __call__(self, query, variables=None, expect_status=200):
        response = self.client.post(
            "/graphql/", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json"
        )
        assert response.status_code == expect_status, response.content
        return response.json()


@pytest.fixture
def gql(client, transactional_db):
    """A GraphQL client over HTTP. Resolvers run on a pool thread with their own database
    connection, so tests using it need committed data (transactional_db)."""
    return GraphQLClient(client)


@pytest.fixture
def model(settings):
    """The local Anthropic-compatible server, scripted per test, with the SDK pointed at it."""
    from types import SimpleNamespace

    from hexa.assistant.local_model import LocalModelServer, ScriptedResponder

    responder = ScriptedResponder([])
    server = LocalModelServer(responder).start()
    settings.ANTHROPIC_API_KEY = "test-key"
    settings.ANTHROPIC_BASE_URL = server.url
    settings.ASSISTANT_API_MAX_RETRIES = 0
    settings.ASSISTANT_OFFLINE_MODEL = False
    yield SimpleNamespace(server=server, script=responder.add, responder=responder)
    server.stop()


@pytest.fixture
def conversation(roles):
    from hexa.assistant.models import Conversation

    return Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)


@pytest.fixture(scope="module")
def board():
    """For tests with server processes: one local model server per module (model_url), each
    test scripting its own replies on the board."""
    from .support.switchboard import Switchboard

    return Switchboard()


@pytest.fixture(scope="module")
def api(board):
    """The module's local model server; `api.served` is what it served (its usage), per call."""
    from hexa.assistant.local_model import LocalModelServer

    server = LocalModelServer(board, chunk_delay=0.01).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def model_url(api):
    return api.url


@pytest.fixture(autouse=True)
def _alone_tests_run_alone(request):
    """A test marked `alone` stops the shared PostgreSQL server (which would break the tests
    other xdist workers run meanwhile) or times work they would slow down: `make
    test-backend` runs them after the others, by themselves (`-m alone`)."""
    if request.node.get_closest_marker("alone") and hasattr(request.config, "workerinput"):
        pytest.fail("marked `alone`: run it without -n (pytest -m alone)")


# Fixtures that start server processes (a web server, workers, a pipelines worker): the files
# using them take the longest. pytest-xdist (--dist loadfile) hands files out in collection
# order, so these go first: otherwise a worker may be left alone with a long file at the end.
PROCESS_FIXTURES = {"api", "live", "web", "servers", "server", "workers", "editor_client"}


def pytest_collection_modifyitems(config, items):
    # `make test-alone-rest` runs the files that say `mark.alone`: a test marked another way
    # (a fixture, a plugin) would be run by no lane
    for path in {item.path for item in items if item.get_closest_marker("alone")}:
        if "mark.alone" not in path.read_text():
            raise pytest.UsageError(f"{path.name}: mark its `alone` tests with `pytest.mark.alone` (the Makefile finds them so)")
    with_processes = {item.path for item in items if PROCESS_FIXTURES & set(item.fixturenames)}
    items.sort(key=lambda item: item.path not in with_processes)  # stable: the order within each file is kept
