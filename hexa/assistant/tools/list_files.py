"""The `list_files` tool."""

from ..executors.files import UserFileSystemTools
from .base import Tool


DESCRIPTION = (
    "List one folder of the workspace's file bucket: sub-folders first, then files, each with its "
    "type, size in bytes and modification time. Use it to find what files exist before reading them. "
    'Paths are relative to the bucket root; use "" for the root. Results are paginated: if '
    "`has_more` is true, call again with the next `page`. Hidden entries (names starting with '.') "
    'are not listed. Example: {"path": "data/raw"}.'
)


INPUT_SCHEMA = {
    "type": "object",
    "properties": {
        "path": {"type": "string", "description": 'Folder relative to the bucket root. "" is the root.'},
        "page": {"type": "integer", "minimum": 1, "description": "Page number, from 1."},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 500, "description": "Entries per page (default 100)."},
    },
    "required": [],
    "additionalProperties": False,
}


TOOL = Tool(
    name="list_files",
    description=DESCRIPTION,
    input_schema=INPUT_SCHEMA,
    executor=UserFileSystemTools,
)
