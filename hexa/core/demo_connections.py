"""The demo's connections: `dhis2-demo`, a DHIS2 connection to DHIS2_URL, or else to the DHIS2
demo server (hexa/dhis2_demo), whose data is a snapshot of the demo database written here, so
that what DHIS2 answers and what the database holds agree.

Idempotent, as the rest of the demo: an existing connection is left as it is.
"""

import json
import os
import tempfile
from pathlib import Path

from django.conf import settings

from hexa.databases import api as databases
from hexa.dhis2_demo import DEMO_PASSWORD, DEMO_USERNAME
from hexa.workspaces.models import Connection, ConnectionType

DHIS2_CONNECTION_SLUG = "dhis2-demo"


def dhis2_snapshot(workspace) -> dict:
    """The demo database's districts, facilities and monthly totals per facility (every age
    group together), in the shape hexa.dhis2_demo.instance reads."""
    connection = databases.connect(workspace, read_only=True)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute("SELECT id, name, region, population FROM districts ORDER BY id")
            districts = [dict(zip(("id", "name", "region", "population"), row)) for row in cursor.fetchall()]
            cursor.execute("SELECT id, name, district_id, facility_type, opened_on FROM health_facilities ORDER BY id")
            facilities = [
                {"id": i, "name": n, "district_id": d, "type": t, "opened_on": o.isoformat() if o else None}
                for i, n, d, t, o in cursor.fetchall()
            ]
            cursor.execute(
                "SELECT facility_id, to_char(period, 'YYYYMM'), SUM(tested)::int, SUM(confirmed_cases)::int, "
                "SUM(deaths)::int FROM malaria_cases GROUP BY facility_id, period ORDER BY period, facility_id"
            )
            values = [list(row) for row in cursor.fetchall()]
    finally:
        connection.close()
    return {"districts": districts, "facilities": facilities, "values": values}


def write_dhis2_snapshot(workspace, path: Path):
    """Written whole or not at all (a server starting meanwhile never reads half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False) as handle:
        json.dump(dhis2_snapshot(workspace), handle, separators=(",", ":"))
    os.replace(handle.name, path)


def dhis2_demo_url() -> str:
    return f"http://127.0.0.1:{settings.DHIS2_DEMO_PORT}"


def seed_connections(workspace, user):
    """The demo's DHIS2 connection (and, without DHIS2_URL, the demo server's data)."""
    if not settings.DHIS2_URL:
        write_dhis2_snapshot(workspace, Path(settings.DHIS2_DEMO_DATA))
    if Connection.objects.filter(workspace=workspace, slug=DHIS2_CONNECTION_SLUG).exists():
        return
    real = bool(settings.DHIS2_URL)
    Connection.objects.create_if_has_perm(
        user,
        workspace,
        name="DHIS2" if real else "DHIS2 (demo server)",
        slug=DHIS2_CONNECTION_SLUG,
        connection_type=ConnectionType.DHIS2,
        description="" if real else "The DHIS2 demo server started by `make run`: not a real instance.",
        fields=[
            {"code": "url", "value": settings.DHIS2_URL or dhis2_demo_url(), "secret": False},
            {"code": "username", "value": settings.DHIS2_USERNAME if real else DEMO_USERNAME, "secret": False},
            {"code": "password", "value": settings.DHIS2_PASSWORD if real else DEMO_PASSWORD, "secret": True},
        ],
    )
