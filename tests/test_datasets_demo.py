"""The demo's dataset `malaria-indicators` (hexa/datasets/demo.py): two versions of one
Parquet file each, whose figures are the demo database's."""

import pytest
from django.test import Client

from hexa.core.demo import _seed_database
from hexa.datasets.demo import seed_datasets
from hexa.datasets.models import Dataset, DatasetVersionFile
from hexa.databases import api as databases

from .conftest import GraphQLClient


@pytest.fixture(autouse=True)
def datasets_root(settings, tmp_path):
    settings.DATASETS_ROOT = tmp_path / "datasets"


def test_the_demo_dataset_has_two_versions_consistent_with_the_database(roles, transactional_db):
    workspace = roles["workspace"]
    _seed_database(workspace)
    dataset = seed_datasets(workspace, roles["admin"])
    seed_datasets(workspace, roles["admin"])  # again: nothing doubles
    assert Dataset.objects.filter(workspace=workspace).count() == 1
    assert DatasetVersionFile.objects.count() == 2

    client = Client()
    client.force_login(roles["viewer"])
    gql = GraphQLClient(client)
    result = gql(
        "query($id: ID!) { dataset(id: $id) { slug latestVersion { name } versions { items { name files { items { "
        "id filename contentType size } } } } } }",
        {"id": str(dataset.id)},
    )["data"]["dataset"]
    assert result["slug"] == "malaria-indicators" and result["latestVersion"] == {"name": "2022-2024"}
    versions = {v["name"]: v["files"]["items"][0] for v in result["versions"]["items"]}
    assert set(versions) == {"2022-2023", "2022-2024"}
    assert all(f["filename"] == "malaria_indicators.parquet" and f["size"] > 1000 for f in versions.values())

    sample = gql(
        "query($id: ID!) { datasetVersionFile(id: $id) { fileSample { status statusReason sample } } }",
        {"id": versions["2022-2024"]["id"]},
    )["data"]["datasetVersionFile"]["fileSample"]
    assert sample["status"] == "FINISHED", sample["statusReason"]
    first = sample["sample"][0]
    assert set(first) == {"district", "region", "period", "tested", "confirmed_cases", "deaths", "positivity", "incidence_per_1000"}

    connection = databases.connect(workspace)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT confirmed_cases, tested FROM district_monthly_cases WHERE district = %s AND period = %s",
                [first["district"], first["period"][:10]],
            )
            confirmed, tested = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM district_monthly_cases WHERE period < '2024-01-01'")
            months_before_2024 = cursor.fetchone()[0]
    finally:
        connection.close()
    assert (first["confirmed_cases"], first["tested"]) == (confirmed, tested)
    assert first["period"].startswith("2022-01-01")
    assert months_before_2024 == 16 * 24
