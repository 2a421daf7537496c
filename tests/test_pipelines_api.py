"""The pipelines' GraphQL API in process: uploads, errors as data, the sandbox's absence, and the
run token's identity (its run's user, limited to its run's workspace, while the run runs)."""

import base64
import io
import json
import zipfile

import pytest
from django.conf import settings

from hexa.pipelines import sandbox
from hexa.pipelines.models import Pipeline, PipelineRun, PipelineRunStatus, PipelineVersion
from hexa.workspaces.models import WorkspaceMembership, WorkspaceMembershipRole

UPLOAD = """mutation($input: UploadPipelineInput!) {
  uploadPipeline(input: $input) { success errors details pipelineVersion { id versionNumber parameters { code type required } } }
}"""
RUN = "mutation($input: RunPipelineInput!) { runPipeline(input: $input) { success errors details run { id status } } }"
SOURCE = "from openhexa.sdk import pipeline\n\n@pipeline(name='x')\ndef x():\n    pass\n"


def _zip(files: dict) -> str:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return base64.b64encode(buffer.getvalue()).decode()


def _upload(gql, workspace, **extra):
    return gql(UPLOAD, {"input": {"workspaceSlug": workspace.slug, "pipelineCode": "extract", **extra}})["data"]["uploadPipeline"]


def test_upload_numbers_versions_and_refuses_bad_code(gql, roles):
    gql.login(roles["editor"])
    workspace = roles["workspace"]
    first = _upload(gql, workspace, zipfile=_zip({"pipeline.py": SOURCE}), parameters=[{"code": "period", "type": "str"}])
    second = _upload(gql, workspace, files=[{"path": "pipeline.py", "content": SOURCE}], timeout=60)
    assert first["success"] and second["success"]
    assert (first["pipelineVersion"]["versionNumber"], second["pipelineVersion"]["versionNumber"]) == (1, 2)
    assert first["pipelineVersion"]["parameters"] == [{"code": "period", "type": "str", "required": True}]
    for bad in (
        {"zipfile": "not base64!"},
        {"zipfile": _zip({"other.py": SOURCE})},
        {"zipfile": base64.b64encode(b"not a zip").decode()},
        {"files": [{"path": "../pipeline.py", "content": SOURCE}]},
        {"zipfile": _zip({"pipeline.py": SOURCE}), "files": [{"path": "pipeline.py", "content": SOURCE}]},
    ):
        result = _upload(gql, workspace, **bad)
        assert result["success"] is False and result["errors"] == ["INVALID_VERSION_FILES"], bad
    assert _upload(gql, workspace, files=[{"path": "pipeline.py", "content": SOURCE}], timeout=0)["errors"] == [
        "INVALID_TIMEOUT_VALUE"
    ]
    assert _upload(gql, workspace, files=[{"path": "pipeline.py", "content": SOURCE}],
                   parameters=[{"code": "p", "type": "nonsense"}])["errors"] == ["INVALID_CONFIG"]
    assert PipelineVersion.objects.filter(pipeline__code="extract").count() == 2
    unknown = gql(UPLOAD, {"input": {"workspaceSlug": "nowhere", "pipelineCode": "x", "zipfile": _zip({"pipeline.py": SOURCE})}})
    assert unknown["data"]["uploadPipeline"]["errors"] == ["WORKSPACE_NOT_FOUND"]


def test_pipelines_are_listed_searched_and_hidden_from_outsiders(gql, roles):
    gql.login(roles["editor"])
    _upload(gql, roles["workspace"], files=[{"path": "pipeline.py", "content": SOURCE}], name="Monthly extract")
    query = "query($s: String) { pipelines(workspaceSlug: \"%s\", search: $s) { totalItems items { code name currentVersion { versionNumber } } } }" % roles["workspace"].slug
    assert gql(query, {"s": "monthly"})["data"]["pipelines"] == {
        "totalItems": 1, "items": [{"code": "extract", "name": "Monthly extract", "currentVersion": {"versionNumber": 1}}]
    }
    assert gql(query, {"s": "nothing"})["data"]["pipelines"]["totalItems"] == 0
    gql.login(roles["outsider"])
    assert gql(query, {"s": None})["data"]["pipelines"]["totalItems"] == 0


def test_runs_are_refused_where_they_cannot_be_isolated_unless_allowed(gql, roles, monkeypatch):
    gql.login(roles["editor"])
    version_id = _upload(gql, roles["workspace"], files=[{"path": "pipeline.py", "content": SOURCE}])["pipelineVersion"]["id"]
    pipeline = PipelineVersion.objects.get(pk=version_id).pipeline
    monkeypatch.setenv("PATH", "/nonexistent")  # no bwrap to be found
    sandbox.isolation_problem.cache_clear()
    try:
        refused = gql(RUN, {"input": {"id": str(pipeline.pk), "config": {}}})["data"]["runPipeline"]
        assert refused["errors"] == ["SANDBOX_UNAVAILABLE"] and "bubblewrap" in refused["details"]
        assert not PipelineRun.objects.exists()
        monkeypatch.setattr(settings, "PIPELINE_RUNS_UNSANDBOXED", True)
        allowed = gql(RUN, {"input": {"id": str(pipeline.pk), "config": {}}})["data"]["runPipeline"]
        assert allowed["success"] and allowed["run"]["status"] == "queued"
    finally:
        monkeypatch.undo()
        sandbox.isolation_problem.cache_clear()


def _running_run(roles, status=PipelineRunStatus.RUNNING):
    pipeline = Pipeline.objects.create(workspace=roles["workspace"], code="p", name="p")
    version = PipelineVersion.objects.create(pipeline=pipeline, version_number=1, zipfile=b"zip", parameters=[])
    run = PipelineRun(pipeline=pipeline, version=version, user=roles["editor"], timeout=60, status=status)
    token = run.new_token()
    run.save()
    return run, token


def _as_run(gql, token, query, variables=None):
    response = gql.client.post(
        "/graphql/", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    return response.json()


def test_a_run_token_acts_as_its_user_within_its_workspace_only(gql, roles, make_workspace):
    # the editor is also an admin of another workspace: the run's token must not reach it
    other = make_workspace(roles["outsider"], name="Elsewhere")
    WorkspaceMembership.objects.create(workspace=other, user=roles["editor"], role=WorkspaceMembershipRole.ADMIN)
    run, token = _running_run(roles)
    seen = _as_run(gql, token, "query($a: String!, $b: String!) { a: workspace(slug: $a) { slug } b: workspace(slug: $b) { slug } workspaces { totalItems } }",
                   {"a": roles["workspace"].slug, "b": other.slug})["data"]
    assert seen == {"a": {"slug": roles["workspace"].slug}, "b": None, "workspaces": {"totalItems": 1}}
    code = _as_run(gql, token, "query($id: UUID!) { pipelineRun(id: $id) { code } }", {"id": str(run.pk)})
    assert base64.b64decode(code["data"]["pipelineRun"]["code"]) == b"zip"
    logged = _as_run(gql, token, 'mutation { logPipelineMessage(input: {priority: ERROR, message: "boom"}) { success errors } }')
    assert logged["data"]["logPipelineMessage"] == {"success": True, "errors": []}
    progress = _as_run(gql, token, "mutation { updatePipelineProgress(input: {percent: 140}) { success } }")
    assert progress["data"]["updatePipelineProgress"]["success"]
    beat = _as_run(gql, token, "mutation { updatePipelineHeartbeat { success errors } }")
    assert beat["data"]["updatePipelineHeartbeat"] == {"success": True, "errors": []}
    missing = _as_run(gql, token, 'mutation { addPipelineOutput(input: {uri: "gs://elsewhere/x.csv", type: "file", name: "x"}) { success errors } }')
    assert missing["data"]["addPipelineOutput"] == {"success": False, "errors": ["FILE_NOT_FOUND"]}
    run.refresh_from_db()
    assert [m["message"] for m in run.messages] == ["boom"] and run.progress == 100 and run.sdk_heartbeat_at
    # a finished run's token is worth nothing, and a wrong one neither, whatever the session says
    gql.login(roles["editor"])
    PipelineRun.objects.filter(pk=run.pk).update(status=PipelineRunStatus.SUCCESS)
    for bad in (token, "not-a-token"):
        refused = _as_run(gql, bad, "mutation { updatePipelineHeartbeat { success } }")
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_a_user_session_cannot_send_a_runs_mutations(gql, roles):
    _running_run(roles)
    gql.login(roles["editor"])
    result = gql('mutation { logPipelineMessage(input: {priority: INFO, message: "x"}) { success errors } }')
    assert result["data"]["logPipelineMessage"] == {"success": False, "errors": ["PERMISSION_DENIED"]}


def test_messages_are_bounded(gql, roles, settings):
    settings.PIPELINE_RUN_MAX_MESSAGES = 3
    run, token = _running_run(roles)
    for i in range(6):
        _as_run(gql, token, "mutation($m: String!) { logPipelineMessage(input: {priority: INFO, message: $m}) { success } }", {"m": f"m{i}"})
    run.refresh_from_db()
    assert [m["message"] for m in run.messages][:2] == ["m0", "m1"]
    assert len(run.messages) == 3 and "limit" in run.messages[2]["message"]


@pytest.mark.parametrize("status", [PipelineRunStatus.QUEUED, PipelineRunStatus.SUCCESS])
def test_stop_of_a_queued_run_stops_it_and_of_a_finished_one_is_refused(gql, roles, status):
    run, _ = _running_run(roles, status=status)
    gql.login(roles["editor"])
    result = gql("mutation($id: UUID!) { stopPipeline(input: {runId: $id}) { success errors } }", {"id": str(run.pk)})["data"]["stopPipeline"]
    run.refresh_from_db()
    if status == PipelineRunStatus.QUEUED:
        assert result == {"success": True, "errors": []} and run.status == PipelineRunStatus.STOPPED
    else:
        assert result == {"success": False, "errors": ["PIPELINE_ALREADY_COMPLETED"]}


CONNECTION = """query($w: String!, $c: String!) { connectionBySlug(workspaceSlug: $w, connectionSlug: $c) {
  slug fields { code value secret } } }"""


def _connection(workspace, user, slug, password):
    from hexa.workspaces.models import Connection

    return Connection.objects.create_if_has_perm(
        user, workspace, name=slug, slug=slug, connection_type="DHIS2",
        fields=[{"code": "url", "value": "http://dhis2.test", "secret": False},
                {"code": "password", "value": password, "secret": True}],
    )


def test_a_run_token_reads_its_workspaces_connections_with_their_secrets_and_no_others(gql, roles, make_workspace):
    # the run's user is an admin of another workspace, whose connection the run must not reach
    other = make_workspace(roles["outsider"], name="Elsewhere")
    WorkspaceMembership.objects.create(workspace=other, user=roles["editor"], role=WorkspaceMembershipRole.ADMIN)
    _connection(roles["workspace"], roles["editor"], "dhis2-here", "here-secret")
    _connection(other, roles["editor"], "dhis2-there", "there-secret")
    _, token = _running_run(roles)
    here = _as_run(gql, token, CONNECTION, {"w": roles["workspace"].slug, "c": "dhis2-here"})["data"]["connectionBySlug"]
    assert {f["code"]: f["value"] for f in here["fields"]} == {"url": "http://dhis2.test", "password": "here-secret"}
    there = _as_run(gql, token, CONNECTION, {"w": other.slug, "c": "dhis2-there"})
    assert there["data"]["connectionBySlug"] is None and "there-secret" not in json.dumps(there)
    listed = _as_run(gql, token, "query($w: String!) { workspace(slug: $w) { connections { slug } } }", {"w": other.slug})
    assert listed["data"]["workspace"] is None


def test_a_run_whose_user_lost_the_editor_role_gets_no_secret_value(gql, roles):
    _connection(roles["workspace"], roles["editor"], "dhis2-here", "here-secret")
    _, token = _running_run(roles)
    WorkspaceMembership.objects.filter(workspace=roles["workspace"], user=roles["editor"]).update(
        role=WorkspaceMembershipRole.VIEWER
    )
    seen = _as_run(gql, token, CONNECTION, {"w": roles["workspace"].slug, "c": "dhis2-here"})["data"]["connectionBySlug"]
    assert {f["code"]: f["value"] for f in seen["fields"]} == {"url": "http://dhis2.test", "password": None}


CREATE_VERSION = """mutation($id: ID!, $name: String!) { createDatasetVersion(input: {datasetId: $id, name: $name}) {
  success errors version { id } } }"""


def test_a_dataset_version_a_run_creates_is_one_of_its_outputs_and_other_workspaces_datasets_are_not_found(
    gql, roles, make_workspace
):
    from hexa.datasets.models import Dataset

    other = make_workspace(roles["outsider"], name="Elsewhere")
    WorkspaceMembership.objects.create(workspace=other, user=roles["editor"], role=WorkspaceMembershipRole.ADMIN)
    mine = Dataset.objects.create_if_has_perm(roles["editor"], roles["workspace"], name="Indicators")
    theirs = Dataset.objects.create_if_has_perm(roles["editor"], other, name="Their indicators")
    run, token = _running_run(roles)
    created = _as_run(gql, token, CREATE_VERSION, {"id": str(mine.pk), "name": "From the run"})
    created = created["data"]["createDatasetVersion"]
    assert created["success"], created
    refused = _as_run(gql, token, CREATE_VERSION, {"id": str(theirs.pk), "name": "Elsewhere"})
    assert refused["data"]["createDatasetVersion"] == {"success": False, "errors": ["DATASET_NOT_FOUND"], "version": None}
    twice = _as_run(gql, token, CREATE_VERSION, {"id": str(mine.pk), "name": "From the run"})
    assert twice["data"]["createDatasetVersion"]["errors"] == ["DUPLICATE_NAME"]
    run.refresh_from_db()
    assert run.outputs == [
        {"type": "datasetVersion", "uri": f"dataset-version://{created['version']['id']}", "name": "Indicators — From the run"}
    ]
    # a member's own session creates versions that are nobody's output
    gql.login(roles["editor"])
    assert gql(CREATE_VERSION, {"id": str(mine.pk), "name": "By hand"})["data"]["createDatasetVersion"]["success"]
    run.refresh_from_db()
    assert len(run.outputs) == 1
