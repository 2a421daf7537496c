"""Dataset files as the file tools read them, named

    dataset:<dataset slug>/<version name, or latest>/<file name>
    e.g. dataset:malaria-indicators/latest/malaria_indicators.parquet

wherever read_file takes a `path` and query_files (and charts and downloads over files) a
`files` entry. The dataset is one linked to the workspace (its own, or one shared with it:
what its members see); `latest` is its newest version; the file name is the one its author
gave inside the version (it may hold folders). A version name that holds a "/" is matched
whole, before the file name.

Confinement is the same as for bucket files, by other means: the name is looked up in the
database (no path is made from the model's text: the stored file's own uri is used), the file
is opened under DATASETS_ROOT folder by folder without following links, must be a regular
file, and is read through its descriptor (bucket.py's open_regular). Globs are not expanded
here: a dataset file is named whole.

    is_dataset_path(text)                   -> bool
    open_named(bucket, rel)                 -> (fd, stat): a bucket path or a dataset file
    resolve(bucket, spec)                   -> [(the file's name as above, with its version's name, "/proc/self/fd/N")]
"""

import errno
import os

from hexa.datasets import storage
from hexa.datasets.models import DatasetLink, DatasetVersionFile

from ..errors import AssistantError
from .bucket import _WALK_FLAGS, open_regular, os_error, show

PREFIX = "dataset:"
LATEST = "latest"
MAX_SPEC_CHARS = 2048


def is_dataset_path(text) -> bool:
    return isinstance(text, str) and text.strip().startswith(PREFIX)


def spelling(version, file) -> str:
    return f"{PREFIX}{version.dataset.slug}/{version.name}/{file.name}"


def find(workspace, spec: str) -> DatasetVersionFile:
    """The dataset file `spec` names in `workspace`, or NOT_FOUND / INVALID_PATH saying what is there."""
    text = spec.strip()
    if len(text) > MAX_SPEC_CHARS or any(ord(c) < 32 or ord(c) == 127 for c in text) or "\\" in text:
        raise AssistantError("INVALID_PATH", f"{show(text)} is not a dataset file name: {PREFIX}<dataset>/<version or latest>/<file>.")
    slug, _, rest = text[len(PREFIX):].lstrip("/").partition("/")
    if not slug or not rest:
        raise AssistantError(
            "INVALID_PATH",
            f"{show(text)} does not name a dataset file. Write {PREFIX}<dataset slug>/<version name or latest>/<file "
            "name>, e.g. dataset:malaria-indicators/latest/file.parquet (list_datasets gives them).",
        )
    links = DatasetLink.objects.filter(workspace=workspace, dataset__slug=slug).select_related("dataset")
    # the workspace's own dataset first, when a shared one has the same slug
    link = sorted(links, key=lambda found: found.dataset.workspace_id != workspace.id)[:1]
    if not link:
        raise AssistantError(
            "NOT_FOUND", f"This workspace has no dataset {slug[:100]!r}. Call list_datasets for its datasets."
        )
    dataset = link[0].dataset
    versions = list(dataset.versions.order_by("-created_at"))
    version, name = None, None
    if rest.startswith(LATEST + "/") and versions:
        version, name = versions[0], rest[len(LATEST) + 1:]
    else:  # the longest version name that is a prefix (a name may hold "/")
        for candidate in sorted(versions, key=lambda v: -len(v.name)):
            if rest.startswith(candidate.name + "/"):
                version, name = candidate, rest[len(candidate.name) + 1:]
                break
    if version is None:
        names = ", ".join(repr(v.name) for v in versions[:20]) or "none"
        raise AssistantError(
            "NOT_FOUND",
            f"Dataset {slug!r} has no such version in {show(text)}. Its versions, newest first: {names} (or write "
            f"'{LATEST}').",
        )
    name = name.lstrip("/")
    file = next((f for f in version.files.all() if f.name == name), None)
    if file is None:
        files = ", ".join(repr(f.name) for f in list(version.files.all())[:20]) or "none"
        raise AssistantError(
            "NOT_FOUND", f"Version {version.name!r} of dataset {slug!r} has no file {name[:200]!r}. Its files: {files}."
        )
    return file


def _open(bucket, file: DatasetVersionFile, rel: str):
    """(fd, stat) of the stored bytes of `file`, opened under DATASETS_ROOT without following links;
    the descriptors are the bucket's, closed with it."""
    dataset_id, version_id, name = file.uri.split("/", 2)
    parts = [dataset_id, version_id, *storage.clean_name(name).split("/")]
    try:
        fd = bucket._keep(os.open(os.path.realpath(storage.root()), os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        for part in parts[:-1]:
            fd = bucket._keep(os.open(part, _WALK_FLAGS, dir_fd=fd))
    except OSError as error:
        if error.errno in (errno.ENOENT, errno.ENOTDIR):
            raise _not_uploaded(rel) from None
        raise os_error(error, rel) from None
    try:
        return open_regular(fd, parts[-1], rel, bucket._keep)
    except AssistantError as error:
        if error.code == "NOT_FOUND":
            raise _not_uploaded(rel) from None
        raise


def _not_uploaded(rel) -> AssistantError:
    return AssistantError("NOT_FOUND", f"{show(rel)} has no stored content (its upload was never finished).")


def open_named(bucket, rel: str):
    """(fd, stat) of a bucket path, or of a dataset file for a `dataset:` name."""
    if is_dataset_path(rel):
        file = find(bucket.workspace, rel)
        return _open(bucket, file, spelling(file.dataset_version, file))
    return bucket.open_file(bucket.resolve(rel), rel)


def resolve(bucket, spec: str) -> list[tuple[str, str]]:
    file = find(bucket.workspace, spec)
    rel = spelling(file.dataset_version, file)
    fd, _ = _open(bucket, file, rel)
    return [(rel, f"/proc/self/fd/{fd}")]
