"""The `search_files` tool."""

from ..executors.files import UserFileSystemTools
from .base import Tool


DESCRIPTION = (
    "Find files in the workspace bucket by name pattern, optionally only those containing some text. "
    "`pattern` is a glob matched against paths relative to `path`: `*.csv` matches CSV files at any "
    "depth, `2024/*.csv` files directly in a `2024` folder, `**/2024/*.xlsx` at any depth. `contains` "
    "(case-insensitive) looks inside small text files only. The search is bounded; if `truncated` is "
    'true, narrow `path` or `pattern`. Example: {"pattern": "*.csv", "path": "data", "contains": "Kenema"}.'
)


INPUT_SCHEMA = {
    "type": "object",
    "properties": {
        "pattern": {"type": "string", "description": 'Glob on file paths, e.g. "*.csv" or "**/2024/*.md".'},
        "path": {"type": "string", "description": 'Folder to search under; "" is the whole bucket.'},
        "contains": {"type": "string", "description": "Only files whose text contains this (case-insensitive)."},
    },
    "required": ["pattern"],
    "additionalProperties": False,
}


TOOL = Tool(
    name="search_files",
    description=DESCRIPTION,
    input_schema=INPUT_SCHEMA,
    executor=UserFileSystemTools,
)
