"""`demo_database`: a database seeded as the demo's, for the DHIS2 demo server's tests and the
assistant's DHIS2 tools (the demo server serves a snapshot of it)."""

import secrets
from types import SimpleNamespace

import pytest

from hexa.core.demo import _seed_database
from hexa.databases import api as databases


@pytest.fixture(scope="module")
def demo_database():
    """A workspace-like database seeded as the demo's (no ORM rows: nothing for other tests to see)."""
    workspace = SimpleNamespace(
        db_name=databases.generate_db_name(f"dhis2-{secrets.token_hex(3)}"),
        db_password=databases.generate_password(),
        db_ro_password=databases.generate_password(),
    )
    databases.create_database(workspace.db_name, workspace.db_password, workspace.db_ro_password)
    try:
        _seed_database(workspace)
        yield workspace
    finally:
        databases.delete_database(workspace.db_name)
