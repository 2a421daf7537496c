from ariadne import QueryType

from hexa.pipelines.models import PipelineRun

from ..executors.pipelines import run_view
from ..models import ToolExecution
from ..pipeline_waits import PIPELINE_TOOLS
from ..sharing import viewable_conversation

assistant_queries = QueryType()


@assistant_queries.field("assistantConversation")
def resolve_conversation(_, info, id):
    return viewable_conversation(info.context["request"].user, id)


LATEST_MESSAGES = 5


@assistant_queries.field("assistantPipelineRun")
def resolve_pipeline_run(_, info, tool_execution_id):
    user = info.context["request"].user
    execution = (
        ToolExecution.objects.filter_for_user(user).select_related("conversation")
        .filter(pk=tool_execution_id, name__in=PIPELINE_TOOLS).first()
    )
    run_id = (execution.proposal or {}).get("run_id") if execution else None
    if run_id is None or not user.has_perm("assistant.view_conversation", execution.conversation):
        return None
    run = PipelineRun.objects.select_related("pipeline__workspace", "version", "user").filter(
        pk=run_id, pipeline__workspace_id=execution.conversation.workspace_id
    ).first()
    if run is None:
        return None
    view = run_view(run)
    return {
        "id": run.pk, "pipeline_code": view["pipeline_code"], "pipeline_name": view["pipeline_name"], "status": run.status,
        "progress": run.progress, "duration_s": view["duration_s"], "messages": view["messages"][-LATEST_MESSAGES:],
        "outputs": view["outputs"],
    }


bindables = [assistant_queries]
