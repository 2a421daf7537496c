"""The `stop_pipeline_run` tool: a stop proposed to the user, made once approved."""

from ..executors.pipelines import UserPipelineTools
from .arguments import Arguments, Field
from ..workspace_sources import PIPELINES
from .base import Tool

DESCRIPTION = (
    "Stop a queued or running pipeline run (its id: get_pipeline_run). Nothing is stopped until the user "
    "approves; the decision is this call's result. Only editors and admins may stop runs. "
    'Example: {"run_id": "…"}.'
)


class StopPipelineRunArguments(Arguments):
    run_id: str = Field(description="The run's id.")


TOOL = Tool(
    name="stop_pipeline_run",
    description=DESCRIPTION,
    arguments=StopPipelineRunArguments,
    executor=UserPipelineTools,
    offered_if=PIPELINES,
    awaits="pipeline_stop",
    offered_only_with_permission=True,
)
