"""The `get_pipeline_run` tool: one run by its id, or the latest runs (of a pipeline, a status)."""

from typing import Annotated

from ..executors.pipelines import MAX_RUNS, RUN_STATUSES, UserPipelineTools
from .arguments import Arguments, Field, PositiveInt
from ..workspace_sources import PIPELINES
from .base import Tool

DESCRIPTION = (
    "A pipeline run by `run_id`, or the latest runs (newest first), optionally of one pipeline "
    f"(`pipeline_code`), with one status (`status`: {', '.join(RUN_STATUSES)}) and from the last `since_days` "
    f"days; at most `limit` runs (default 5, at most {MAX_RUNS}). Each run has its status, progress, "
    "duration, config, its messages, the last lines of its logs (`log_tail`: why a run failed) and its "
    "outputs, named so that the other tools read them: a `table` for query_database, a bucket `path` for "
    "read_file and query_files, a dataset file as `dataset:<dataset>/<version>/<file>`. "
    'Example: {"status": "failed", "since_days": 7}.'
)


class GetPipelineRunArguments(Arguments):
    run_id: str | None = Field(None, description="A run's id (from run_pipeline, list_pipelines or an earlier call).")
    pipeline_code: str | None = Field(None, description="Only the runs of this pipeline.")
    status: str | None = Field(None, description="Only runs with this status.", json_schema_extra={"enum": list(RUN_STATUSES)})
    since_days: PositiveInt | None = Field(None, description="Only runs started in the last this many days.")
    limit: Annotated[int, Field(ge=1, le=MAX_RUNS)] | None = Field(None, description="Most runs to return (default 5).")


TOOL = Tool(
    name="get_pipeline_run",
    description=DESCRIPTION,
    arguments=GetPipelineRunArguments,
    executor=UserPipelineTools,
    offered_if=PIPELINES,
)
