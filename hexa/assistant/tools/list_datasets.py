"""The `list_datasets` tool."""

from ..executors.datasets import UserDatasetTools
from .arguments import Arguments, Field
from ..workspace_sources import DATASETS
from .base import Tool

DESCRIPTION = (
    "List the workspace's datasets (versioned, shared files: its own and those shared with it), each with its "
    "newest versions (name, changelog, date, author) and their files (name, size, type, and `path`). A dataset "
    "file is read like a bucket file by read_file and query_files, named by its `path`: "
    "dataset:<dataset slug>/<version name or latest>/<file name>, e.g. "
    "dataset:malaria-indicators/latest/malaria_indicators.parquet. To compare two versions, query both files in "
    "one query_files call (one table each). Example: {} or {\"query\": \"malaria\"}."
)


class ListDatasetsArguments(Arguments):
    query: str | None = Field(None, description="Words of a dataset's name, slug or description (default: all).")


TOOL = Tool(
    name="list_datasets",
    description=DESCRIPTION,
    arguments=ListDatasetsArguments,
    executor=UserDatasetTools,
    offered_if=DATASETS,
)
