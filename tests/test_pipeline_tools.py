"""The assistant's pipeline tools in a turn (run in the test's thread, against the fake
Messages API): list_pipelines and get_pipeline_run, run_pipeline held for approval with its
config checked first, the wait for the run settled by the run's end (the pipelines' own
`_finish`, which announces it), expired, or ended by Stop; a viewer is never offered the tool.
Runs really running in the sandbox: tests/test_pipeline_turns_live.py."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from hexa.assistant import approvals
from hexa.assistant.local_model import text_reply, tool_reply
from hexa.assistant.models import Conversation, Message, ToolExecution, UsageRecord
from hexa.assistant.pipeline_waits import sweep
from hexa.assistant.service import send_message
from hexa.assistant.tool_executors import run_tool
from hexa.pipelines.models import Pipeline, PipelineRun, PipelineVersion
from hexa.pipelines.outputs import add_output
from hexa.pipelines.runner import _finish
from hexa.workspaces.models import Connection, ConnectionType

from .support.models import TEST_MODEL

PARAMETERS = [
    {"code": "dhis2", "type": "dhis2", "name": "DHIS2 connection", "required": True},
    {"code": "period", "type": "str", "name": "Period (YYYYMM)", "default": "202410", "required": True},
    {"code": "level", "type": "int", "name": "Level", "choices": [2, 3], "default": 2, "required": False},
]
EXTRACT = {"pipeline_code": "extract", "config": {"dhis2": "national", "period": "202411"}}


@pytest.fixture
def pipeline(roles):
    workspace = roles["workspace"]
    Connection.objects.create(workspace=workspace, name="National", slug="national", connection_type=ConnectionType.DHIS2)
    pipeline = Pipeline.objects.create(workspace=workspace, code="extract", name="Extract", description="A month of DHIS2.")
    PipelineVersion.objects.create(pipeline=pipeline, version_number=1, name="First", zipfile=b"", parameters=PARAMETERS[:2])
    PipelineVersion.objects.create(pipeline=pipeline, version_number=2, name="", zipfile=b"", parameters=PARAMETERS)
    return pipeline


def requests(model):
    return [r["body"] for r in model.server.requests]


def tool_result(body) -> dict:
    """The last tool result the model was sent, parsed."""
    block = [b for b in body["messages"][-1]["content"] if b.get("type") == "tool_result"][-1]
    return json.loads(block["content"])


def held(conversation, name="run_pipeline") -> ToolExecution:
    return ToolExecution.objects.get(conversation=conversation, name=name)


def test_list_pipelines_gives_parameters_connections_and_last_runs(roles, pipeline):
    run = PipelineRun.objects.create(pipeline=pipeline, version=pipeline.last_version, user=roles["editor"], timeout=60, status="failed")
    listed = run_tool(roles["viewer"], roles["workspace"], "list_pipelines", {})
    assert listed["count"] == 1 and listed["can_run"] is False
    (found,) = listed["pipelines"]
    assert found["code"] == "extract" and found["current_version"]["number"] == 2 and found["current_version"]["name"] == "v2"
    dhis2, period, level = found["current_version"]["parameters"]
    assert dhis2 == {"code": "dhis2", "name": "DHIS2 connection", "type": "dhis2", "required": True, "multiple": False,
                     "connection_type": "DHIS2", "connections": ["national"]}
    assert period["default"] == "202410" and level["choices"] == [2, 3] and level["required"] is False
    assert found["last_runs"][0]["run_id"] == str(run.pk) and found["last_runs"][0]["status"] == "failed"
    assert run_tool(roles["editor"], roles["workspace"], "list_pipelines", {"search": "nothing"})["pipelines"] == []
    assert run_tool(roles["outsider"], roles["workspace"], "list_pipelines", {})["error"]["code"] == "PERMISSION_DENIED"


def test_get_pipeline_run_tells_why_runs_failed_with_outputs_named_for_the_other_tools(roles, pipeline):
    workspace = roles["workspace"]
    now = timezone.now()
    failed = PipelineRun.objects.create(
        pipeline=pipeline, version=pipeline.last_version, user=roles["editor"], timeout=60, status="failed",
        messages=[{"priority": "ERROR", "message": "DHIS2 answered 409"}], logs="\n".join(f"line {i}" for i in range(100)),
        execution_date=now, duration=timedelta(seconds=12),
    )
    old = PipelineRun.objects.create(pipeline=pipeline, version=pipeline.last_version, timeout=60, status="failed")
    PipelineRun.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=10))
    ok = PipelineRun.objects.create(pipeline=pipeline, version=pipeline.last_version, timeout=60, status="success")
    add_output(ok.pk, "db", "postgresql://x/dhis2_monthly_values", "dhis2_monthly_values")
    add_output(ok.pk, "file", f"gs://{workspace.bucket_name}/dhis2/analytics_202411.csv", "analytics_202411.csv")

    week = run_tool(roles["viewer"], workspace, "get_pipeline_run", {"status": "failed", "since_days": 7})
    assert week["total"] == 1
    (run,) = week["runs"]
    assert run["run_id"] == str(failed.pk) and run["duration_s"] == 12.0
    assert run["messages"] == [{"priority": "ERROR", "message": "DHIS2 answered 409"}]
    assert run["log_tail"].splitlines() == [f"line {i}" for i in range(60, 100)]
    outputs = run_tool(roles["viewer"], workspace, "get_pipeline_run", {"run_id": str(ok.pk)})["run"]["outputs"]
    assert outputs == [
        {"type": "table", "table": "dhis2_monthly_values", "read_with": "query_database"},
        {"type": "file", "path": "dhis2/analytics_202411.csv", "read_with": "read_file, query_files"},
    ]
    assert run_tool(roles["viewer"], workspace, "get_pipeline_run", {"run_id": "not-a-uuid"})["error"]["code"] == "NOT_FOUND"
    assert run_tool(roles["viewer"], workspace, "get_pipeline_run", {"status": "broken"})["error"]["code"] == "INVALID_INPUT"
    other = run_tool(roles["outsider"], workspace, "get_pipeline_run", {"run_id": str(ok.pk)})
    assert other["error"]["code"] == "PERMISSION_DENIED"


def test_a_viewer_is_never_offered_run_pipeline_nor_stop_pipeline_run(model, roles, pipeline):
    model.script(text_reply("Only looking."), text_reply("Looking too."))
    viewer = Conversation.objects.create(user=roles["viewer"], workspace=roles["workspace"], model=TEST_MODEL)
    editor = Conversation.objects.create(user=roles["editor"], workspace=roles["workspace"], model=TEST_MODEL)
    send_message(roles["viewer"], viewer.id, "Refresh the extract")
    send_message(roles["editor"], editor.id, "Refresh the extract")
    offered = [{tool["name"] for tool in body["tools"]} for body in requests(model)]
    assert {"list_pipelines", "get_pipeline_run"} <= offered[0] and not {"run_pipeline", "stop_pipeline_run"} & offered[0]
    assert {"run_pipeline", "stop_pipeline_run"} <= offered[1]
    # called anyway (the model cannot, but an input can say anything): refused, nothing held
    assert run_tool(roles["viewer"], roles["workspace"], "run_pipeline", EXTRACT)["error"]["code"] == "PERMISSION_DENIED"


def test_an_invalid_config_goes_back_to_the_model_and_no_card_is_shown(model, roles, pipeline, conversation):
    model.script(
        tool_reply([("run_pipeline", {"pipeline_code": "extract", "config": {"period": 202411, "level": 4}})]),
        tool_reply([("run_pipeline", {"pipeline_code": "nope", "config": {}})]),
        text_reply("I could not propose it."),
    )
    result = send_message(roles["editor"], conversation.id, "Refresh the extract")
    assert result.message.status == "COMPLETE"
    first, second = requests(model)[1:3]
    assert tool_result(first)["error"]["code"] == "INVALID_CONFIG"
    assert "dhis2: a value is required" in tool_result(first)["error"]["message"]
    assert tool_result(second)["error"]["code"] == "NOT_FOUND" and "extract" in tool_result(second)["error"]["message"]
    assert not ToolExecution.objects.filter(conversation=conversation, status="PENDING_APPROVAL").exists()
    assert not PipelineRun.objects.exists()


def test_a_rejected_run_is_not_run_and_the_model_is_told(model, roles, pipeline, conversation):
    model.script(tool_reply([("run_pipeline", EXTRACT)]), text_reply("Fine, I will not run it."))
    result = send_message(roles["editor"], conversation.id, "Refresh the extract for 2024-11")
    assert result.message.status == "WAITING"
    call = held(conversation)
    assert call.status == "PENDING_APPROVAL"
    assert call.proposal["version"] == {"id": str(pipeline.last_version.pk), "number": 2, "name": "v2"}
    assert call.proposal["config"] == {"dhis2": "national", "period": "202411", "level": 2}  # defaults shown too
    execution, error = approvals.reject(roles["editor"], call.id, "Not now")
    assert error is None and execution.status == "REJECTED"
    assert not PipelineRun.objects.exists()
    told = tool_result(requests(model)[1])
    assert told["status"] == "rejected" and 'Their reason: "Not now"' in told["message"]
    assert Message.objects.get(pk=result.message.pk).status == "COMPLETE"


def test_an_approved_run_is_waited_for_and_its_end_resumes_the_turn_billed_once_per_call(model, roles, pipeline, conversation, settings, django_capture_on_commit_callbacks):
    settings.PIPELINE_RUNS_UNSANDBOXED = True  # nothing runs here: no worker takes the queued run
    model.script(
        tool_reply([("run_pipeline", EXTRACT)]),
        tool_reply([("query_database", {"query": "SELECT 16 AS districts"})]),
        text_reply("The extract ran: 16 districts."),
    )
    result = send_message(roles["editor"], conversation.id, "Refresh the extract for 2024-11, then count")
    call = held(conversation)
    execution, error = approvals.approve(roles["editor"], call.id)
    assert error is None and execution.status == "AWAITING_RUN"
    run = PipelineRun.objects.get()
    assert run.config == {"dhis2": "national", "period": "202411", "level": 2} and run.user == roles["editor"]
    assert execution.proposal["run_id"] == str(run.pk)
    message = Message.objects.get(pk=result.message.pk)
    assert message.status == "WAITING" and len(model.server.requests) == 1  # no model call while it runs
    assert message.waiting_expires_at >= timezone.now() + timedelta(seconds=settings.ASSISTANT_PIPELINE_WAIT_S - 60)

    add_output(run.pk, "db", "postgresql://x/dhis2_monthly_values", "dhis2_monthly_values")
    with django_capture_on_commit_callbacks(execute=True):  # run_finished is sent once its run is written
        _finish(run.pk, "success")  # as the pipelines worker ends a run: run_finished resumes the turn

    message.refresh_from_db()
    assert message.status == "COMPLETE" and message.text.endswith("The extract ran: 16 districts.")
    told = tool_result(requests(model)[1])
    assert told["status"] == "success" and told["run"]["outputs"][0]["table"] == "dhis2_monthly_values"
    assert held(conversation).status == "COMPLETED"
    # one turn, three model calls, each billed once
    assert Message.objects.filter(conversation=conversation, role="assistant").count() == 1
    assert UsageRecord.objects.filter(message_uuid=message.pk, kind="MODEL_CALL").count() == 3 == message.model_calls


def test_a_failed_run_is_told_with_its_messages_and_log_tail(model, roles, pipeline, conversation, settings, django_capture_on_commit_callbacks):
    settings.PIPELINE_RUNS_UNSANDBOXED = True
    model.script(tool_reply([("run_pipeline", EXTRACT)]), text_reply("It failed: DHIS2 refused the period."))
    send_message(roles["editor"], conversation.id, "Refresh the extract for 2024-11")
    approvals.approve(roles["editor"], held(conversation).id)
    run = PipelineRun.objects.get()
    PipelineRun.objects.filter(pk=run.pk).update(logs="Traceback (most recent call last):\nRuntimeError: DHIS2 answered 409\n")
    with django_capture_on_commit_callbacks(execute=True):
        _finish(run.pk, "failed", "The run's process exited with code 1.")
    told = tool_result(requests(model)[1])
    assert told["status"] == "failed" and told["run"]["log_tail"].endswith("RuntimeError: DHIS2 answered 409")
    assert told["run"]["messages"][-1] == {"priority": "ERROR", "message": "The run's process exited with code 1."}
    assert held(conversation).status == "FAILED"


def test_past_the_wait_the_model_is_told_the_run_is_still_going(model, roles, pipeline, conversation, settings):
    settings.PIPELINE_RUNS_UNSANDBOXED = True
    settings.ASSISTANT_PIPELINE_WAIT_S = 0
    model.script(tool_reply([("run_pipeline", EXTRACT)]), text_reply("It is still running; I will check later."))
    send_message(roles["editor"], conversation.id, "Refresh the extract for 2024-11")
    approvals.approve(roles["editor"], held(conversation).id)
    assert sweep() == 1  # the workers' recovery
    told = tool_result(requests(model)[1])
    assert told["status"] == "queued" and "still going" in told["message"] and told["run"]["run_id"]
    assert PipelineRun.objects.get().status == "queued"  # the run itself goes on
    assert Message.objects.get(conversation=conversation, role="assistant").status == "COMPLETE"
    assert sweep() == 0


def test_stop_ends_the_wait_not_the_run(model, roles, pipeline, conversation, settings, gql):
    settings.PIPELINE_RUNS_UNSANDBOXED = True
    model.script(tool_reply([("run_pipeline", EXTRACT)]))
    send_message(roles["editor"], conversation.id, "Refresh the extract for 2024-11")
    approvals.approve(roles["editor"], held(conversation).id)
    gql.login(roles["editor"])
    stopped = gql("mutation($id: UUID!) { cancelAssistantRun(conversationId: $id) { success errors } }", {"id": str(conversation.id)})
    assert stopped["data"]["cancelAssistantRun"] == {"success": True, "errors": []}
    message = Message.objects.get(conversation=conversation, role="assistant")
    assert message.status == "COMPLETE" and len(model.server.requests) == 1
    call = held(conversation)
    assert call.status == "COMPLETED" and "stopped waiting" in call.output["message"]
    assert message.content[-1]["content"][0]["tool_use_id"] == call.tool_use_id  # the history stays whole
    assert PipelineRun.objects.get().status == "queued"
    again = gql("mutation($id: UUID!) { cancelAssistantRun(conversationId: $id) { success errors } }", {"id": str(conversation.id)})
    assert again["data"]["cancelAssistantRun"]["errors"] == ["NOT_RUNNING"]


def test_stop_pipeline_run_is_made_only_once_approved(model, roles, pipeline, conversation):
    run = PipelineRun.objects.create(pipeline=pipeline, version=pipeline.last_version, user=roles["editor"], timeout=60)
    model.script(tool_reply([("stop_pipeline_run", {"run_id": str(run.pk)})]), text_reply("Stopped."))
    send_message(roles["editor"], conversation.id, "Stop the extract")
    call = held(conversation, "stop_pipeline_run")
    assert call.status == "PENDING_APPROVAL" and call.proposal["action"] == "STOP"
    run.refresh_from_db()
    assert run.status == "queued"
    execution, error = approvals.approve(roles["editor"], call.id)
    assert error is None and execution.status == "APPROVED"
    run.refresh_from_db()
    assert run.status == "stopped" and run.stopped_by == roles["editor"]


RUN_QUERY = """query($id: UUID!) { assistantPipelineRun(toolExecutionId: $id) {
  status progress pipelineCode messages { priority message } outputs } }"""


def test_the_page_follows_the_run_of_its_own_calls_only(model, roles, pipeline, conversation, settings, gql):
    settings.PIPELINE_RUNS_UNSANDBOXED = True
    model.script(tool_reply([("run_pipeline", EXTRACT)]))
    send_message(roles["editor"], conversation.id, "Refresh the extract for 2024-11")
    call = held(conversation)
    gql.login(roles["editor"])
    assert gql(RUN_QUERY, {"id": str(call.id)})["data"]["assistantPipelineRun"] is None  # no run before approval
    approvals.approve(roles["editor"], call.id)
    run = PipelineRun.objects.get()
    PipelineRun.objects.filter(pk=run.pk).update(status="running", progress=40, messages=[{"priority": "INFO", "message": "halfway"}])
    add_output(run.pk, "db", "postgresql://x/dhis2_monthly_values", "dhis2_monthly_values")
    followed = gql(RUN_QUERY, {"id": str(call.id)})["data"]["assistantPipelineRun"]
    assert followed == {
        "status": "running", "progress": 40, "pipelineCode": "extract",
        "messages": [{"priority": "INFO", "message": "halfway"}],
        "outputs": [{"type": "table", "table": "dhis2_monthly_values", "read_with": "query_database"}],
    }
    gql.client.logout()
    gql.login(roles["admin"])  # another member, even an admin, does not see someone else's call
    assert gql(RUN_QUERY, {"id": str(call.id)})["data"]["assistantPipelineRun"] is None


def test_a_workspace_without_pipelines_is_not_offered_the_pipeline_tools(model, roles, conversation):
    model.script(text_reply("Hello."))
    send_message(roles["editor"], conversation.id, "Hello")
    offered = {tool["name"] for tool in requests(model)[0]["tools"]}
    assert "query_database" in offered and not {"list_pipelines", "run_pipeline", "get_pipeline_run", "stop_pipeline_run"} & offered


def test_datasets_and_connections_are_offered_and_told_only_where_the_workspace_has_them(model, roles, conversation):
    from hexa.datasets.models import Dataset

    workspace_tools = {"list_datasets", "list_connections", "query_dhis2"}
    model.script(text_reply("Hello."), text_reply("Hello again."), text_reply("And again."))
    send_message(roles["editor"], conversation.id, "Hello")
    first = requests(model)[-1]
    assert not workspace_tools & {tool["name"] for tool in first["tools"]}
    assert "list_datasets" not in first["system"][0]["text"] and "bucket and database" in first["system"][0]["text"]

    Dataset.objects.create_if_has_perm(roles["editor"], roles["workspace"], name="Malaria indicators")
    Connection.objects.create(workspace=roles["workspace"], name="Pg", slug="pg", connection_type=ConnectionType.POSTGRESQL)
    send_message(roles["editor"], conversation.id, "Hello again")
    second = requests(model)[-1]
    assert workspace_tools & {tool["name"] for tool in second["tools"]} == {"list_datasets", "list_connections"}
    assert "list_datasets" in second["system"][0]["text"] and "datasets and connections" in second["system"][0]["text"]

    Connection.objects.create(workspace=roles["workspace"], name="National", slug="national", connection_type=ConnectionType.DHIS2)
    send_message(roles["editor"], conversation.id, "And again")
    assert workspace_tools <= {tool["name"] for tool in requests(model)[-1]["tools"]}
