"""A workspace's bucket: the directory WORKSPACE_BUCKETS_ROOT/<bucket_name>.

In production that directory is a FUSE mount of the object-storage bucket; everywhere
else it is a plain directory. Who may read or write it: hexa/files/permissions.py; how the
assistant's tools use it: hexa/assistant/executors/files.py.
"""

import re
import secrets
import shutil
from pathlib import Path

from django.conf import settings

BUCKET_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")


def generate_bucket_name(slug: str) -> str:
    base = re.sub(r"[^a-z0-9-]+", "-", slug.lower()).strip("-")[:40] or "workspace"
    return f"hexa-{base}-{secrets.token_hex(3)}"


def bucket_path(bucket_name: str) -> Path:
    if not BUCKET_NAME_PATTERN.match(bucket_name or ""):
        raise ValueError(f"Invalid bucket name: {bucket_name!r}")
    return Path(settings.WORKSPACE_BUCKETS_ROOT) / bucket_name


def create_bucket(bucket_name: str) -> Path:
    path = bucket_path(bucket_name)
    path.mkdir(parents=True, exist_ok=True)
    return path


def delete_bucket(bucket_name: str) -> None:
    shutil.rmtree(bucket_path(bucket_name), ignore_errors=True)
