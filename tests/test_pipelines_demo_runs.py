"""The demo's two pipelines run end to end, as `make run` has them: from runPipeline, in the
sandbox with the real openhexa-sdk, through a live server and a `pipelines_worker` process.
`dhis2-monthly-extract` reads the DHIS2 demo server (over HTTP) through the seeded `dhis2-demo`
connection, which the SDK fetches with the run's token; `district-report` writes a version of
`malaria-indicators` through the SDK's dataset calls, recorded as the run's output."""

import csv

import pytest

from hexa.core.demo import _seed_database
from hexa.core.demo_connections import dhis2_snapshot, seed_connections
from hexa.databases.api import connect
from hexa.datasets.demo import seed_datasets
from hexa.datasets.models import Dataset
from hexa.dhis2_demo import DHIS2DemoServer, build
from hexa.dhis2_demo.instance import CONFIRMED, TESTED
from hexa.files.api import bucket_path
from hexa.pipelines.demo import seed_demo_pipelines
from tests.pipelines.support import PipelinesWorker, gql, run, wait_for
from tests.support.live_server import LiveServer, session_for

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live(django_db_setup, django_db_blocker, model_url, logs, tmp_path_factory):
    datasets_root = tmp_path_factory.mktemp("demo-datasets")
    server = LiveServer(model_url, logs, turn_workers=0, ASSISTANT_RATE_LIMIT="", DATASETS_ROOT=datasets_root)
    worker = PipelinesWorker(model_url, logs, server.url, concurrency=2)
    yield server, worker, datasets_root
    worker.stop()
    server.stop()


@pytest.fixture
def demo(transactional_db, roles, live, settings, tmp_path):
    """The roles' workspace seeded as the demo's: its database, the DHIS2 demo server on a port of
    its own with the `dhis2-demo` connection to it, the dataset and the pipelines."""
    server, _, datasets_root = live
    workspace = roles["workspace"]
    settings.DATASETS_ROOT = datasets_root
    settings.DHIS2_URL, settings.DHIS2_DEMO_DATA = "", tmp_path / "dhis2_demo.json"
    _seed_database(workspace)
    with DHIS2DemoServer(build(dhis2_snapshot(workspace))) as dhis2:
        settings.DHIS2_DEMO_PORT = dhis2.port
        seed_connections(workspace, roles["admin"])
        seed_datasets(workspace, roles["admin"])
        pipelines = {p.code: p for p in seed_demo_pipelines(workspace, roles["admin"])}
        client = server.client(session_for(roles["editor"]))
        yield workspace, pipelines, client
        client.close()


def _district_month(workspace, district, month):
    with connect(workspace) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT tested, confirmed_cases FROM district_monthly_cases WHERE district = %s AND period = %s",
            [district, month],
        )
        found = cursor.fetchone()
    connection.close()
    return found


def test_dhis2_monthly_extract_writes_the_months_table_and_csv_that_agree_with_the_database(demo):
    workspace, pipelines, client = demo
    started = run(client, str(pipelines["dhis2-monthly-extract"].pk), {"dhis2": "dhis2-demo", "period": "202410"})
    assert started["success"], started
    done = wait_for(client, started["run"]["id"], {"success", "failed", "stopped"}, seconds=120)
    assert done["status"] == "success", done
    outputs = {output["type"]: output for output in done["outputs"]}
    assert outputs["file"]["uri"] == f"gs://{workspace.bucket_name}/dhis2/analytics_202410.csv"
    assert outputs["db"]["name"] == "dhis2_monthly_values"
    # every data element of the demo server, for its 16 districts (organisation unit level 2)
    assert {"priority": "INFO", "message": "48 values for 202410"} in done["messages"], done["messages"]

    with connect(workspace) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_element, value FROM dhis2_monthly_values WHERE org_unit_name = 'Bo' AND period = '202410'"
        )
        table = dict(cursor.fetchall())
        cursor.execute("SELECT count(DISTINCT org_unit) FROM dhis2_monthly_values")
        districts = cursor.fetchone()[0]
    connection.close()
    tested, confirmed = _district_month(workspace, "Bo", "2024-10-01")
    assert (table[TESTED], table[CONFIRMED]) == (tested, confirmed) and districts == 16
    with open(bucket_path(workspace.bucket_name) / "dhis2" / "analytics_202410.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 48
    bo = {row["data_element"]: float(row["value"]) for row in rows if row["org_unit_name"] == "Bo"}
    assert (bo[TESTED], bo[CONFIRMED]) == (tested, confirmed)


DATASET = """query($id: ID!) { dataset(id: $id) { latestVersion { id name createdBy { email } files { items {
  filename size fileSample { status statusReason sample } } } } versions { totalItems } } }"""


def test_district_report_writes_a_new_version_of_malaria_indicators_as_its_output(demo, roles):
    workspace, pipelines, client = demo
    dataset = Dataset.objects.get(workspace=workspace, slug="malaria-indicators")
    started = run(client, str(pipelines["district-report"].pk), {"version_name": "From the pipeline"})
    assert started["success"], started
    done = wait_for(client, started["run"]["id"], {"success", "failed", "stopped"}, seconds=120)
    assert done["status"] == "success", done
    found = gql(client, DATASET, {"id": str(dataset.pk)})["dataset"]
    latest = found["latestVersion"]
    assert found["versions"]["totalItems"] == 3 and latest["name"] == "From the pipeline"
    assert latest["createdBy"]["email"] == roles["editor"].email
    assert done["outputs"] == [
        {"type": "datasetVersion", "uri": f"dataset-version://{latest['id']}", "name": "Malaria indicators — From the pipeline"}
    ]
    (file,) = latest["files"]["items"]
    assert file["filename"] == "district_report.parquet" and file["size"] > 1000
    assert file["fileSample"]["status"] == "FINISHED", file["fileSample"]
    first = file["fileSample"]["sample"][0]
    tested, confirmed = _district_month(workspace, first["district"], first["period"][:10])
    assert (first["tested"], first["confirmed_cases"]) == (tested, confirmed)
