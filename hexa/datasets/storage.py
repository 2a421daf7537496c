"""Where the bytes of dataset files live: DATASETS_ROOT/<dataset id>/<version id>/<name>.

In production that directory is a mount of the datasets' object-storage bucket, as the
workspace buckets are (hexa/files/api.py); everywhere else it is a plain directory. A file is
written once: to a private temporary name, then linked to its name, which fails if the name
exists, so two uploads racing for one name cannot both win and a reader never sees half a file.
"""

import os
import re
import secrets
from pathlib import Path

from django.conf import settings

MAX_NAME_CHARS = 1024
MAX_SEGMENT_BYTES = 255  # a file name's limit on common file systems
CHUNK_BYTES = 1024 * 1024
_CONTENT_TYPE = re.compile(r"^[A-Za-z0-9][\w.+-]*/[\w.+-]+$")


class InvalidName(ValueError):
    pass


class AlreadyExists(Exception):
    pass


class TooLarge(Exception):
    pass


def clean_name(name) -> str:
    """A file's name inside its version (folders allowed, as upstream), or InvalidName: no
    empty, `.` or `..` component, no control character or backslash, nothing PostgreSQL or
    the file system cannot hold."""
    if not isinstance(name, str):
        raise InvalidName("The file name must be a string.")
    name = name.lstrip("/")
    if not name or len(name) > MAX_NAME_CHARS:
        raise InvalidName(f"The file name must be 1 to {MAX_NAME_CHARS} characters long.")
    if any(ord(c) < 32 or ord(c) == 127 for c in name) or "\\" in name:
        raise InvalidName("The file name may not contain control characters or backslashes.")
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidName("The file name is not valid text.") from None
    for part in name.split("/"):
        if part in ("", ".", ".."):
            raise InvalidName("Each part of the file name must be a name, not empty, '.' or '..'.")
        if len(part.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise InvalidName(f"Each part of the file name must be at most {MAX_SEGMENT_BYTES} bytes long.")
    return name


def clean_content_type(value) -> str:
    """The content type as given when it looks like one, else application/octet-stream."""
    if isinstance(value, str) and len(value) <= 255 and _CONTENT_TYPE.match(value.split(";", 1)[0].strip()):
        return value.split(";", 1)[0].strip().lower()
    return "application/octet-stream"


def root() -> Path:
    return Path(settings.DATASETS_ROOT)


def path_of(uri: str) -> Path:
    dataset_id, version_id, name = uri.split("/", 2)
    return root() / dataset_id / version_id / clean_name(name)


def exists(uri: str) -> bool:
    return path_of(uri).is_file()


def size_of(uri: str) -> int | None:
    try:
        return path_of(uri).stat().st_size
    except OSError:
        return None


def write(uri: str, read, max_bytes: int) -> int:
    """Store what `read(n)` returns until it returns nothing, at `uri`; the number of bytes.
    TooLarge past `max_bytes` and AlreadyExists if the file is there: nothing is left behind."""
    target = path_of(uri)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.parent / f".upload-{secrets.token_hex(8)}"
    size = 0
    try:
        with open(temporary, "xb") as out:
            while chunk := read(CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temporary, target)
        except FileExistsError:
            raise AlreadyExists from None
    finally:
        temporary.unlink(missing_ok=True)
    return size


def open_file(uri: str):
    """The stored file opened for reading, or None when its bytes were never uploaded."""
    try:
        return open(path_of(uri), "rb")
    except (FileNotFoundError, NotADirectoryError):
        return None
