"""The `list_connections` tool."""

from ..executors.connections import UserConnectionTools
from .arguments import Arguments
from ..workspace_sources import CONNECTIONS
from .base import Tool

DESCRIPTION = (
    "List the workspace's connections to other systems (DHIS2 instances, databases, buckets…): each one's slug, "
    "name, type, description and non-secret fields (e.g. a DHIS2 url and username). Secret fields are named in "
    "`secret_fields`, never shown: you cannot read a password or a token, and need not; query_dhis2 uses them for "
    "you. Call it to find the slug of the DHIS2 connection before query_dhis2. Example: {}."
)


class ListConnectionsArguments(Arguments):
    pass


TOOL = Tool(
    name="list_connections",
    description=DESCRIPTION,
    arguments=ListConnectionsArguments,
    executor=UserConnectionTools,
    offered_if=CONNECTIONS,
)
