"""What a workspace holds beyond its bucket and database: pipelines, datasets, connections.

The tools and the system prompt's lines about these are offered only where the workspace has
them (`Tool.offered_if`): a tool that could only answer "there is none" costs its definition's
tokens in every request and invites a useless call. Asked in one statement when a turn's
prompt prefix is built.
"""

from django.db import connection

from hexa.core.rows import table
from hexa.datasets.models import DatasetLink
from hexa.pipelines.models import Pipeline
from hexa.workspaces.models import Connection, ConnectionType

PIPELINES = "pipelines"
DATASETS = "datasets"
CONNECTIONS = "connections"
DHIS2_CONNECTIONS = "dhis2_connections"

# each name: the table of the rows that make it, and what else they must match
_EXISTS = {
    PIPELINES: (Pipeline, "", []),
    DATASETS: (DatasetLink, "", []),
    CONNECTIONS: (Connection, "", []),
    DHIS2_CONNECTIONS: (Connection, " AND connection_type = %s", [ConnectionType.DHIS2]),
}


def workspace_sources(workspace) -> frozenset[str]:
    """The names above that the workspace has. A plain statement: every turn asks, and the
    ORM took several times longer to build it than PostgreSQL takes to answer it."""
    checks, params = [], []
    for model, condition, condition_params in _EXISTS.values():
        checks.append(f"EXISTS (SELECT 1 FROM {table(model)} WHERE workspace_id = %s{condition})")
        params += [workspace.pk, *condition_params]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(checks)}", params)
        row = cursor.fetchone()
    return frozenset(name for name, has in zip(_EXISTS, row) if has)
