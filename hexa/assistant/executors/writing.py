"""write_file's work: the checks of a write, its preview for an approval, and the atomic write.

A write never follows a link: the target must be absent or a regular file (not a link, even
one pointing inside), missing parent folders are created one at a time with mkdir relative to
their parent's descriptor, and the content goes to a temporary file in the target folder that
is then renamed over the target (atomic: readers see the old or the new file, never half of it).
"""

import hashlib
import os
import secrets
import stat

from django.conf import settings

from ..errors import AssistantError
from .bucket import clean_path, open_regular, os_error, require_regular, show
from .reading import SKIP_CHUNK, SNIFF_BYTES, binary_kind

_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def check_write(path, content) -> tuple[str, bytes]:
    """The path cleaned and the content encoded, or why they cannot be written (INVALID_PATH,
    INVALID_INPUT, FILE_TOO_LARGE). Touches nothing on disk."""
    if isinstance(path, str) and path.rpartition("/")[2] in ("", "."):
        raise AssistantError("INVALID_PATH", f"{show(path)} names a folder. Give a file path such as 'notes/summary.md'.")
    rel = clean_path(path)
    if rel == "":
        raise AssistantError("INVALID_PATH", "The bucket root is a folder. Give a file path such as 'notes/summary.md'.")
    if any(part.startswith(".") for part in rel.split("/")):
        raise AssistantError(
            "INVALID_PATH",
            f"{show(rel)} has a hidden name (starting with '.'); the assistant does not write hidden files or "
            "folders. Choose a name without a leading dot.",
        )
    if not isinstance(content, str):
        raise AssistantError("INVALID_INPUT", "content must be a string (the complete text of the file).")
    try:
        data = content.encode("utf-8")
    except UnicodeEncodeError:
        raise AssistantError("INVALID_INPUT", "content is not valid Unicode text (it contains lone surrogates).") from None
    cap = int(settings.ASSISTANT_WRITE_MAX_BYTES)
    if len(data) > cap:
        raise AssistantError(
            "FILE_TOO_LARGE",
            f"The content is {len(data)} bytes; at most {cap} bytes can be written. Write a shorter file, or "
            "split it into several files.",
            size=len(data),
            max_size=cap,
        )
    return rel, data


def preview_write(bucket, rel, data) -> dict:
    """Every check of a write of `data` to `rel`, nothing written (see UserFileSystemTools.preview_write)."""
    dir_fd, name = bucket.open_write_parent(rel, create=False)
    current = None if dir_fd is None else _existing_target(dir_fd, name, rel)
    result = {"path": rel, "created": current is None, "size": len(data)}
    if current is None:
        result.update(current_content=None, current_sha256=None)
    else:
        digest, text = _hash_and_text(dir_fd, name, rel, text_limit=int(settings.ASSISTANT_WRITE_MAX_BYTES))
        result.update(current_content=text, current_sha256=digest, current_size=current.st_size)
    return result


def write_file(bucket, rel, data: bytes, expected_sha256) -> dict:
    """Create or overwrite the file `rel` with `data`, atomically (see UserFileSystemTools.write_file)."""
    # Everything that can be refused is refused before a folder is created.
    dir_fd, name = bucket.open_write_parent(rel, create=False)
    if dir_fd is not None:
        _existing_target(dir_fd, name, rel)
    dir_fd, name = bucket.open_write_parent(rel, create=True)
    current = _existing_target(dir_fd, name, rel)
    if expected_sha256 is not None:
        _check_expected(dir_fd, name, rel, current, expected_sha256)
    _atomic_write(dir_fd, name, rel, data, current)
    result = {"path": rel, "created": current is None, "size": len(data)}
    if current is not None:
        result["previous_size"] = current.st_size
    return result


def _existing_target(dir_fd, name, rel) -> os.stat_result | None:
    """The stat of the regular file that a write would replace, None if absent; refuse anything else."""
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise os_error(error, rel) from None
    if stat.S_ISLNK(st.st_mode):
        raise AssistantError(
            "NOT_A_FILE",
            f"{show(rel)} is a symbolic link; the assistant does not write through links. Write to another path.",
        )
    if stat.S_ISDIR(st.st_mode):
        raise AssistantError("NOT_A_FILE", f"{show(rel)} is a folder; a file cannot replace it. Write to a path inside it, or another name.")
    require_regular(st, rel)
    return st


def _hash_and_text(dir_fd, name, rel, text_limit: int | None) -> tuple[str, str | None]:
    """SHA-256 of the file (streamed: memory stays flat), and its text if small and not binary."""
    fd, st = open_regular(dir_fd, name, rel, lambda fd: fd)
    try:
        digest, head = hashlib.sha256(), b""
        keep_text = text_limit is not None and st.st_size <= text_limit
        kept = []
        while chunk := os.read(fd, SKIP_CHUNK):
            digest.update(chunk)
            if keep_text:
                kept.append(chunk)
            if not head:
                head = chunk[:SNIFF_BYTES]
    finally:
        os.close(fd)
    text = None
    if keep_text and binary_kind(head) is None:
        text = b"".join(kept).decode("utf-8", errors="replace")
    return digest.hexdigest(), text


def _check_expected(dir_fd, name, rel, current, expected):
    if expected == "absent":
        changed = current is not None
    else:
        changed = current is None or _hash_and_text(dir_fd, name, rel, None)[0] != expected.lower()
    if changed:
        state = "now exists" if current is not None and expected == "absent" else (
            "no longer exists" if current is None else "has different content"
        )
        raise AssistantError(
            "FILE_CHANGED",
            f"{show(rel)} {state} since the write was prepared, so nothing was written. Read the file again and "
            "propose the write again.",
        )


def _atomic_write(dir_fd, name, rel, data: bytes, current):
    """Write to a temporary file next to the target, then rename it over the target.

    Not tempfile.mkstemp: it takes a folder path, which could be swapped for a link after
    the checks; os.open with dir_fd stays in the folder already opened. The temporary name
    is hidden, so listings and searches never show a half-written file, and is fixed-length,
    so a 255-byte target name still fits. A new file gets the usual 0666 & ~umask (mkstemp
    would give 0600, unreadable to other users of a shared bucket); an overwritten file keeps
    its permissions."""
    temporary = f".assistant-write-{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(temporary, _CREATE_FLAGS, 0o666, dir_fd=dir_fd)
    except OSError as error:
        raise os_error(error, rel) from None
    try:
        try:
            if current is not None:
                os.fchmod(fd, stat.S_IMODE(current.st_mode))
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)  # the rename must not publish a file whose data is still only in cache
        finally:
            os.close(fd)
        os.replace(temporary, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException as error:
        try:
            os.unlink(temporary, dir_fd=dir_fd)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise os_error(error, rel) from None
        raise
