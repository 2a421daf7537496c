"""The `describe_tables` tool."""

from ..executors.database import UserDatabaseTools
from .arguments import Arguments, Field
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


class DescribeTablesArguments(Arguments):
    table_name: str | None = Field(None, description="A table or view name, optionally schema-qualified.")


TOOL = Tool(
    name="describe_tables",
    description=DESCRIPTION,
    arguments=DescribeTablesArguments,
    executor=UserDatabaseTools,
)
