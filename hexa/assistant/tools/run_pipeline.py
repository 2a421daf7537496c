"""The `run_pipeline` tool: a run proposed to the user; once approved the turn waits for it."""

from django.conf import settings

from ..executors.pipelines import UserPipelineTools
from .arguments import Arguments, Field, JsonObject
from ..workspace_sources import PIPELINES
from .base import Tool


def _description() -> str:
    minutes = settings.ASSISTANT_PIPELINE_WAIT_S / 60
    return (
        "Run one of the workspace's pipelines (list_pipelines gives their codes and parameters). Nothing runs "
        "until the user approves: the config is checked against the version's parameters first "
        "(INVALID_CONFIG says what is wrong: fix it and call again), then the user sees the pipeline, its "
        "version and each parameter and decides. Once approved, this turn waits for the run to end "
        f"(at most {minutes:g} minutes) and the result is the run: status, duration, messages, the end of its "
        "logs and its outputs, named so that you can read them next (a `table` with query_database, a `path` "
        "with read_file or query_files). If the wait ends first, you are told the run is still going "
        "(get_pipeline_run follows it up). A rejected run is not run: say so and do not retry unless asked. "
        "Only editors and admins may run pipelines. "
        'Example: {"pipeline_code": "dhis2-monthly-extract", "config": {"dhis2": "dhis2-demo", "period": "202411"}}.'
    )


class RunPipelineArguments(Arguments):
    pipeline_code: str = Field(description="The pipeline's code (list_pipelines).")
    config: JsonObject = Field(description="A value for each parameter, by its code (defaults apply to those left out).")
    version_id: str | None = Field(None, description="A version's id; the current version when left out.")


TOOL = Tool(
    name="run_pipeline",
    description=_description,
    arguments=RunPipelineArguments,
    executor=UserPipelineTools,
    offered_if=PIPELINES,
    awaits="pipeline_run",
    offered_only_with_permission=True,
)
