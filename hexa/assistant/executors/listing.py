"""list_files' work: one folder of the bucket, one page of it."""

import os
import stat
from datetime import datetime, timezone

from .bucket import display, inside


def list_folder(bucket, rel, page, per_page) -> dict:
    """The page `page` of the folder `rel` (see UserFileSystemTools.list_files)."""
    parts = bucket.resolve(rel)
    fd = bucket.open_dir(parts, rel, listable=True)
    folders, others, hidden = [], [], 0
    with os.scandir(fd) as iterator:
        for entry in iterator:
            name = entry.name
            if name.startswith("."):
                hidden += 1
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            (folders if is_dir else others).append(name)
    names = sorted_names(folders) + sorted_names(others)
    total = len(names)
    start = (page - 1) * per_page
    directory_real = os.path.join(bucket.real, *parts)
    entries = []
    for name in names[start : start + per_page]:
        described = _describe_entry(bucket, fd, directory_real, name, rel)
        if described is not None:  # None: removed since the scan
            entries.append(described)
    result = {
        "path": rel,
        "entries": entries,
        "total": total,
        "page": page,
        "per_page": per_page,
        "has_more": start + per_page < total,
        "hidden_count": hidden,
    }
    if page > 1 and start >= total:
        pages = max(1, -(-total // per_page))
        result["note"] = f"Page {page} is past the end: this folder has {total} entries, {pages} page(s) of {per_page}."
    return result


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat(timespec="seconds")


def _type_of(mode) -> str:
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISLNK(mode):
        return "symlink"
    return "other"


def _describe_entry(bucket, dir_fd, directory_real, name, rel) -> dict | None:
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    kind = _type_of(st.st_mode)
    entry = {"name": display(name), "path": display(f"{rel}/{name}" if rel else name), "type": kind}
    if kind == "file":
        entry["size"] = st.st_size
    entry["modified"] = iso(st.st_mtime)
    if kind == "symlink":
        # Resolved as a string; a target outside the bucket is never stat-ed.
        target = os.path.realpath(os.path.join(directory_real, name))
        entry["target_inside"] = inside(target, bucket.real)
        if entry["target_inside"]:
            try:
                entry["target_type"] = _type_of(os.stat(target, follow_symlinks=False).st_mode)
            except OSError:
                entry["target_type"] = "missing"
    return entry


def sorted_names(names: list) -> list:
    """By name, case-insensitive; names equal but for case by code point, so the order is stable.
    Two passes with plain string keys: several times faster than one sort on (casefold, name)
    tuples, which matters for a folder of 50,000 entries."""
    names.sort()
    names.sort(key=str.casefold)
    return names

