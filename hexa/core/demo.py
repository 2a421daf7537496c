"""The demo: a user and a workspace with a malaria-surveillance bucket and database.

Everything here is idempotent: running it again leaves existing data as it is.
"""

import io
import json
import random
import struct
import zlib
from datetime import date

from django.contrib.auth.hashers import make_password

from hexa.assistant.evaluations.demo import seed_demo_questions
from hexa.databases import api as databases
from hexa.datasets.demo import seed_datasets
from hexa.files import api as files
from hexa.pipelines.demo import seed_demo_pipelines
from hexa.user_management.models import User
from hexa.workspaces.models import Workspace, WorkspaceMembership, WorkspaceMembershipRole

from .demo_connections import seed_connections
from .parquet import parquet_bytes
from .xlsx import write_xlsx

DEMO_EMAIL = "demo@openhexa.org"
DEMO_PASSWORD = "openhexa-demo"
VIEWER_EMAIL = "viewer@openhexa.org"
ADMIN_EMAIL = "admin@openhexa.org"
DEMO_WORKSPACE_SLUG = "malaria-programme"

DISTRICTS = [
    ("Bo", "Southern", 575478), ("Bombali", "Northern", 606544), ("Bonthe", "Southern", 200781),
    ("Falaba", "Northern", 205353), ("Kailahun", "Eastern", 526379), ("Kambia", "North West", 345474),
    ("Karene", "North West", 278014), ("Kenema", "Eastern", 609891), ("Koinadugu", "Northern", 204756),
    ("Kono", "Eastern", 506100), ("Moyamba", "Southern", 318588), ("Port Loko", "North West", 515461),
    ("Pujehun", "Southern", 346461), ("Tonkolili", "Northern", 531435), ("Western Area Rural", "Western", 444270),
    ("Western Area Urban", "Western", 1055964),
]
FACILITY_TYPES = ["CHP", "MCHP", "CHC", "Hospital"]


def _png(width=16, height=16) -> bytes:
    """A small real PNG (a red-green gradient), so the bucket holds a genuine binary file."""
    rows = b"".join(
        b"\x00" + b"".join(bytes([x * 16, y * 16, 96]) for x in range(width)) for y in range(height)
    )

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


# The districts' boundaries are fictional: a 4 x 4 grid over the country's extent, its
# vertices moved a little, so that maps have shapes to draw (no real boundary is claimed).
WEST, SOUTH, CELL = -13.3, 6.9, 0.775  # degrees


def _grid_vertices():
    rng = random.Random(11)
    vertices = {}
    for i in range(9):
        for j in range(9):
            border = i in (0, 8) or j in (0, 8)
            jitter = 0 if border else CELL / 5
            vertices[i, j] = (
                round(WEST + i * CELL / 2 + rng.uniform(-jitter, jitter), 4),
                round(SOUTH + j * CELL / 2 + rng.uniform(-jitter, jitter), 4),
            )
    return vertices


def district_geometries() -> list[dict]:
    """One GeoJSON Polygon per district (in DISTRICTS' order), neighbours sharing their edges."""
    vertices, shapes = _grid_vertices(), []
    for index in range(len(DISTRICTS)):
        i, j = 2 * (index % 4), 2 * (index // 4)
        ring = [(i, j), (i + 1, j), (i + 2, j), (i + 2, j + 1), (i + 2, j + 2), (i + 1, j + 2), (i, j + 2), (i, j + 1)]
        coordinates = [list(vertices[v]) for v in ring]
        shapes.append({"type": "Polygon", "coordinates": [coordinates + [coordinates[0]]]})
    return shapes


def _facilities():
    """12 facilities per district, placed around the middle of its (fictional) shape."""
    rng = random.Random(42)
    facilities = []
    for district_id, (district, _, _) in enumerate(DISTRICTS, start=1):
        index = district_id - 1
        west, south = WEST + (index % 4) * CELL, SOUTH + (index // 4) * CELL
        for n in range(1, 13):
            kind = FACILITY_TYPES[min(3, int(rng.random() ** 2 * 4))]
            facilities.append(
                (len(facilities) + 1, f"{district} {kind} {n}", district_id, kind,
                 round(south + CELL * (0.25 + rng.random() * 0.5), 5), round(west + CELL * (0.25 + rng.random() * 0.5), 5))
            )
    return facilities


def _hmis_workbook(reports, facilities) -> bytes:
    """An HMIS-style monthly export: district totals per month (with a positivity formula and
    its cached value, as Excel saves it) and the facility list."""
    totals = {}
    for month, f, tested, confirmed, deaths in reports:
        key = (DISTRICTS[f[2] - 1][0], month)
        t = totals.setdefault(key, [0, 0, 0])
        t[0], t[1], t[2] = t[0] + tested, t[1] + confirmed, t[2] + deaths
    monthly = [["district", "period", "tested", "confirmed_cases", "deaths", "positivity"]]
    for row, ((district, month), (tested, confirmed, deaths)) in enumerate(sorted(totals.items()), start=2):
        monthly.append(
            [district, date(2024, month, 1), tested, confirmed, deaths, (f"=D{row}/C{row}", round(confirmed / tested, 4))]
        )
    listing = [["facility_id", "name", "district", "type", "latitude", "longitude"]]
    listing += [[f[0], f[1], DISTRICTS[f[2] - 1][0], f[3], f[4], f[5]] for f in facilities]
    buffer = io.BytesIO()
    write_xlsx(buffer, {"Monthly": monthly, "Facilities": listing})
    return buffer.getvalue()


def _reports_parquet(reports) -> bytes:
    """Facility reports as a pipeline would write them: one Parquet file, typed columns."""
    rows = sorted(
        (date(2024, month, 1), f[0], f[1], DISTRICTS[f[2] - 1][0], tested, confirmed, deaths)
        for month, f, tested, confirmed, deaths in reports
    )
    return parquet_bytes(REPORT_COLUMNS, rows)


REPORT_COLUMNS = {
    "period": "DATE", "facility_id": "INTEGER", "facility": "VARCHAR", "district": "VARCHAR",
    "tested": "INTEGER", "confirmed_cases": "INTEGER", "deaths": "INTEGER",
}


def _bucket_files():
    rng = random.Random(7)
    facilities = _facilities()
    out = {}
    out["README.md"] = (
        "# National Malaria Programme workspace\n\n"
        "- `data/reference/`: districts and health facilities\n"
        "- `data/raw/`: monthly facility reports as exported from DHIS2\n"
        "- `data/hmis/`: the HMIS monthly workbook (district totals, facility list)\n"
        "- `data/processed/`: facility reports as Parquet, written by the cleaning pipeline\n"
        "- `reports/`: quarterly and annual analyses\n"
    )
    out["data/reference/districts.csv"] = "district_id,name,region,population\n" + "".join(
        f"{i},{name},{region},{pop}\n" for i, (name, region, pop) in enumerate(DISTRICTS, start=1)
    )
    out["data/reference/health_facilities.csv"] = "facility_id,name,district_id,type,latitude,longitude\n" + "".join(
        f"{f[0]},{f[1]},{f[2]},{f[3]},{f[4]},{f[5]}\n" for f in facilities
    )
    reports = []  # (month, facility, tested, confirmed, deaths): the raw CSVs, the workbook, the Parquet file
    for month in range(1, 13):
        lines = ["period,facility_id,district,tested,confirmed_cases,deaths"]
        for f in facilities:
            tested = rng.randint(40, 900)
            confirmed = int(tested * rng.uniform(0.15, 0.6))
            deaths = rng.randint(0, 2)
            reports.append((month, f, tested, confirmed, deaths))
            lines.append(f"2024-{month:02d},{f[0]},{DISTRICTS[f[2] - 1][0]},{tested},{confirmed},{deaths}")
        out[f"data/raw/2024/facility_reports_2024_{month:02d}.csv"] = "\n".join(lines) + "\n"
    out["data/hmis/hmis_monthly_2024.xlsx"] = _hmis_workbook(reports, facilities)
    out["data/processed/facility_reports_2024.parquet"] = _reports_parquet(reports)
    out["reports/2024/annual_report_2024.md"] = (
        "# Malaria annual report 2024\n\n"
        "## Summary\n\n"
        "Confirmed malaria cases fell by 8% compared with 2023, with the largest decreases in\n"
        "Bo and Kenema after the mass bed-net campaign of March. Testing coverage reached 91%.\n\n"
        "## Districts to watch\n\n"
        "| District | Confirmed cases | Change vs 2023 |\n|---|---|---|\n"
        "| Western Area Urban | 212,430 | +3% |\n| Port Loko | 154,002 | -2% |\n| Kailahun | 121,877 | -11% |\n\n"
        "## Next steps\n\n- Seasonal malaria chemoprevention in the Northern region\n- Stock-out monitoring\n"
    )
    out["reports/2024/q4_summary.csv"] = "district,confirmed_cases,tested,positivity\n" + "".join(
        f"{name},{rng.randint(5000, 60000)},{rng.randint(60000, 150000)},{rng.uniform(0.2, 0.5):.3f}\n"
        for name, _, _ in DISTRICTS
    )
    out["pipelines/clean_reports.py"] = (
        '"""Cleans the monthly DHIS2 exports in data/raw and loads them into malaria_cases."""\n\n'
        "import pandas as pd\n\n\ndef clean(path):\n    df = pd.read_csv(path)\n"
        "    return df[df.tested >= df.confirmed_cases]\n"
    )
    out["images/programme_logo.png"] = _png()
    return out


SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS districts (
    id integer PRIMARY KEY,
    name text NOT NULL UNIQUE,
    region text NOT NULL,
    population integer NOT NULL
);
COMMENT ON TABLE districts IS 'Administrative districts (admin level 2)';
COMMENT ON COLUMN districts.population IS 'Projected 2024 population';
ALTER TABLE districts ADD COLUMN IF NOT EXISTS geometry_geojson text;
COMMENT ON COLUMN districts.geometry_geojson IS 'Simplified boundary as a GeoJSON Polygon (WGS 84; fictional demo shapes)';

CREATE TABLE IF NOT EXISTS health_facilities (
    id integer PRIMARY KEY,
    name text NOT NULL,
    district_id integer NOT NULL REFERENCES districts(id),
    facility_type text NOT NULL,
    latitude numeric(8, 5),
    longitude numeric(8, 5),
    opened_on date
);
COMMENT ON TABLE health_facilities IS 'Health facilities reporting to the HMIS';
COMMENT ON COLUMN health_facilities.facility_type IS 'CHP, MCHP, CHC or Hospital';

CREATE TABLE IF NOT EXISTS malaria_cases (
    id bigserial PRIMARY KEY,
    facility_id integer NOT NULL REFERENCES health_facilities(id),
    period date NOT NULL,
    age_group text NOT NULL,
    tested integer NOT NULL,
    confirmed_cases integer NOT NULL,
    deaths integer NOT NULL DEFAULT 0,
    UNIQUE (facility_id, period, age_group)
);
COMMENT ON TABLE malaria_cases IS 'Monthly malaria case counts per facility and age group';
COMMENT ON COLUMN malaria_cases.period IS 'First day of the reporting month';
COMMENT ON COLUMN malaria_cases.age_group IS 'under_5, 5_to_14 or 15_plus';
COMMENT ON COLUMN malaria_cases.confirmed_cases IS 'Cases confirmed by RDT or microscopy';

CREATE OR REPLACE VIEW district_monthly_cases AS
SELECT d.name AS district, c.period, SUM(c.tested) AS tested, SUM(c.confirmed_cases) AS confirmed_cases,
       SUM(c.deaths) AS deaths
FROM malaria_cases c
JOIN health_facilities f ON f.id = c.facility_id
JOIN districts d ON d.id = f.district_id
GROUP BY d.name, c.period;
COMMENT ON VIEW district_monthly_cases IS 'Confirmed cases, tests and deaths per district and month';
"""

# 192 facilities x 36 months x 3 age groups = 20,736 rows, deterministic (setseed).
CASES_SQL = """
SELECT setseed(0.42);
INSERT INTO malaria_cases (facility_id, period, age_group, tested, confirmed_cases, deaths)
SELECT f.id, m.period, a.age_group, t.tested,
       (t.tested * (0.15 + 0.35 * random() * (1.3 + sin(extract(month FROM m.period) / 2.0)) / 2.3))::int,
       (random() < 0.05)::int
FROM health_facilities f
CROSS JOIN generate_series(date '2022-01-01', date '2024-12-01', interval '1 month') AS m(period)
CROSS JOIN (VALUES ('under_5'), ('5_to_14'), ('15_plus')) AS a(age_group)
CROSS JOIN LATERAL (SELECT (30 + random() * 400 + f.id % 7)::int AS tested) AS t;
"""


def _seed_database(workspace):
    connection = databases.connect(workspace, read_only=False)
    try:
        with connection, connection.cursor() as cursor:
            cursor.execute(SCHEMA_SQL)
            cursor.execute("SELECT count(*) FROM districts")
            if cursor.fetchone()[0] == 0:
                cursor.executemany(
                    "INSERT INTO districts (id, name, region, population) VALUES (%s, %s, %s, %s)",
                    [(i, n, r, p) for i, (n, r, p) in enumerate(DISTRICTS, start=1)],
                )
                cursor.executemany(
                    "INSERT INTO health_facilities (id, name, district_id, facility_type, latitude, longitude, "
                    "opened_on) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                    [(*f, date(1990 + f[0] % 30, 1 + f[0] % 12, 1)) for f in _facilities()],
                )
                cursor.execute(CASES_SQL)
            cursor.executemany(  # also for a demo seeded before districts had shapes
                "UPDATE districts SET geometry_geojson = %s WHERE id = %s AND geometry_geojson IS NULL",
                [(json.dumps(shape), i) for i, shape in enumerate(district_geometries(), start=1)],
            )
            cursor.execute("ANALYZE")
    finally:
        connection.close()


def _seed_bucket(workspace):
    root = files.create_bucket(workspace.bucket_name)
    for relative, content in _bucket_files().items():
        target = root / relative
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content)
    (root / "notes").mkdir(exist_ok=True)


def _user(email, password, **extra):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, **extra)
    return user


def seed_members(workspace, emails, role):
    """More people in the demo workspace, with the demo's password and `role` (the browser tests
    give each test file people of its own, so that files run at once cannot see each other's
    conversations or language). The password is hashed once for all of them: each hash is a
    deliberate fraction of a second of CPU (none when there is nobody to add: every
    `seed_demo` calls this)."""
    if not emails:
        return
    password = make_password(DEMO_PASSWORD)
    for email in emails:
        user = User.objects.filter(email=email).first() or User.objects.create(email=email, password=password)
        WorkspaceMembership.objects.get_or_create(workspace=workspace, user=user, defaults={"role": role})


def seed_demo():
    """Create (or complete) the demo; returns the demo user and workspace."""
    demo = _user(DEMO_EMAIL, DEMO_PASSWORD, first_name="Demo", last_name="User", is_staff=True)
    viewer = _user(VIEWER_EMAIL, DEMO_PASSWORD, first_name="Viewer", last_name="User")
    if not User.objects.filter(email=ADMIN_EMAIL).exists():
        User.objects.create_superuser(ADMIN_EMAIL, DEMO_PASSWORD, first_name="Platform", last_name="Admin")
    workspace = Workspace.objects.filter(slug=DEMO_WORKSPACE_SLUG).first()
    if workspace is None:
        workspace = Workspace.objects.create_if_has_perm(
            demo,
            name="National Malaria Programme",
            slug=DEMO_WORKSPACE_SLUG,
            description="Routine malaria surveillance: facility reports, reference data and analyses.",
        )
    WorkspaceMembership.objects.get_or_create(
        workspace=workspace, user=viewer, defaults={"role": WorkspaceMembershipRole.VIEWER}
    )
    _seed_bucket(workspace)
    _seed_database(workspace)
    seed_connections(workspace, demo)
    seed_datasets(workspace, demo)
    seed_demo_pipelines(workspace, demo)
    seed_demo_questions(workspace, demo)
    return demo, workspace
