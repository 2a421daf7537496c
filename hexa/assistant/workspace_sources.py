"""What a workspace holds beyond its bucket and database: pipelines, datasets, connections.

The tools and the system prompt's lines about these are offered only where the workspace has
them (`Tool.offered_if`): a tool that could only answer "there is none" costs its definition's
tokens in every request and invites a useless call. Asked in one statement when a turn's
prompt prefix is built.
"""

from django.db.models import Exists, OuterRef

from hexa.datasets.models import DatasetLink
from hexa.pipelines.models import Pipeline
from hexa.workspaces.models import Connection, ConnectionType, Workspace

PIPELINES = "pipelines"
DATASETS = "datasets"
CONNECTIONS = "connections"
DHIS2_CONNECTIONS = "dhis2_connections"

_EXISTS = {
    PIPELINES: Pipeline.objects.filter(workspace=OuterRef("pk")),
    DATASETS: DatasetLink.objects.filter(workspace=OuterRef("pk")),
    CONNECTIONS: Connection.objects.filter(workspace=OuterRef("pk")),
    DHIS2_CONNECTIONS: Connection.objects.filter(workspace=OuterRef("pk"), connection_type=ConnectionType.DHIS2),
}


def workspace_sources(workspace) -> frozenset[str]:
    """The names above that the workspace has."""
    # the annotations are prefixed: `pipelines` is already a relation of Workspace
    row = (
        Workspace.objects.filter(pk=workspace.pk)
        .annotate(**{f"has_{name}": Exists(query) for name, query in _EXISTS.items()})
        .values(*(f"has_{name}" for name in _EXISTS))
        .first()
    )
    return frozenset(name for name in _EXISTS if row and row[f"has_{name}"])
