"""The `search_files` tool."""

from ..executors.files import UserFileSystemTools
from .arguments import Arguments, Field
from .base import Tool


DESCRIPTION = (
    "Find files in the workspace bucket by name pattern, optionally only those containing some text. "
    "`pattern` is a glob matched against paths relative to `path`: `*.csv` matches CSV files at any "
    "depth, `2024/*.csv` files directly in a `2024` folder, `**/2024/*.xlsx` at any depth. `contains` "
    "(case-insensitive) looks inside small text files only. The search is bounded; if `truncated` is "
    'true, narrow `path` or `pattern`. Example: {"pattern": "*.csv", "path": "data", "contains": "Kenema"}.'
)


class SearchFilesArguments(Arguments):
    pattern: str = Field(description='Glob on file paths, e.g. "*.csv" or "**/2024/*.md".')
    path: str | None = Field(None, description='Folder to search under; "" is the whole bucket.')
    contains: str | None = Field(None, description="Only files whose text contains this (case-insensitive).")


TOOL = Tool(
    name="search_files",
    description=DESCRIPTION,
    arguments=SearchFilesArguments,
    executor=UserFileSystemTools,
)
