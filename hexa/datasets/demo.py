"""The demo's dataset `malaria-indicators`: malaria indicators per district and month, as a
district-report pipeline would publish them, computed from the demo database itself
(district_monthly_cases and districts, hexa/core/demo.py) so that both tell the same story.

Two versions: `2022-2023` (24 months) and `2022-2024` (36 months), one Parquet file each.
Idempotent: what exists is left as it is.
"""

import io
from datetime import date

from django.conf import settings

from hexa.core.parquet import parquet_bytes
from hexa.databases import api as databases

from . import storage
from .models import Dataset, DatasetLink, DatasetVersion, DatasetVersionFile

SLUG = "malaria-indicators"
FILENAME = "malaria_indicators.parquet"
VERSIONS = [
    ("2022-2023", date(2023, 12, 1), "First release: 2022 and 2023, from the monthly facility reports."),
    ("2022-2024", date(2024, 12, 1), "Adds the 12 months of 2024."),
]
INDICATORS_SQL = """
SELECT d.name AS district, d.region, c.period, c.tested::int AS tested, c.confirmed_cases::int AS confirmed_cases,
       c.deaths::int AS deaths, round(c.confirmed_cases::numeric / NULLIF(c.tested, 0), 4)::float AS positivity,
       round(c.confirmed_cases * 1000.0 / d.population, 3)::float AS incidence_per_1000
FROM district_monthly_cases c JOIN districts d ON d.name = c.district
WHERE c.period <= %s
ORDER BY c.period, d.name
"""


def _indicators(workspace, until: date) -> list[tuple]:
    connection = databases.connect(workspace)
    try:
        with connection.cursor() as cursor:
            cursor.execute(INDICATORS_SQL, [until])
            return cursor.fetchall()
    finally:
        connection.close()


COLUMNS = {
    "district": "VARCHAR", "region": "VARCHAR", "period": "DATE", "tested": "INTEGER", "confirmed_cases": "INTEGER",
    "deaths": "INTEGER", "positivity": "DOUBLE", "incidence_per_1000": "DOUBLE",
}


def seed_datasets(workspace, author):
    """Create (or complete) the demo dataset of `workspace`; returns it."""
    dataset = Dataset.objects.filter(workspace=workspace, slug=SLUG).first()
    if dataset is None:
        dataset = Dataset.objects.create(
            workspace=workspace, slug=SLUG, name="Malaria indicators", created_by=author,
            description="Tests, confirmed cases, deaths, positivity and incidence per 1,000 per district and month.",
        )
        DatasetLink.objects.create(dataset=dataset, workspace=workspace, created_by=author)
    for name, until, changelog in VERSIONS:
        version, _ = DatasetVersion.objects.get_or_create(
            dataset=dataset, name=name, defaults={"changelog": changelog, "created_by": author}
        )
        uri = version.full_uri(FILENAME)
        if not storage.exists(uri):
            content = parquet_bytes(COLUMNS, _indicators(workspace, until))
            storage.write(uri, io.BytesIO(content).read, settings.DATASETS_MAX_FILE_BYTES)
        DatasetVersionFile.objects.update_or_create(
            uri=uri,
            defaults={
                "dataset_version": version, "content_type": "application/vnd.apache.parquet",
                "size": storage.size_of(uri), "created_by": author,
            },
        )
    return dataset
