"""The `write_file` tool."""

from django.conf import settings

from ..executors.files import UserFileSystemTools
from .arguments import Arguments, Field
from .base import Tool


def _description() -> str:
    write_kb = settings.ASSISTANT_WRITE_MAX_BYTES // 1000
    return (
        "Create or overwrite a text file in the workspace bucket, e.g. to save a note, a summary or a CSV "
        "you produced. Parent folders are created as needed. Nothing is written until the user approves: "
        "the result tells you the write is awaiting their decision, so tell the user what you proposed "
        f"and why. At most {write_kb} kB. Only write when the user asked for a file. Names starting with '.' "
        "cannot be written, folders and links cannot be overwritten, and users with the VIEWER role get "
        "PERMISSION_DENIED (then give the content in your answer instead). "
        'Example: {"path": "notes/malaria_summary.md", "content": "# Summary\\n…"}.'
    )


class WriteFileArguments(Arguments):
    path: str = Field(description="File path relative to the bucket root.")
    content: str = Field(description="The complete new content of the file (UTF-8 text).")


TOOL = Tool(
    name="write_file",
    description=_description,
    arguments=WriteFileArguments,
    executor=UserFileSystemTools,
    awaits="approval",
)
