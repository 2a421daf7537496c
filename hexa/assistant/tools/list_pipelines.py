"""The `list_pipelines` tool: the workspace's pipelines, their parameters and last runs."""

from ..executors.pipelines import UserPipelineTools
from .arguments import Arguments, Field
from ..workspace_sources import PIPELINES
from .base import Tool

DESCRIPTION = (
    "List the workspace's pipelines (OpenHEXA data pipelines written with the openhexa-sdk): code, name, "
    "description, schedule, the current version with each parameter (code, type, whether it is required, "
    "choices, default; for a connection parameter its connection_type and the workspace's connections of "
    "that type, whose slugs are its values) and the last runs. `can_run` says whether the user may run them "
    "(run_pipeline). Optional `search` filters by code or name."
)


class ListPipelinesArguments(Arguments):
    search: str | None = Field(None, description="Part of a pipeline's code or name.")


TOOL = Tool(
    name="list_pipelines",
    description=DESCRIPTION,
    arguments=ListPipelinesArguments,
    executor=UserPipelineTools,
    offered_if=PIPELINES,
)
