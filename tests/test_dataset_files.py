"""Dataset files through the file tools: list_datasets, read_file and query_files on
`dataset:<dataset>/<version or latest>/<file>`, with the bucket files' confinement, and
refusals that say what is there."""

import io
import json
import os

import pytest
from django.conf import settings

from hexa.assistant.tool_executors import run_tool
from hexa.core.demo import _seed_database
from hexa.datasets import storage
from hexa.datasets.demo import FILENAME, seed_datasets
from hexa.datasets.models import Dataset, DatasetLink, DatasetVersion, DatasetVersionFile

LATEST = f"dataset:malaria-indicators/latest/{FILENAME}"
OLDER = f"dataset:malaria-indicators/2022-2023/{FILENAME}"


@pytest.fixture
def demo(roles, transactional_db):
    _seed_database(roles["workspace"])
    seed_datasets(roles["workspace"], roles["admin"])
    return roles


def test_list_datasets_gives_versions_newest_first_with_the_paths_to_read(demo):
    result = run_tool(demo["viewer"], demo["workspace"], "list_datasets", {})
    [dataset] = result["datasets"]
    assert dataset["slug"] == "malaria-indicators"
    assert [v["name"] for v in dataset["versions"]] == ["2022-2024", "2022-2023"]
    [file] = dataset["versions"][0]["files"]
    assert file["path"] == f"dataset:malaria-indicators/2022-2024/{FILENAME}" and file["size"] > 0
    assert run_tool(demo["viewer"], demo["workspace"], "list_datasets", {"query": "nothing-like-it"})["datasets"] == []
    assert run_tool(demo["outsider"], demo["workspace"], "list_datasets", {})["error"]["code"] == "PERMISSION_DENIED"


def test_read_file_reads_a_dataset_file_as_a_table(demo):
    result = run_tool(demo["viewer"], demo["workspace"], "read_file", {"path": LATEST, "end_line": 3})
    assert [c["name"] for c in result["columns"]][:4] == ["district", "region", "period", "tested"]
    assert result["row_count"] == 3 and result["total_rows"] == 36 * 16


def test_query_files_compares_two_versions(demo):
    result = run_tool(demo["viewer"], demo["workspace"], "query_files", {
        "files": {"new": LATEST, "old": OLDER},
        "sql": "SELECT (SELECT count(*) FROM new) AS new_rows, (SELECT count(*) FROM old) AS old_rows, "
               "(SELECT count(*) FROM new n JOIN old o USING (district, period) WHERE n.confirmed_cases <> o.confirmed_cases) AS changed",
    })
    assert result["rows"] == [[576, 384, 0]], result
    assert result["tables"]["new"]["files"] == [f"dataset:malaria-indicators/2022-2024/{FILENAME}"]


def test_a_chart_reads_a_dataset_file(demo):
    result = run_tool(demo["editor"], demo["workspace"], "create_chart", {
        "source": "files", "files": {"i": LATEST},
        "query": "SELECT period, sum(confirmed_cases) AS cases FROM i GROUP BY period ORDER BY period",
        "spec": {"mark": "line", "encoding": {"x": {"field": "period", "type": "temporal"}, "y": {"field": "cases", "type": "quantitative"}}},
    })
    assert result["row_count"] == 36, result


@pytest.mark.parametrize(
    "path, code, says",
    [
        ("dataset:nope/latest/x.parquet", "NOT_FOUND", "list_datasets"),
        ("dataset:malaria-indicators/1999/x.parquet", "NOT_FOUND", "'2022-2024', '2022-2023'"),
        ("dataset:malaria-indicators/latest/other.parquet", "NOT_FOUND", FILENAME),
        ("dataset:malaria-indicators/latest/../../../etc/passwd", "NOT_FOUND", FILENAME),
        ("dataset:malaria-indicators", "INVALID_PATH", "dataset:<dataset slug>"),
        ("dataset:malaria-indicators/latest/a\x00b", "INVALID_PATH", "not a dataset file"),
    ],
)
def test_wrong_names_are_typed_and_say_what_is_there(demo, path, code, says):
    for tool, tool_input in [("read_file", {"path": path}), ("query_files", {"files": {"t": path}, "sql": "SELECT 1 FROM t"})]:
        result = run_tool(demo["viewer"], demo["workspace"], tool, tool_input)
        assert result["error"]["code"] == code and says in result["error"]["message"], (tool, result)


def test_another_workspaces_dataset_is_not_there_until_shared(demo, make_workspace):
    other = make_workspace(demo["outsider"], name="Elsewhere")
    dataset = Dataset.objects.create(workspace=other, slug="private-data", name="Private")
    DatasetLink.objects.create(dataset=dataset, workspace=other)
    version = DatasetVersion.objects.create(dataset=dataset, name="v1")
    uri = version.full_uri("rows.csv")
    storage.write(uri, io.BytesIO(b"a,b\n1,2\n").read, 10_000)
    DatasetVersionFile.objects.create(dataset_version=version, uri=uri, content_type="text/csv", size=8)
    path = "dataset:private-data/v1/rows.csv"
    assert run_tool(demo["viewer"], demo["workspace"], "read_file", {"path": path})["error"]["code"] == "NOT_FOUND"
    DatasetLink.objects.create(dataset=dataset, workspace=demo["workspace"])  # shared with the workspace
    result = run_tool(demo["viewer"], demo["workspace"], "read_file", {"path": path})
    assert result["content"] == "a,b\n1,2\n"
    listed = run_tool(demo["viewer"], demo["workspace"], "list_datasets", {"query": "private"})
    assert listed["datasets"][0]["shared_from"] == other.slug


def test_a_link_swapped_in_for_the_stored_file_is_not_followed(demo, tmp_path):
    file = DatasetVersionFile.objects.get(dataset_version__name="2022-2024")
    stored = storage.path_of(file.uri)
    secret = tmp_path / "outside.csv"
    secret.write_text("secret,value\nhidden,1\n")
    os.replace(stored, str(stored) + ".moved")
    os.symlink(secret, stored)
    try:
        for tool, tool_input in [("read_file", {"path": LATEST}), ("query_files", {"files": {"t": LATEST}, "sql": "SELECT * FROM t"})]:
            result = run_tool(demo["viewer"], demo["workspace"], tool, tool_input)
            assert result["error"]["code"] == "INVALID_PATH" and "hidden" not in json.dumps(result), result
    finally:
        os.unlink(stored)
        os.replace(str(stored) + ".moved", stored)
    assert str(settings.DATASETS_ROOT) not in json.dumps(run_tool(demo["viewer"], demo["workspace"], "read_file", {"path": LATEST}))


def test_a_file_whose_upload_never_finished_is_typed(demo):
    version = DatasetVersion.objects.get(name="2022-2024")
    DatasetVersionFile.objects.create(dataset_version=version, uri=version.full_uri("pending.csv"), content_type="text/csv")
    result = run_tool(demo["viewer"], demo["workspace"], "read_file", {"path": "dataset:malaria-indicators/latest/pending.csv"})
    assert result["error"]["code"] == "NOT_FOUND" and "upload" in result["error"]["message"]
