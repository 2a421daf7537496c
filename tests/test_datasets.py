"""Datasets (hexa/datasets): upstream's GraphQL as the openhexa-sdk calls it, permissions,
signed upload and download URLs, file samples, and hostile input. Requests go through the
real GraphQL endpoint and URL views (Django's test client); tests/test_datasets_sdk.py runs
the SDK's own code against a live server."""

import asyncio
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import duckdb
import pytest
from django.test import Client
from freezegun import freeze_time

from hexa.datasets.models import Dataset, DatasetVersion, DatasetVersionFile
from hexa.workspaces.models import WorkspaceMembershipRole

from .conftest import GraphQLClient
from .support.sdk_documents import sdk_documents

SDK = sdk_documents()

CSV = b"district,period,confirmed_cases,positivity\nBo,2024-01,120,0.31\nKenema,2024-01,98,\nKono,2024-01,77,0.2\n"


@pytest.fixture(autouse=True)
def datasets_root(settings, tmp_path):
    settings.DATASETS_ROOT = tmp_path / "datasets"
    return settings.DATASETS_ROOT


def as_user(user) -> GraphQLClient:
    client = Client()
    client.force_login(user)
    return GraphQLClient(client)


def data(result):
    assert "errors" not in result, result
    return result["data"]


def parquet_bytes(tmp_path, rows=3) -> bytes:
    target = tmp_path / "sample.parquet"
    duckdb.sql(
        f"COPY (SELECT 'District ' || i AS district, DATE '2024-01-01' + INTERVAL (i) MONTH AS period, i * 10 AS cases "
        f"FROM range({rows}) t(i)) TO '{target}' (FORMAT parquet)"
    )
    return target.read_bytes()


def create_dataset(gql, workspace, name="Malaria indicators", description=""):
    result = data(gql(SDK["createDataset"], {"input": {"workspaceSlug": workspace.slug, "name": name, "description": description}}))
    assert result["createDataset"]["success"], result
    link = data(gql(SDK["getDataset"], {"datasetSlug": result["createDataset"]["dataset"]["slug"], "workspaceSlug": workspace.slug}))
    return link["datasetLinkBySlug"]["dataset"]


def create_version(gql, dataset_id, name="v1"):
    result = data(gql(SDK["createDatasetVersion"], {"input": {"datasetId": dataset_id, "name": name}}))["createDatasetVersion"]
    assert result["success"], result
    return result["version"]


def upload(gql, version_id, filename, content, content_type="text/csv"):
    """What version.add_file does: an upload URL, a PUT of the bytes to it, then the file's row."""
    asked = data(gql(SDK["generateDatasetUploadUrl"], {"input": {"versionId": version_id, "contentType": content_type, "uri": filename}}))
    asked = asked["generateDatasetUploadUrl"]
    assert asked["success"], asked
    put = put_bytes(asked["uploadUrl"], content, asked["headers"])
    assert put.status_code == 201, put.content
    created = data(gql(SDK["CreateDatasetVersionFile"], {"input": {"versionId": version_id, "contentType": content_type, "uri": filename}}))
    assert created["createDatasetVersionFile"]["success"], created
    return created["createDatasetVersionFile"]["file"]


def put_bytes(url, content, headers=None):
    """A PUT with no session at all: the signed URL is the only credential."""
    parts = urlsplit(url)
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in (headers or {}).items() if k.lower() != "content-type"}
    return Client().generic(
        "PUT", parts.path, content, content_type=(headers or {}).get("Content-Type", "application/octet-stream"), **extra
    )


def get_url(url):
    return Client().get(urlsplit(url).path)


def content_of(response) -> bytes:
    """The body of a download (streamed by an async generator)."""
    async def collect():
        return b"".join([chunk async for chunk in response.streaming_content])

    return asyncio.run(collect())


# -- the SDK's documents, end to end -----------------------------------------------------------


def test_sdk_documents_create_a_dataset_a_version_and_a_file_then_read_it_back(roles, transactional_db):
    editor = as_user(roles["editor"])
    workspace = roles["workspace"]
    dataset = create_dataset(editor, workspace, "Malaria indicators", "Per district and month")
    assert dataset["slug"] == "malaria-indicators"
    assert dataset["workspace"] == {"slug": workspace.slug}
    assert dataset["latestVersion"] is None

    version = create_version(editor, dataset["id"], "2024-Q1")
    assert version["name"] == "2024-Q1" and version["description"] is None or version["description"] == ""
    file = upload(editor, version["id"], "indicators.csv", CSV)
    assert file["filename"] == "indicators.csv"
    assert file["uri"] == f"{dataset['id']}/{version['id']}/indicators.csv"
    assert file["contentType"] == "text/csv"

    by_name = data(editor(SDK["getDatasetFile"], {"versionId": version["id"], "filename": "indicators.csv"}))
    assert by_name["datasetVersion"]["fileByName"]["id"] == file["id"]
    missing = data(editor(SDK["getDatasetFile"], {"versionId": version["id"], "filename": "other.csv"}))
    assert missing["datasetVersion"]["fileByName"] is None
    files = data(editor(SDK["getDatasetFiles"], {"versionId": version["id"], "page": 1, "perPage": 50}))
    assert files["datasetVersion"]["files"] == {"items": [by_name["datasetVersion"]["fileByName"]], "totalPages": 1}
    versions = data(editor(SDK["getDatasetVersions"], {"datasetId": dataset["id"], "page": 1, "perPage": 10}))
    assert [v["name"] for v in versions["dataset"]["versions"]["items"]] == ["2024-Q1"]
    latest = data(editor(SDK["getLatestVersion"], {"datasetId": dataset["id"]}))
    assert latest["dataset"]["latestVersion"]["id"] == version["id"]
    listed = data(editor(SDK["getWorkspaceDatasets"], {"slug": workspace.slug}))
    assert [item["dataset"]["slug"] for item in listed["workspace"]["datasets"]["items"]] == ["malaria-indicators"]

    download = data(editor(SDK["getDownloadUrl"], {"input": {"fileId": file["id"]}}))["prepareVersionFileDownload"]
    assert download["success"], download
    response = get_url(download["downloadUrl"])
    assert response.status_code == 200
    assert content_of(response) == CSV
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == "attachment; filename*=UTF-8''indicators.csv"

    stored = DatasetVersionFile.objects.get(id=file["id"])
    assert stored.size == len(CSV) and stored.created_by == roles["editor"]
    size = data(editor("query($id: ID!) { datasetVersionFile(id: $id) { size createdBy { email } } }", {"id": file["id"]}))
    assert size["datasetVersionFile"] == {"size": len(CSV), "createdBy": {"email": roles["editor"].email}}


def test_a_second_version_locks_the_first_and_names_are_unique(roles, transactional_db):
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    first = create_version(editor, dataset["id"], "v1")
    create_version(editor, dataset["id"], "v2")
    again = data(editor(SDK["createDatasetVersion"], {"input": {"datasetId": dataset["id"], "name": "v2"}}))
    assert again["createDatasetVersion"] == {"version": None, "errors": ["DUPLICATE_NAME"], "success": False}
    locked = data(editor(SDK["generateDatasetUploadUrl"], {"input": {"versionId": first["id"], "contentType": "text/csv", "uri": "a.csv"}}))
    assert locked["generateDatasetUploadUrl"]["errors"] == ["LOCKED_VERSION"]
    locked = data(editor(SDK["CreateDatasetVersionFile"], {"input": {"versionId": first["id"], "contentType": "text/csv", "uri": "a.csv"}}))
    assert locked["createDatasetVersionFile"]["errors"] == ["LOCKED_VERSION"]


def test_a_file_is_written_once(roles, transactional_db, datasets_root):
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    version = create_version(editor, dataset["id"])
    input_ = {"versionId": version["id"], "contentType": "text/csv", "uri": "data.csv"}
    first = data(editor(SDK["generateDatasetUploadUrl"], {"input": input_}))["generateDatasetUploadUrl"]
    second = data(editor(SDK["generateDatasetUploadUrl"], {"input": input_}))["generateDatasetUploadUrl"]
    assert put_bytes(first["uploadUrl"], CSV, first["headers"]).status_code == 201
    replaced = put_bytes(second["uploadUrl"], b"other bytes", second["headers"])
    assert replaced.status_code == 409 and replaced.json()["errors"] == ["ALREADY_EXISTS"]
    asked = data(editor(SDK["generateDatasetUploadUrl"], {"input": input_}))["generateDatasetUploadUrl"]
    assert asked == {"uploadUrl": None, "headers": None, "success": False, "errors": ["ALREADY_EXISTS"]}
    assert data(editor(SDK["CreateDatasetVersionFile"], {"input": input_}))["createDatasetVersionFile"]["success"]
    again = data(editor(SDK["CreateDatasetVersionFile"], {"input": input_}))["createDatasetVersionFile"]
    assert again["errors"] == ["ALREADY_EXISTS"]
    stored = list(datasets_root.rglob("*"))
    assert [p.read_bytes() for p in stored if p.is_file()] == [CSV]  # no temporary file left


# -- queries: paging and search ----------------------------------------------------------------

WORKSPACE_DATASETS = """
query($slug: String!, $query: String, $page: Int, $perPage: Int) {
  workspace(slug: $slug) { datasets(query: $query, page: $page, perPage: $perPage) {
    totalItems totalPages pageNumber items { id isPinned dataset { name slug description } workspace { slug } } } }
}"""


def test_workspace_datasets_page_and_search(roles, transactional_db):
    workspace, editor = roles["workspace"], roles["editor"]
    for n in range(5):
        Dataset.objects.create_if_has_perm(editor, workspace, name=f"Survey {n}", description="household survey")
    Dataset.objects.create_if_has_perm(editor, workspace, name="Stock levels", description="Pharmacy stocks of ACTs")
    viewer = as_user(roles["viewer"])
    page = data(viewer(WORKSPACE_DATASETS, {"slug": workspace.slug, "page": 2, "perPage": 4}))["workspace"]["datasets"]
    assert (page["totalItems"], page["totalPages"], page["pageNumber"], len(page["items"])) == (6, 2, 2, 2)
    # most recently changed first: the first created are on the last page
    assert [i["dataset"]["name"] for i in page["items"]] == ["Survey 1", "Survey 0"]
    found = data(viewer(WORKSPACE_DATASETS, {"slug": workspace.slug, "query": "acts"}))["workspace"]["datasets"]
    assert [i["dataset"]["slug"] for i in found["items"]] == ["stock-levels"]
    assert found["items"][0]["workspace"] == {"slug": workspace.slug}
    by_slug = data(viewer(WORKSPACE_DATASETS, {"slug": workspace.slug, "query": "survey-3"}))["workspace"]["datasets"]
    assert by_slug["totalItems"] == 1
    everywhere = data(viewer("{ datasets(query: \"SURVEY\", perPage: 2) { totalItems totalPages items { name } } }"))
    assert everywhere["datasets"]["totalItems"] == 5 and len(everywhere["datasets"]["items"]) == 2
    bad = viewer(WORKSPACE_DATASETS, {"slug": workspace.slug, "perPage": 1000})
    assert bad["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_a_new_version_brings_its_dataset_first(roles, transactional_db):
    workspace, editor = roles["workspace"], roles["editor"]
    old = Dataset.objects.create_if_has_perm(editor, workspace, name="Old")
    Dataset.objects.create_if_has_perm(editor, workspace, name="New")
    DatasetVersion.objects.create_if_has_perm(editor, old, name="v1")
    page = data(as_user(editor)(WORKSPACE_DATASETS, {"slug": workspace.slug}))["workspace"]["datasets"]
    assert [i["dataset"]["name"] for i in page["items"]] == ["Old", "New"]


# -- permissions -------------------------------------------------------------------------------

DATASET = """
query($id: ID!) { dataset(id: $id) { name permissions { update delete createVersion }
  versions { items { id permissions { update delete download } files { items { id downloadUrl } } } } } }"""


def _dataset_with_file(roles, tmp_path):
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    version = create_version(editor, dataset["id"])
    file = upload(editor, version["id"], "indicators.csv", CSV)
    return dataset, version, file


def test_a_viewer_reads_and_downloads_but_cannot_create(roles, transactional_db, tmp_path):
    dataset, version, file = _dataset_with_file(roles, tmp_path)
    viewer = as_user(roles["viewer"])
    seen = data(viewer(DATASET, {"id": dataset["id"]}))["dataset"]
    assert seen["permissions"] == {"update": False, "delete": False, "createVersion": False}
    assert seen["versions"]["items"][0]["permissions"] == {"update": False, "delete": False, "download": True}
    assert get_url(seen["versions"]["items"][0]["files"]["items"][0]["downloadUrl"]).status_code == 200
    perms = data(viewer("query($s: String!) { workspace(slug: $s) { permissions { createDataset } } }", {"s": roles["workspace"].slug}))
    assert perms["workspace"]["permissions"] == {"createDataset": False}

    created = data(viewer(SDK["createDataset"], {"input": {"workspaceSlug": roles["workspace"].slug, "name": "x", "description": ""}}))
    assert created["createDataset"] == {"success": False, "errors": ["PERMISSION_DENIED"], "dataset": None}
    new_version = data(viewer(SDK["createDatasetVersion"], {"input": {"datasetId": dataset["id"], "name": "v2"}}))
    assert new_version["createDatasetVersion"]["errors"] == ["PERMISSION_DENIED"]
    input_ = {"versionId": version["id"], "contentType": "text/csv", "uri": "more.csv"}
    assert data(viewer(SDK["generateDatasetUploadUrl"], {"input": input_}))["generateDatasetUploadUrl"]["errors"] == ["PERMISSION_DENIED"]
    assert data(viewer(SDK["CreateDatasetVersionFile"], {"input": input_}))["createDatasetVersionFile"]["errors"] == ["PERMISSION_DENIED"]
    deleted = data(viewer("mutation($i: DeleteDatasetInput!) { deleteDataset(input: $i) { success errors } }", {"i": {"id": dataset["id"]}}))
    assert deleted["deleteDataset"]["errors"] == ["PERMISSION_DENIED"]
    assert DatasetVersion.objects.count() == 1 and Dataset.objects.count() == 1

    editor_view = data(as_user(roles["editor"])(DATASET, {"id": dataset["id"]}))["dataset"]
    assert editor_view["permissions"] == {"update": True, "delete": True, "createVersion": True}


def test_someone_outside_the_workspace_sees_nothing(roles, transactional_db, tmp_path):
    dataset, version, file = _dataset_with_file(roles, tmp_path)
    outsider = as_user(roles["outsider"])
    seen = data(outsider(
        "query($d: ID!, $v: ID!, $f: ID!, $w: String!) { dataset(id: $d) { id } datasetVersion(id: $v) { id } "
        "datasetVersionFile(id: $f) { id } datasets { totalItems } workspace(slug: $w) { slug } }",
        {"d": dataset["id"], "v": version["id"], "f": file["id"], "w": roles["workspace"].slug},
    ))
    assert seen == {"dataset": None, "datasetVersion": None, "datasetVersionFile": None, "datasets": {"totalItems": 0}, "workspace": None}
    by_slug = data(outsider(SDK["getDataset"], {"datasetSlug": dataset["slug"], "workspaceSlug": roles["workspace"].slug}))
    assert by_slug == {"datasetLinkBySlug": None}
    assert data(outsider(SDK["createDatasetVersion"], {"input": {"datasetId": dataset["id"], "name": "v9"}}))[
        "createDatasetVersion"]["errors"] == ["DATASET_NOT_FOUND"]
    input_ = {"versionId": version["id"], "contentType": "text/csv", "uri": "x.csv"}
    assert data(outsider(SDK["generateDatasetUploadUrl"], {"input": input_}))["generateDatasetUploadUrl"]["errors"] == ["VERSION_NOT_FOUND"]
    assert data(outsider(SDK["getDownloadUrl"], {"input": {"fileId": file["id"]}}))["prepareVersionFileDownload"]["errors"] == ["FILE_NOT_FOUND"]
    created = data(outsider(SDK["createDataset"], {"input": {"workspaceSlug": roles["workspace"].slug, "name": "x", "description": ""}}))
    assert created["createDataset"]["errors"] == ["WORKSPACE_NOT_FOUND"]


def test_anonymous_callers_are_refused(roles, transactional_db):
    anonymous = GraphQLClient(Client())
    result = anonymous(SDK["createDataset"], {"input": {"workspaceSlug": roles["workspace"].slug, "name": "x", "description": ""}})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert anonymous("{ datasets { totalItems } }")["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_dataset_shared_with_another_workspace_is_seen_by_its_members(roles, transactional_db, make_user):
    from hexa.datasets.models import DatasetLink
    from hexa.workspaces.models import Workspace, WorkspaceMembership

    dataset = Dataset.objects.create_if_has_perm(roles["editor"], roles["workspace"], name="Shared")
    other = Workspace.objects.create_if_has_perm(roles["admin"], name="Other")
    try:
        reader = make_user("reader@example.org")
        WorkspaceMembership.objects.create(workspace=other, user=reader, role=WorkspaceMembershipRole.VIEWER)
        client = as_user(reader)
        assert data(client(DATASET, {"id": str(dataset.id)}))["dataset"] is None
        DatasetLink.objects.create(dataset=dataset, workspace=other)
        assert data(client(DATASET, {"id": str(dataset.id)}))["dataset"]["name"] == "Shared"
        link = data(client(SDK["getDataset"], {"datasetSlug": "shared", "workspaceSlug": other.slug}))["datasetLinkBySlug"]
        assert link["dataset"]["workspace"] == {"slug": roles["workspace"].slug}
    finally:
        other.delete_if_has_perm(roles["admin"])


# -- file samples ------------------------------------------------------------------------------

SAMPLE = "query($id: ID!) { datasetVersionFile(id: $id) { fileSample { sample status statusReason } } }"


def test_file_samples_of_csv_and_parquet(roles, transactional_db, tmp_path):
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    version = create_version(editor, dataset["id"])
    csv_file = upload(editor, version["id"], "indicators.csv", CSV)
    parquet_file = upload(editor, version["id"], "monthly/cases.parquet", parquet_bytes(tmp_path, rows=80), "application/vnd.apache.parquet")
    text_file = upload(editor, version["id"], "README.md", b"# notes", "text/markdown")

    sample = data(editor(SAMPLE, {"id": csv_file["id"]}))["datasetVersionFile"]["fileSample"]
    assert sample["status"] == "FINISHED" and sample["statusReason"] is None
    assert sample["sample"] == [
        {"district": "Bo", "period": "2024-01", "confirmed_cases": 120, "positivity": 0.31},
        {"district": "Kenema", "period": "2024-01", "confirmed_cases": 98, "positivity": None},
        {"district": "Kono", "period": "2024-01", "confirmed_cases": 77, "positivity": 0.2},
    ]
    sample = data(editor(SAMPLE, {"id": parquet_file["id"]}))["datasetVersionFile"]["fileSample"]
    assert sample["status"] == "FINISHED"
    assert len(sample["sample"]) == 50  # bounded: the first rows only
    assert sample["sample"][1]["district"] == "District 1" and sample["sample"][1]["cases"] == 10
    assert sample["sample"][1]["period"].startswith("2024-02-01")
    assert parquet_file["filename"] == "cases.parquet"
    assert data(editor(SAMPLE, {"id": text_file["id"]}))["datasetVersionFile"]["fileSample"] is None
    # kept: asked again, it is not recomputed
    from hexa.datasets.models import DatasetFileSample

    assert DatasetFileSample.objects.filter(dataset_version_file_id=csv_file["id"]).count() == 1


def test_a_broken_parquet_has_a_failed_sample_not_an_error(roles, transactional_db, tmp_path):
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    version = create_version(editor, dataset["id"])
    broken = parquet_bytes(tmp_path)[:-20] + b"\x00" * 20  # a damaged footer
    file = upload(editor, version["id"], "broken.parquet", broken, "application/vnd.apache.parquet")
    not_parquet = upload(editor, version["id"], "image.parquet", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    for target in (file, not_parquet):
        result = editor(SAMPLE, {"id": target["id"]})
        sample = data(result)["datasetVersionFile"]["fileSample"]
        assert sample["status"] == "FAILED" and sample["sample"] == []
        assert sample["statusReason"] and "/proc/self/fd" not in sample["statusReason"]


def test_a_file_not_uploaded_yet_has_no_sample_and_no_download(roles, transactional_db):
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    version = create_version(editor, dataset["id"])
    created = data(editor(SDK["CreateDatasetVersionFile"], {"input": {"versionId": version["id"], "contentType": "text/csv", "uri": "later.csv"}}))
    file = created["createDatasetVersionFile"]["file"]
    seen = data(editor("query($id: ID!) { datasetVersionFile(id: $id) { size downloadUrl fileSample { status } } }", {"id": file["id"]}))
    assert seen["datasetVersionFile"] == {"size": 0, "downloadUrl": None, "fileSample": None}
    prepared = data(editor(SDK["getDownloadUrl"], {"input": {"fileId": file["id"]}}))["prepareVersionFileDownload"]
    assert prepared == {"downloadUrl": None, "success": False, "errors": ["FILE_NOT_UPLOADED"]}
    # the bytes may come after the row (upstream's web upload does so): the row gets its size
    asked = data(editor(SDK["generateDatasetUploadUrl"], {"input": {"versionId": version["id"], "contentType": "text/csv", "uri": "later.csv"}}))
    assert put_bytes(asked["generateDatasetUploadUrl"]["uploadUrl"], CSV).status_code == 201
    assert DatasetVersionFile.objects.get(id=file["id"]).size == len(CSV)


# -- hostile input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["../escape.csv", "a/../../b.csv", "..", "a//b.csv", "./a.csv", "a\\..\\b.csv", "bad\x00.csv", "tab\tname.csv",
     "x" * 300 + ".csv", "", "/", "\ud800.csv"],
)
def test_file_names_that_could_leave_the_version_are_refused(roles, transactional_db, datasets_root, name):
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    version = create_version(editor, dataset["id"])
    input_ = {"versionId": version["id"], "contentType": "text/csv", "uri": name}
    assert data(editor(SDK["generateDatasetUploadUrl"], {"input": input_}))["generateDatasetUploadUrl"]["errors"] == ["INVALID_URI"]
    assert data(editor(SDK["CreateDatasetVersionFile"], {"input": input_}))["createDatasetVersionFile"]["errors"] == ["INVALID_URI"]
    assert DatasetVersionFile.objects.count() == 0
    assert not datasets_root.exists() or not any(p.is_file() for p in datasets_root.rglob("*"))


def test_a_leading_slash_and_folders_stay_inside_the_version(roles, transactional_db, datasets_root):
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    version = create_version(editor, dataset["id"])
    file = upload(editor, version["id"], "/etc/passwd", b"not a secret")
    assert file["uri"] == f"{dataset['id']}/{version['id']}/etc/passwd" and file["filename"] == "passwd"
    assert (datasets_root / dataset["id"] / version["id"] / "etc" / "passwd").read_bytes() == b"not a secret"


def test_names_and_texts_the_database_cannot_store_are_refused(roles, transactional_db):
    editor = as_user(roles["editor"])
    for name in ("bad\x00name", "   ", "x" * 300, "\ud800"):
        result = data(editor(SDK["createDataset"], {"input": {"workspaceSlug": roles["workspace"].slug, "name": name, "description": ""}}))
        assert result["createDataset"]["errors"] == ["INVALID_NAME"]
    dataset = create_dataset(editor, roles["workspace"])
    result = data(editor("mutation($i: CreateDatasetVersionInput!) { createDatasetVersion(input: $i) { errors } }",
                         {"i": {"datasetId": dataset["id"], "name": "v1", "changelog": "a\x00b"}}))
    assert result["createDatasetVersion"]["errors"] == ["INVALID_NAME"]
    assert data(editor(DATASET, {"id": "not-a-uuid"})) == {"dataset": None}


def test_an_upload_over_the_limit_is_refused_and_nothing_is_stored(roles, transactional_db, settings, datasets_root):
    settings.DATASETS_MAX_FILE_BYTES = 1000
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    version = create_version(editor, dataset["id"])
    asked = data(editor(SDK["generateDatasetUploadUrl"], {"input": {"versionId": version["id"], "contentType": "text/csv", "uri": "big.csv"}}))
    url = asked["generateDatasetUploadUrl"]["uploadUrl"]
    refused = put_bytes(url, b"x" * 1001)
    assert refused.status_code == 413 and refused.json()["errors"] == ["FILE_TOO_LARGE"]
    # a Content-Length that lies (smaller than the body) is caught while the bytes are stored
    lying = Client().generic("PUT", urlsplit(url).path, b"x" * 5000, content_type="text/csv", CONTENT_LENGTH="10")
    assert lying.status_code in (201, 413)  # the server reads no more than it was told
    assert not any(p.is_file() and p.stat().st_size > 1000 for p in datasets_root.rglob("*"))
    no_length = Client().generic("PUT", urlsplit(url).path, b"", content_type="text/csv", CONTENT_LENGTH="")
    assert no_length.status_code == 411 and no_length.json()["errors"] == ["LENGTH_REQUIRED"]


def test_expired_and_forged_urls_are_refused(roles, transactional_db, settings):
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    version = create_version(editor, dataset["id"])
    file = upload(editor, version["id"], "a.csv", CSV)
    asked = data(editor(SDK["generateDatasetUploadUrl"], {"input": {"versionId": version["id"], "contentType": "text/csv", "uri": "b.csv"}}))
    upload_url = asked["generateDatasetUploadUrl"]["uploadUrl"]
    download_url = data(editor(SDK["getDownloadUrl"], {"input": {"fileId": file["id"]}}))["prepareVersionFileDownload"]["downloadUrl"]
    now = datetime.now(UTC)
    with freeze_time(now + timedelta(seconds=settings.DATASETS_URL_TTL_S - 60)):
        assert get_url(download_url).status_code == 200
    with freeze_time(now + timedelta(seconds=settings.DATASETS_URL_TTL_S + 2)):
        expired = put_bytes(upload_url, CSV)
        assert expired.status_code == 403 and expired.json()["errors"] == ["URL_EXPIRED"]
        expired = get_url(download_url)
        assert expired.status_code == 403 and expired.json()["errors"] == ["URL_EXPIRED"]
    assert not DatasetVersionFile.objects.filter(uri__endswith="/b.csv").exists()

    fresh = data(editor(SDK["getDownloadUrl"], {"input": {"fileId": file["id"]}}))["prepareVersionFileDownload"]["downloadUrl"]
    token = urlsplit(fresh).path.split("/")[-2]
    forged = fresh.replace(token, token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))
    assert get_url(forged).json()["errors"] == ["INVALID_SIGNATURE"]
    # a download link is no upload link (and the other way round)
    path = urlsplit(fresh).path.replace("/download/", "/upload/")
    assert Client().generic("PUT", path, CSV, content_type="text/csv").json()["errors"] == ["INVALID_SIGNATURE"]
    for junk in ("x", "a" * 3000, "%00", "%2e%2e"):
        response = Client().get(f"/datasets/download/{junk}/")
        assert response.status_code == 403 and response.json()["errors"] == ["INVALID_SIGNATURE"]
    assert Client().get("/datasets/download/..%2F..%2Fetc/").status_code == 404  # no route: never a file


def test_wrong_methods_are_refused(roles, transactional_db):
    assert Client().get("/datasets/upload/x/").status_code == 405
    assert Client().post("/datasets/download/x/").status_code == 405


def test_a_deleted_file_link_answers_not_found(roles, transactional_db):
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    version = create_version(editor, dataset["id"])
    file = upload(editor, version["id"], "a.csv", CSV)
    url = data(editor(SDK["getDownloadUrl"], {"input": {"fileId": file["id"]}}))["prepareVersionFileDownload"]["downloadUrl"]
    deleted = data(editor("mutation($i: DeleteDatasetInput!) { deleteDataset(input: $i) { success errors } }", {"i": {"id": dataset["id"]}}))
    assert deleted["deleteDataset"] == {"success": True, "errors": []}
    gone = get_url(url)
    assert gone.status_code == 404 and gone.json()["errors"] == ["NOT_FOUND"]


def test_content_types_that_are_not_content_types_are_stored_as_bytes(roles, transactional_db):
    editor = as_user(roles["editor"])
    dataset = create_dataset(editor, roles["workspace"])
    version = create_version(editor, dataset["id"])
    file = upload(editor, version["id"], "a.html", b"<script>alert(1)</script>", "text/html\r\nX-Evil: 1")
    assert file["contentType"] == "application/octet-stream"
    url = data(editor(SDK["getDownloadUrl"], {"input": {"fileId": file["id"]}}))["prepareVersionFileDownload"]["downloadUrl"]
    response = get_url(url)
    assert response["Content-Type"] == "application/octet-stream" and "X-Evil" not in response
    assert response["Content-Disposition"].startswith("attachment")
