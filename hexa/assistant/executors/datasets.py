"""The datasets of a workspace, as the assistant sees them.

    UserDatasetTools(user, workspace).list_datasets(query=None)
        -> {"datasets": [{"slug", "name", "description", "shared_from"?, "versions": [{"name", "changelog",
            "created_at", "created_by", "files": [{"name", "path", "size", "content_type"}]}]}], "count", "note"}

Each file comes with its `path`, the name read_file and query_files take
(dataset_files.py: dataset:<slug>/<version>/<file>). Bounded: MAX_DATASETS datasets, the
MAX_VERSIONS newest versions of each, MAX_FILES files of each version.

Permission: `datasets.read_datasets` (any member; the datasets are those linked to the workspace).
"""

from django.db.models import Q

from hexa.datasets.models import DatasetLink

from ..errors import AssistantError
from .dataset_files import LATEST, spelling
from .errors import requires, tool_method

MAX_DATASETS = 50
MAX_VERSIONS = 10
MAX_FILES = 50

_NOT_A_MEMBER = "The user is not (or no longer) a member of this workspace, so its datasets cannot be read. Do not retry."
_tool = tool_method()


class UserDatasetTools:
    def __init__(self, user, workspace):
        self.user = user
        self.workspace = workspace

    @_tool
    @requires("datasets.read_datasets", _NOT_A_MEMBER)
    def list_datasets(self, query=None) -> dict:
        links = DatasetLink.objects.filter(workspace=self.workspace).select_related("dataset", "dataset__workspace")
        if query is not None:
            if not isinstance(query, str) or len(query) > 200 or "\x00" in query:
                raise AssistantError("INVALID_INPUT", "`query` must be text of at most 200 characters.")
            words = query.strip()
            links = links.filter(
                Q(dataset__name__icontains=words) | Q(dataset__slug__icontains=words)
                | Q(dataset__description__icontains=words)
            )
        links = list(links.order_by("-dataset__updated_at", "dataset_id")[: MAX_DATASETS + 1])
        datasets = [self._dataset(link.dataset) for link in links[:MAX_DATASETS]]
        notes = [
            f"Read a file with read_file or query_files by its `path` (dataset:<dataset>/<version>/<file>; "
            f"'{LATEST}' for the newest version)."
        ]
        if len(links) > MAX_DATASETS:
            notes.insert(0, f"Only the {MAX_DATASETS} most recently changed datasets are listed: give `query` to narrow.")
        return {"datasets": datasets, "count": len(datasets), "note": " ".join(notes)}

    def _dataset(self, dataset) -> dict:
        versions = list(
            dataset.versions.order_by("-created_at").select_related("created_by").prefetch_related("files")[: MAX_VERSIONS + 1]
        )
        described = {
            "slug": dataset.slug,
            "name": dataset.name,
            "description": dataset.description[:1000],
            "versions": [self._version(version) for version in versions[:MAX_VERSIONS]],
        }
        if dataset.workspace_id != self.workspace.id:
            described["shared_from"] = dataset.workspace.slug
        if len(versions) > MAX_VERSIONS:
            described["note"] = f"Only the {MAX_VERSIONS} newest versions are listed."
        return described

    def _version(self, version) -> dict:
        files = list(version.files.all())
        listed = {
            "name": version.name,
            "changelog": version.changelog[:1000],
            "created_at": version.created_at.isoformat(),
            "created_by": version.created_by.display_name if version.created_by else None,
            "files": [
                {"name": f.name, "path": spelling(version, f), "size": f.size, "content_type": f.content_type}
                for f in files[:MAX_FILES]
            ],
        }
        if len(files) > MAX_FILES:
            listed["files_note"] = f"{len(files)} files; the first {MAX_FILES} by name are listed."
        return listed
