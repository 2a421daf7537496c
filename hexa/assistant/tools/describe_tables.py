"""The `describe_tables` tool."""

from ..executors.database import UserDatabaseTools
from .base import Tool


DESCRIPTION = (
    "Describe the workspace database. Without `table_name`: every table and view with its columns "
    "(type, nullable, default), primary and foreign keys, comments and an estimated row count. With "
    '`table_name` (`table`, `schema.table` or a "Quoted" name): that table in detail with its indexes, a '
    "view's definition and a few sample rows. On large databases only the first tables come with "
    "their columns and the rest are named in `more_tables`: call again with table_name for those. "
    "Use it before writing SQL. "
    'Example: {} or {"table_name": "malaria_cases"}.'
)


INPUT_SCHEMA = {
    "type": "object",
    "properties": {
        "table_name": {"type": "string", "description": "A table or view name, optionally schema-qualified."},
    },
    "required": [],
    "additionalProperties": False,
}


TOOL = Tool(
    name="describe_tables",
    description=DESCRIPTION,
    input_schema=INPUT_SCHEMA,
    executor=UserDatabaseTools,
)
