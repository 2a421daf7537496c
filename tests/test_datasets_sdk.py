"""The openhexa-sdk's own dataset code against a live server (uvicorn, the real ASGI stack):
`workspace.create_dataset`, `get_dataset`, `dataset.create_version`, `version.add_file` (its
PUT to the signed upload URL) and `file.read()` (its GET of the signed download URL).

The SDK authenticates with `Authorization: Bearer <HEXA_TOKEN>`, a pipeline run's token: each
test acts as a member through a running run of theirs in the workspace (the run's records
only; its code is not run here). The signed URLs need no credential at all.
"""

import io
import socket
import uuid

import httpx
import pytest
import requests

from hexa.datasets.models import DatasetVersionFile
from hexa.pipelines.models import Pipeline, PipelineRun, PipelineRunStatus, PipelineVersion

from .support.live_server import LiveServer
from .test_datasets import CSV, parquet_bytes

MAX_BYTES = 200_000


@pytest.fixture(scope="module")
def live(django_db_setup, django_db_blocker, tmp_path_factory):
    root = tmp_path_factory.mktemp("datasets-live")
    logs = tmp_path_factory.mktemp("datasets-sdk-logs")
    # no model is called here: the model URL points nowhere
    server = LiveServer("http://127.0.0.1:9", logs, turn_workers=0, DATASETS_ROOT=root, DATASETS_MAX_FILE_BYTES=MAX_BYTES)
    yield server, root
    server.stop()


def _running_run(user, workspace) -> str:
    """A running run of a pipeline of `workspace` started by `user`: its token."""
    pipeline = Pipeline.objects.create(workspace=workspace, code=f"sdk-{uuid.uuid4().hex[:8]}", name="SDK")
    version = PipelineVersion.objects.create(pipeline=pipeline, version_number=1, zipfile=b"zip", parameters=[])
    run = PipelineRun(pipeline=pipeline, version=version, user=user, timeout=600, status=PipelineRunStatus.RUNNING)
    token = run.new_token()
    run.save()
    return token


@pytest.fixture
def sdk_as(live, monkeypatch):
    """sdk_as(user): the SDK's `workspace`, inside a run of `user` in that workspace."""
    server, _ = live

    def act_as(user, workspace):
        monkeypatch.setenv("HEXA_SERVER_URL", server.url)
        monkeypatch.setenv("HEXA_TOKEN", _running_run(user, workspace))
        monkeypatch.setenv("HEXA_WORKSPACE", workspace.slug)
        from openhexa.sdk import workspace as sdk_workspace

        return sdk_workspace

    return act_as


def test_the_sdk_creates_a_dataset_a_version_and_files_and_reads_them(roles, transactional_db, sdk_as, live, tmp_path):
    _, root = live
    workspace = sdk_as(roles["editor"], roles["workspace"])
    dataset = workspace.create_dataset("Malaria indicators", "Confirmed cases per district and month")
    assert dataset.slug == "malaria-indicators" and dataset.latest_version is None
    version = dataset.create_version("2024")
    source = tmp_path / "indicators.csv"
    source.write_bytes(CSV)
    added = version.add_file(source)  # a path: the SDK guesses text/csv
    parquet = parquet_bytes(tmp_path, rows=12)
    version.add_file(io.BytesIO(parquet), filename="monthly/cases.parquet")

    again = workspace.get_dataset("malaria-indicators")
    assert again.id == dataset.id and again.latest_version.id == version.id
    assert [v.name for v in again.versions] == ["2024"]
    files = {f.filename: f for f in again.latest_version.files}
    assert set(files) == {"indicators.csv", "cases.parquet"}
    assert files["indicators.csv"].content_type == "text/csv"
    assert files["indicators.csv"].read() == CSV
    assert again.latest_version.get_file("monthly/cases.parquet").read() == parquet
    assert version.exists("indicators.csv") and not version.exists("nothing.csv")
    assert added.id == str(DatasetVersionFile.objects.get(uri__endswith="/indicators.csv").id)
    assert (root / dataset.id / version.id / "monthly" / "cases.parquet").read_bytes() == parquet

    with pytest.raises(ValueError, match="already exists"):
        version.add_file(source)
    dataset.create_version("2025")
    with pytest.raises(ValueError, match="locked"):
        version.add_file(io.BytesIO(b"late"), filename="late.csv")
    with pytest.raises(ValueError, match="already exists"):
        dataset.create_version("2025")


def test_the_sdk_as_a_viewer_reads_but_cannot_write(roles, transactional_db, sdk_as):
    editor = sdk_as(roles["editor"], roles["workspace"])
    dataset = editor.create_dataset("Shared indicators", "")
    dataset.create_version("v1").add_file(io.BytesIO(CSV), filename="a.csv")
    viewer = sdk_as(roles["viewer"], roles["workspace"])
    seen = viewer.get_dataset("shared-indicators")
    assert seen.latest_version.get_file("a.csv").read() == CSV
    with pytest.raises(ValueError, match="PERMISSION_DENIED"):
        viewer.create_dataset("Mine", "")
    with pytest.raises(Exception, match="PERMISSION_DENIED"):
        seen.create_version("v2")
    with pytest.raises(Exception, match="PERMISSION_DENIED"):
        seen.latest_version.add_file(io.BytesIO(b"x"), filename="b.csv")
    outsider = sdk_as(roles["outsider"], roles["workspace"])
    with pytest.raises(ValueError, match="does not exist"):
        outsider.get_dataset("shared-indicators")


def test_oversized_and_unmeasured_uploads_are_refused_before_they_are_read(roles, transactional_db, sdk_as, live):
    server, root = live
    workspace = sdk_as(roles["editor"], roles["workspace"])
    version = workspace.create_dataset("Big files", "").create_version("v1")
    with pytest.raises(requests.HTTPError, match="413"):
        version.add_file(io.BytesIO(b"x" * (MAX_BYTES + 1)), filename="big.csv")
    url, headers = version._generate_upload_url("stream.csv", "text/csv")

    def chunks():  # no Content-Length: chunked transfer encoding
        for _ in range(4):
            yield b"y" * 100_000

    streamed = httpx.put(url, content=chunks(), headers=headers)
    assert streamed.status_code == 411 and streamed.json()["errors"] == ["LENGTH_REQUIRED"]
    # a terabyte announced: answered at once, from the headers, with nothing sent
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as raw:
        path = url.split(server.url, 1)[1]
        raw.sendall(f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {10**12}\r\n\r\n".encode())
        answer = b""
        while chunk := raw.recv(65536):  # the headers and the body may come in two reads: the server closes
            answer += chunk
        answer = answer.decode()
    assert answer.startswith("HTTP/1.1 413") and "FILE_TOO_LARGE" in answer
    assert not [p for p in root.rglob("*") if p.is_file() and p.name in ("big.csv", "stream.csv")]
    assert httpx.put(url, content=b"fine", headers=headers).status_code == 201
