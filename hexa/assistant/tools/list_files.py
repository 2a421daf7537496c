"""The `list_files` tool."""

from typing import Annotated

from ..executors.files import MAX_PER_PAGE, UserFileSystemTools
from .arguments import Arguments, Field, PositiveInt
from .base import Tool


DESCRIPTION = (
    "List one folder of the workspace's file bucket: sub-folders first, then files, each with its "
    "type, size in bytes and modification time. Use it to find what files exist before reading them. "
    'Paths are relative to the bucket root; use "" for the root. Results are paginated: if '
    "`has_more` is true, call again with the next `page`. Hidden entries (names starting with '.') "
    'are not listed. Example: {"path": "data/raw"}.'
)


class ListFilesArguments(Arguments):
    path: str | None = Field(None, description='Folder relative to the bucket root. "" is the root.')
    page: PositiveInt | None = Field(None, description="Page number, from 1.")
    per_page: Annotated[int, Field(ge=1, le=MAX_PER_PAGE)] | None = Field(
        None, description="Entries per page (default 100)."
    )


TOOL = Tool(
    name="list_files",
    description=DESCRIPTION,
    arguments=ListFilesArguments,
    executor=UserFileSystemTools,
)
