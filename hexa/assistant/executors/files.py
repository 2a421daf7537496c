"""The assistant's file tools, confined to one workspace bucket and checked for one user.

    fs = UserFileSystemTools(user, workspace)
    fs.list_files(path="", page=1, per_page=100)
    fs.read_file(path, start_line=None, end_line=None)
    fs.search_files(pattern, path="", contains=None)
    fs.preview_write(path, content)                       # every check of write_file, nothing written
    fs.write_file(path, content, expected_sha256=None)

Every public method returns a JSON-serialisable dict; a failure is
`{"error": {"code", "message", ...}}` and never an exception. Codes: INVALID_PATH, NOT_FOUND,
NOT_A_FILE, NOT_A_DIRECTORY, FILE_TOO_LARGE, BINARY_FILE, PERMISSION_DENIED, INVALID_INPUT,
FILE_CHANGED, IO_ERROR (an unexpected OS error, e.g. EIO on the FUSE mount or a full disk),
INTERNAL_ERROR (a bug, logged).

Path rules (the model's paths are untrusted input):

- Paths are POSIX, relative to the bucket root; "", "." and "/" are the root. A leading "/"
  is stripped, because a model naturally calls the bucket root "/": "/etc/passwd" means
  <bucket>/etc/passwd (NOT_FOUND, or that file if the bucket has one), never the host's.
- Refused with INVALID_PATH before touching the disk: NUL bytes, control characters,
  backslashes (a legal file name character on Linux, but "..\\..\\x" reads like a traversal, so
  refusing it is clearer), any ".." component (a path never needs to go up: the model names
  paths from the root), text that is not valid Unicode, more than 1024 characters, a
  component over 255 bytes.
- Symbolic links are resolved, and the result must stay inside the resolved bucket root,
  compared by whole path components (os.path.commonpath), never by string prefix, so a
  sibling "hexa-abc-evil" of "hexa-abc" is outside. A link leading outside is INVALID_PATH,
  whether it is the target or a parent folder. A link inside pointing inside is followed for
  reading and listing. A dangling link is NOT_FOUND (inside) or INVALID_PATH (outside).
- The resolved path is then opened one component at a time from a descriptor of the root
  with O_NOFOLLOW (openat), so a folder swapped for a link between the check and the open
  cannot lead outside either (no time-of-check/time-of-use gap).
- Files that are not regular (FIFO, device, socket) are refused after an lstat and are never
  opened; the open itself uses O_NONBLOCK, so a FIFO swapped in at the last moment cannot
  block, and the opened descriptor is fstat-ed and must be the file that was checked.
- Hidden names (starting with ".") are not listed and not searched; hidden_count says how
  many a listing left out. They can still be read when named explicitly, but never written:
  dot-files are configuration (.env, .git, .ipynb_checkpoints), not something to create or
  overwrite on a user's behalf.

Writes need an EDITOR or ADMIN membership, checked at each call; every other tool needs any
membership (the assistant only runs for members, this is defence in depth). A write never
follows a link: the target must be absent or a regular file (not a link, even one pointing
inside), missing parent folders are created one at a time with mkdir relative to their
parent's descriptor, and the content goes to a temporary file in the target folder that is
then renamed over the target (atomic: readers see the old or the new file, never half of it).
"""

import codecs
import errno
import hashlib
import logging
import mimetypes
import os
import re
import secrets
import stat
import time
from datetime import datetime, timezone

from django.conf import settings

from hexa.files.api import bucket_path
from hexa.workspaces.models import WorkspaceMembershipRole

from ..errors import AssistantError
from .errors import tool_method

logger = logging.getLogger(__name__)

MAX_PATH_CHARS = 1024
MAX_NAME_BYTES = 255  # NAME_MAX of common Linux file systems
MAX_PER_PAGE = 500
SNIFF_BYTES = 8192  # how much of a file decides "text or binary"
READ_CHUNK = 64 * 1024
SKIP_CHUNK = 1024 * 1024  # line ranges skip lines by counting b"\n" in large reads

# search_files does bounded work; tests lower these to exercise truncation.
SEARCH_MAX_RESULTS = 200
SEARCH_MAX_SCANNED = 200_000  # directory entries looked at
SEARCH_MAX_CONTAINS_BYTES = 20_000_000  # file content read for `contains`, all files together
SEARCH_CONTAINS_MAX_FILE_BYTES = 1_000_000  # larger files are not looked into
SEARCH_TIME_LIMIT_S = 10.0  # a slow FUSE mount must not hold a turn forever
SEARCH_MAX_DEPTH = 64  # one open descriptor per level while walking
MAX_PATTERN_CHARS = 1000

WRITER_ROLES = {WorkspaceMembershipRole.EDITOR, WorkspaceMembershipRole.ADMIN}

# Formats whose first bytes say "binary" even when the sniff window happens to decode.
MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (also XLSX, DOCX, ODS)"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document (XLS, DOC)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"PAR1", "Parquet file"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x7fELF", "executable"),
    (b"\x89HDF\r\n\x1a\n", "HDF5 file"),
)

# Traversal opens intermediate folders with O_PATH where available (needs only search
# permission, like a normal path lookup); a folder to list needs a readable descriptor.
_O_PATH = getattr(os, "O_PATH", os.O_RDONLY)
_WALK_FLAGS = _O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_LIST_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")


def _translate(error):
    # an OS error that no step translated with its path: still typed
    return _os_error(error, None) if isinstance(error, OSError) else None


_tool = tool_method(translate=_translate)


class UserFileSystemTools:
    """The bucket of `workspace`, as seen by `user` through the assistant."""

    def __init__(self, user, workspace):
        self.user = user
        self.workspace = workspace

    # ------------------------------------------------------------------ list_files

    @_tool
    def list_files(self, path="", page=1, per_page=100) -> dict:
        """One folder: sub-folders first, then everything else, each group by name (case-insensitive).

        Only the requested page is stat-ed: sorting needs the names and the folder/not-folder
        bit, which os.scandir gets from d_type without a stat per entry, so a folder of 50,000
        entries costs one readdir pass, one sort and `per_page` lstat calls. A link is listed
        as type "symlink" with `target_inside`, and, when the target is inside, `target_type`;
        links are sorted with the files, whatever they point to.
        """
        page = _int_argument("page", page, default=1, low=1)
        per_page = _int_argument("per_page", per_page, default=100, low=1, high=MAX_PER_PAGE)
        self._require_member()
        rel = _clean_path(path)
        with _Bucket(self.workspace) as bucket:
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
            names = _sorted(folders) + _sorted(others)
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

    # ------------------------------------------------------------------ read_file

    @_tool
    def read_file(self, path, start_line=None, end_line=None) -> dict:
        """Text of a file, at most settings.ASSISTANT_READ_MAX_BYTES bytes of it.

        Work is bounded by what is returned, not by the file: the head of a 1 GB file costs
        one read of cap+1 bytes. A line range skips lines by counting newlines in 1 MB reads
        (memory stays flat; time grows with how far into the file the range starts).
        `start_line`/`end_line` in the result are the lines actually returned (1-based,
        inclusive; end_line = start_line - 1 when nothing is returned, e.g. an empty file).
        A start_line past the end is INVALID_INPUT with the file's `line_count`; an end_line
        past the end simply returns the lines up to the end.
        """
        start_line = _int_argument("start_line", start_line, default=None, low=1)
        end_line = _int_argument("end_line", end_line, default=None, low=1)
        if start_line is not None and end_line is not None and end_line < start_line:
            raise AssistantError(
                "INVALID_INPUT",
                f"end_line ({end_line}) is before start_line ({start_line}). Give end_line >= start_line.",
            )
        self._require_member()
        rel = _clean_path(path)
        cap = int(settings.ASSISTANT_READ_MAX_BYTES)
        with _Bucket(self.workspace) as bucket:
            fd, st = bucket.open_file(bucket.resolve(rel), rel)
            kind = _binary_kind(os.pread(fd, SNIFF_BYTES, 0))
            if kind:
                raise _binary_error(rel, st.st_size, kind)
            first = start_line or 1
            block, offset, partial = _read_lines(fd, first, end_line, cap, rel)
        content = block.decode("utf-8", errors="replace")
        if offset == 0:
            content = content.removeprefix("\ufeff")  # a BOM is an encoding mark, not text
        lines = block.count(b"\n") + (1 if block and not block.endswith(b"\n") else 0)
        last = first + lines - 1
        wanted_end = end_line is not None and last >= end_line
        at_eof = offset + len(block) >= st.st_size
        truncated = not (wanted_end or at_eof)
        result = {
            "path": rel,
            "content": content,
            "size": st.st_size,
            "truncated": truncated,
            "start_line": first,
            "end_line": last,
            "encoding": "utf-8",
        }
        if partial:
            result["note"] = (
                f"Line {last} is longer than {cap} bytes; only its first {len(block)} bytes are shown. The rest of "
                f"that line cannot be read with this tool; continue with start_line={last + 1}."
            )
        elif truncated:
            result["note"] = (
                f"The content stops after line {last} because at most {cap} bytes are returned per call. Call "
                f"read_file again with start_line={last + 1} to continue."
            )
        return result

    # ------------------------------------------------------------------ writing

    @_tool
    def preview_write(self, path, content) -> dict:
        """Every check of write_file (role, path, size, target type), nothing written.

        For an approval step: `current_content` is the existing text (None when the file is
        new, binary or larger than the write cap, i.e. not worth a diff) and `current_sha256`
        its hash (None when new), to pass back as write_file(expected_sha256=...) so that a
        file changed in between is not overwritten blindly ("absent" when it did not exist).
        """
        rel, data = self._check_write(path, content)
        with _Bucket(self.workspace) as bucket:
            dir_fd, name = bucket.open_write_parent(rel, create=False)
            current = None if dir_fd is None else _existing_target(dir_fd, name, rel)
            result = {"path": rel, "created": current is None, "size": len(data)}
            if current is None:
                result.update(current_content=None, current_sha256=None)
            else:
                digest, text = _hash_and_text(dir_fd, name, rel, text_limit=int(settings.ASSISTANT_WRITE_MAX_BYTES))
                result.update(current_content=text, current_sha256=digest, current_size=current.st_size)
        return result

    @_tool
    def write_file(self, path, content, expected_sha256=None) -> dict:
        """Create or overwrite a text file, atomically. The caller has already obtained approval.

        With `expected_sha256` (from preview_write), the write only happens if the file is
        still what was previewed: its hash, or "absent" for a file that must not exist yet;
        otherwise FILE_CHANGED and nothing is written.
        """
        if expected_sha256 is not None and not (
            isinstance(expected_sha256, str) and (expected_sha256 == "absent" or _SHA256.match(expected_sha256))
        ):
            raise AssistantError("INVALID_INPUT", 'expected_sha256 must be a 64-character hex SHA-256 or "absent".')
        rel, data = self._check_write(path, content)
        with _Bucket(self.workspace) as bucket:
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

    def _check_write(self, path, content) -> tuple[str, bytes]:
        role = self._role()
        if role not in WRITER_ROLES:
            who = f"a {role.lower()}" if role else "not a member"
            raise AssistantError(
                "PERMISSION_DENIED",
                f"The user is {who} of this workspace; only editors and admins can write files. Do not retry: "
                "give the content in your answer instead, or ask a workspace admin to change the user's role.",
            )
        if isinstance(path, str) and path.rpartition("/")[2] in ("", "."):
            raise AssistantError("INVALID_PATH", f"{_show(path)} names a folder. Give a file path such as 'notes/summary.md'.")
        rel = _clean_path(path)
        if rel == "":
            raise AssistantError("INVALID_PATH", "The bucket root is a folder. Give a file path such as 'notes/summary.md'.")
        if any(part.startswith(".") for part in rel.split("/")):
            raise AssistantError(
                "INVALID_PATH",
                f"{_show(rel)} has a hidden name (starting with '.'); the assistant does not write hidden files or "
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

    # ------------------------------------------------------------------ search_files

    @_tool
    def search_files(self, pattern, path="", contains=None) -> dict:
        """Files under `path` whose name matches a glob, optionally containing some text.

        Glob rules (matching is case-insensitive, as a person searching expects):
        `*` and `?` never cross a "/"; `**` as a whole component is any number of folders.
        A pattern without "/" is matched against the file name at any depth ("*.csv");
        with "/", against the path relative to `path` ("2024/*.csv" = directly in the
        folder 2024 right under `path`, "**/2024/*.xlsx" = in any folder named 2024). Match
        paths are relative to the bucket root, ready for read_file.

        Only regular files are reported; links are neither followed nor reported; hidden
        names are skipped. The walk is depth-first in name order, files of a folder before
        its sub-folders, and stops at SEARCH_MAX_RESULTS matches, SEARCH_MAX_SCANNED entries,
        SEARCH_MAX_CONTAINS_BYTES read or SEARCH_TIME_LIMIT_S, saying which (`reason`).
        """
        if not isinstance(pattern, str) or not pattern.strip():
            raise AssistantError("INVALID_INPUT", "pattern must be a non-empty glob such as '*.csv' or 'reports/**/*.md'.")
        if "\x00" in pattern or len(pattern) > MAX_PATTERN_CHARS:
            raise AssistantError("INVALID_INPUT", f"pattern must have no NUL byte and at most {MAX_PATTERN_CHARS} characters.")
        if contains is not None and (not isinstance(contains, str) or not contains or "\x00" in contains or len(contains) > 1000):
            raise AssistantError("INVALID_INPUT", "contains must be non-empty text of at most 1000 characters; omit it to match by name only.")
        regex, on_name, max_depth = _compile_glob(pattern)
        self._require_member()
        rel = _clean_path(path)
        with _Bucket(self.workspace) as bucket:
            fd = bucket.open_dir(bucket.resolve(rel), rel, listable=True)
            found = _search(fd, rel, regex, on_name, max_depth, contains.casefold() if contains else None)
        result = {"pattern": pattern, "path": rel, **found}
        if contains is not None:
            result["contains"] = contains
        return result

    # ------------------------------------------------------------------ access

    def _role(self):
        if not getattr(self.user, "is_authenticated", False):
            return None
        return self.workspace.role_of(self.user)

    def _require_member(self):
        if self._role() is None:
            raise AssistantError(
                "PERMISSION_DENIED",
                "The user is not a member of this workspace, so its files cannot be accessed. Do not retry.",
            )


# ---------------------------------------------------------------------- paths


def _show(path) -> str:
    """A path for a message: quoted, and short even when the model sent 5,000 characters."""
    text = str(path)
    return repr(text if len(text) <= 200 else text[:200] + "…")


def _display(name: str) -> str:
    """A file name that is not valid UTF-8 reaches Python with surrogate escapes, which some
    JSON encoders refuse; show it with U+FFFD instead (such a file cannot be named back)."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _clean_path(path) -> str:
    """The model's path as "a/b/c" relative to the root ("" for the root), or INVALID_PATH."""
    if path is None:
        path = ""
    if not isinstance(path, str):
        raise AssistantError("INVALID_INPUT", "path must be a string, relative to the bucket root.")
    if "\x00" in path:
        raise AssistantError("INVALID_PATH", f"{_show(path)} contains a NUL byte. Give the plain file path.")
    if "\\" in path:
        raise AssistantError("INVALID_PATH", f"{_show(path)} contains a backslash. Separate folders with '/', e.g. 'data/file.csv'.")
    if len(path) > MAX_PATH_CHARS:
        raise AssistantError("INVALID_PATH", f"The path is {len(path)} characters long; at most {MAX_PATH_CHARS} are allowed.")
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise AssistantError("INVALID_PATH", f"{_show(path)} contains control characters. Give the plain file path.")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise AssistantError(
            "INVALID_PATH",
            f"{_show(path)} contains '..'. Paths cannot go up a folder: write them from the bucket root, "
            "e.g. 'data/file.csv'.",
        )
    for part in parts:
        try:
            size = len(part.encode("utf-8"))
        except UnicodeEncodeError:
            raise AssistantError("INVALID_PATH", f"{_show(path)} is not valid Unicode text.") from None
        if size > MAX_NAME_BYTES:
            raise AssistantError("INVALID_PATH", f"A name in the path is {size} bytes long; at most {MAX_NAME_BYTES} are allowed.")
    return "/".join(parts)


def _inside(path: str, root: str) -> bool:
    # Whole components: "/b/hexa-abc-evil" shares a string prefix with "/b/hexa-abc", not a component.
    return os.path.commonpath([root, path]) == root


class _Bucket:
    """A descriptor on the resolved bucket root, and the descriptors opened below it, closed on exit."""

    def __init__(self, workspace):
        missing = AssistantError(
            "NOT_FOUND",
            "The workspace's file bucket does not exist or is not available right now, so no file can be "
            "listed, read or written. Tell the user; do not retry.",
        )
        try:
            self.real = os.path.realpath(bucket_path(workspace.bucket_name))
            self.fd = os.open(self.real, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except (ValueError, FileNotFoundError, NotADirectoryError):
            raise missing from None
        except OSError as error:
            raise _os_error(error, None) from None
        self._opened = [self.fd]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        for fd in reversed(self._opened):
            try:
                os.close(fd)
            except OSError:
                pass
        self._opened.clear()

    def _keep(self, fd: int) -> int:
        self._opened.append(fd)
        return fd

    def resolve(self, rel: str) -> tuple:
        """The components of `rel` below the root once links are resolved, or INVALID_PATH if it leaves."""
        real = os.path.realpath(os.path.join(self.real, rel))
        if not _inside(real, self.real):
            raise AssistantError(
                "INVALID_PATH",
                f"{_show(rel)} goes through a symbolic link that leads outside the workspace bucket; only files "
                "inside the bucket can be used. Pick another path.",
            )
        return tuple(part for part in os.path.relpath(real, self.real).split("/") if part != ".")

    def open_dir(self, parts, rel, *, listable=False, create=False) -> int:
        """A descriptor of the folder `parts` (resolved components), opened component by
        component with O_NOFOLLOW: a link appearing after resolve() stops the walk."""
        fd = self.fd
        for index, name in enumerate(parts):
            last = index == len(parts) - 1
            flags = _LIST_FLAGS if (last and listable) else _WALK_FLAGS
            try:
                try:
                    fd = self._keep(os.open(name, flags, dir_fd=fd))
                except FileNotFoundError:
                    if not create:
                        raise
                    try:
                        os.mkdir(name, 0o777, dir_fd=fd)  # mode filtered by the umask, like any new folder
                    except FileExistsError:
                        pass  # made concurrently: open it, with the same checks
                    fd = self._keep(os.open(name, flags, dir_fd=fd))
            except OSError as error:
                if error.errno in (errno.ENOTDIR, errno.ELOOP):
                    raise _not_a_folder(fd, name, rel, "/".join(parts[: index + 1])) from None
                raise _os_error(error, rel) from None
        return fd

    def open_file(self, parts, rel) -> tuple[int, os.stat_result]:
        """A read descriptor of the regular file `parts`, and its stat."""
        if not parts:
            raise AssistantError("NOT_A_FILE", "The bucket root is a folder. Use list_files to see what it contains.")
        dir_fd = self.open_dir(parts[:-1], rel)
        return _open_regular(dir_fd, parts[-1], rel, self._keep)

    def open_write_parent(self, rel, *, create) -> tuple[int | None, str]:
        """The descriptor of the folder that will hold `rel`, and the file name. None when a
        folder is missing and `create` is false (the file would be new)."""
        parent, _, name = rel.rpartition("/")
        # The parent is resolved (a link to a folder inside is fine); the name is not: a link
        # as the target is refused by _existing_target, never written through.
        parts = self.resolve(parent)
        try:
            return self.open_dir(parts, rel, create=create), name
        except AssistantError as error:
            if error.code == "NOT_FOUND" and not create:
                return None, name
            raise


def _not_a_folder(dir_fd, name, rel, component) -> AssistantError:
    """ENOTDIR/ELOOP while walking: tell a file in the way from a link that appeared (or loops)."""
    try:
        is_link = stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except OSError:
        is_link = False
    if is_link:
        return AssistantError(
            "INVALID_PATH",
            f"{_show(rel)} goes through a symbolic link that cannot be followed (a loop, or a link that changed "
            "while it was being opened). Pick another path.",
        )
    return AssistantError(
        "NOT_A_DIRECTORY",
        f"{_show(component)} is a file, not a folder, so {_show(rel)} cannot exist. Check the path with list_files.",
    )


def _open_regular(dir_fd, name, rel, keep) -> tuple[int, os.stat_result]:
    """Open `name` in `dir_fd` for reading only if it is a regular file, without ever opening anything else."""
    try:
        before = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError as error:
        raise _os_error(error, rel) from None
    _require_regular(before, rel)
    try:
        fd = keep(os.open(name, _READ_FLAGS, dir_fd=dir_fd))
    except OSError as error:
        raise _os_error(error, rel) from None
    after = os.fstat(fd)
    if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
        raise AssistantError("INVALID_PATH", f"{_show(rel)} changed while it was being opened. Try again.")
    return fd, after


def _require_regular(st, rel):
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise AssistantError("NOT_A_FILE", f"{_show(rel)} is a folder, not a file. Use list_files to see what it contains.")
    if stat.S_ISLNK(mode):  # only reachable when a link could not be resolved: a loop
        raise AssistantError("INVALID_PATH", f"{_show(rel)} is a symbolic link that cannot be resolved (a loop?). Pick another path.")
    kind = "named pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    raise AssistantError("NOT_A_FILE", f"{_show(rel)} is a special file (a {kind}), not a regular file, and cannot be used.")


_ERRNO_ERRORS = {
    errno.ENOENT: (
        "NOT_FOUND",
        "{path} does not exist in the workspace bucket (paths are relative to the bucket root; a leading '/' "
        "means the root). Use list_files or search_files to find the right path.",
    ),
    errno.ENOTDIR: ("NOT_A_DIRECTORY", "A part of {path} is a file, not a folder. Check the path with list_files."),
    errno.EISDIR: ("NOT_A_FILE", "{path} is a folder, not a file. Use list_files to see what it contains."),
    errno.EACCES: ("PERMISSION_DENIED", "The file system refused access to {path}. Try another file, or ask the user to check its permissions."),
    errno.EPERM: ("PERMISSION_DENIED", "The file system refused access to {path}. Try another file, or ask the user to check its permissions."),
    errno.EROFS: ("PERMISSION_DENIED", "The workspace bucket is read-only right now; {path} cannot be written. Tell the user."),
    errno.ENAMETOOLONG: ("INVALID_PATH", "{path} is too long for the file system. Use a shorter path."),
    errno.ELOOP: ("INVALID_PATH", "{path} goes through a symbolic link that cannot be followed. Pick another path."),
    errno.ENOSPC: ("IO_ERROR", "The workspace bucket is full; {path} could not be written. Tell the user."),
    errno.EDQUOT: ("IO_ERROR", "The workspace bucket's quota is exhausted; {path} could not be written. Tell the user."),
}


def _os_error(error: OSError, rel) -> AssistantError:
    reason = error.strerror or type(error).__name__
    code, message = _ERRNO_ERRORS.get(error.errno, ("IO_ERROR", "The file system failed on {path} ({reason}). Try again later."))
    shown = "the bucket" if rel is None else _show(rel) if rel else "the bucket root"
    return AssistantError(code, message.format(path=shown, reason=reason))


# ---------------------------------------------------------------------- listing


def _iso(timestamp: float) -> str:
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
    entry = {"name": _display(name), "path": _display(f"{rel}/{name}" if rel else name), "type": kind}
    if kind == "file":
        entry["size"] = st.st_size
    entry["modified"] = _iso(st.st_mtime)
    if kind == "symlink":
        # Resolved as a string; a target outside the bucket is never stat-ed.
        target = os.path.realpath(os.path.join(directory_real, name))
        entry["target_inside"] = _inside(target, bucket.real)
        if entry["target_inside"]:
            try:
                entry["target_type"] = _type_of(os.stat(target, follow_symlinks=False).st_mode)
            except OSError:
                entry["target_type"] = "missing"
    return entry


# ---------------------------------------------------------------------- reading


def _binary_kind(window: bytes) -> str | None:
    """Why the first bytes of a file look binary, or None for UTF-8 text."""
    for magic, kind in MAGIC_NUMBERS:
        if window.startswith(magic):
            return kind
    if b"\x00" in window:
        return "binary data (contains NUL bytes)"
    try:
        # final=False: a multibyte character cut by the end of the window is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(window, final=len(window) < SNIFF_BYTES)
    except UnicodeDecodeError:
        return "not UTF-8 text"
    return None


def _binary_error(rel, size, kind) -> AssistantError:
    mime_type = mimetypes.guess_type(rel)[0]
    spreadsheet = any(word in (mime_type or "") for word in ("spreadsheet", "excel"))
    hint = " If it is a spreadsheet, ask the user for a CSV export of it." if spreadsheet else ""
    return AssistantError(
        "BINARY_FILE",
        f"{_show(rel)} is not a text file ({kind}; {size} bytes) and cannot be read with read_file.{hint}",
        size=size,
        mime_type=mime_type,
        kind=kind,
    )


def _trim_utf8(block: bytes) -> bytes:
    """`block` without a multibyte character cut in half at its end."""
    index, back = len(block) - 1, 0
    while index >= 0 and back < 3 and block[index] & 0xC0 == 0x80:  # continuation bytes
        index, back = index - 1, back + 1
    if index < 0:
        return block
    lead = block[index]
    needed = 1 if lead < 0x80 else 2 if lead >> 5 == 0b110 else 3 if lead >> 4 == 0b1110 else 4 if lead >> 3 == 0b11110 else 1
    return block if len(block) - index >= needed else block[:index]


def _nth_newline(data, n: int) -> int:
    index = -1
    for _ in range(n):
        index = data.index(b"\n", index + 1)
    return index


def _read_lines(fd, first: int, last: int | None, cap: int, rel) -> tuple[bytes, int, bool]:
    """Lines first..last (or to the end) of the file, at most `cap` bytes of them.

    Returns (block, byte offset of the block, partial): the block ends at a line boundary
    unless a single line is longer than the cap (partial), then it ends at a character
    boundary. Reads at most cap + one chunk past the start of line `first`."""
    line, offset, pending, last_byte = 1, 0, b"", b""
    while line < first:
        chunk = os.read(fd, SKIP_CHUNK)
        if not chunk:
            total = line if last_byte not in (b"", b"\n") else line - 1
            raise _past_end(first, total, rel)
        newlines = chunk.count(b"\n")
        if line + newlines < first:
            line, offset, last_byte = line + newlines, offset + len(chunk), chunk[-1:]
            continue
        cut = _nth_newline(chunk, first - line) + 1
        line, offset, pending = first, offset + cut, chunk[cut:]
    wanted = None if last is None else last - first + 1
    buffer, newlines = bytearray(pending), pending.count(b"\n")
    while (wanted is None or newlines < wanted) and len(buffer) <= cap:
        chunk = os.read(fd, READ_CHUNK)
        if not chunk:
            break
        buffer += chunk
        newlines += chunk.count(b"\n")
    if wanted is not None and newlines >= wanted:
        del buffer[_nth_newline(buffer, wanted) + 1 :]
    if not buffer and first > 1:  # the file ends right after line first - 1
        raise _past_end(first, first - 1, rel)
    if len(buffer) <= cap:
        return bytes(buffer), offset, False
    block = bytes(buffer[:cap])
    end = block.rfind(b"\n")
    if end >= 0:
        return block[: end + 1], offset, False
    return _trim_utf8(block), offset, True


def _past_end(first, total, rel) -> AssistantError:
    return AssistantError(
        "INVALID_INPUT",
        f"start_line {first} is past the end of {_show(rel)}, which has {total} line(s). "
        + (f"Use a start_line between 1 and {total}." if total else "The file is empty."),
        line_count=total,
    )


# ---------------------------------------------------------------------- writing


def _existing_target(dir_fd, name, rel) -> os.stat_result | None:
    """The stat of the regular file that a write would replace, None if absent; refuse anything else."""
    try:
        st = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _os_error(error, rel) from None
    if stat.S_ISLNK(st.st_mode):
        raise AssistantError(
            "NOT_A_FILE",
            f"{_show(rel)} is a symbolic link; the assistant does not write through links. Write to another path.",
        )
    if stat.S_ISDIR(st.st_mode):
        raise AssistantError("NOT_A_FILE", f"{_show(rel)} is a folder; a file cannot replace it. Write to a path inside it, or another name.")
    _require_regular(st, rel)
    return st


def _hash_and_text(dir_fd, name, rel, text_limit: int | None) -> tuple[str, str | None]:
    """SHA-256 of the file (streamed: memory stays flat), and its text if small and not binary."""
    fd, st = _open_regular(dir_fd, name, rel, lambda fd: fd)
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
    if keep_text and _binary_kind(head) is None:
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
            f"{_show(rel)} {state} since the write was prepared, so nothing was written. Read the file again and "
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
        raise _os_error(error, rel) from None
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
            raise _os_error(error, rel) from None
        raise


# ---------------------------------------------------------------------- searching


def _compile_glob(pattern: str):
    """(regex, match on the file name only, deepest folder level that can match or None)."""
    pattern = pattern.strip().lstrip("/")
    if not pattern:
        raise AssistantError("INVALID_INPUT", "pattern must name files, e.g. '*.csv'.")
    out, index, size = [], 0, len(pattern)
    while index < size:
        char = pattern[index]
        if char == "*":
            stars = len(pattern[index:]) - len(pattern[index:].lstrip("*"))
            whole = (index == 0 or pattern[index - 1] == "/") and stars >= 2
            after = index + stars
            if whole and after < size and pattern[after] == "/":
                out.append("(?:[^/]*/)*")  # "**/": zero or more folders
                index = after + 1
                continue
            out.append(".*" if whole and after == size else "[^/]*")  # trailing "**": anything below
            index = after
            continue
        if char == "?":
            out.append("[^/]")
        elif char == "[":
            end = index + 1
            if end < size and pattern[end] == "!":
                end += 1
            if end < size and pattern[end] == "]":
                end += 1
            while end < size and pattern[end] != "]":
                end += 1
            if end >= size:
                out.append(re.escape(char))  # no closing bracket: a literal "["
            else:
                body = pattern[index + 1 : end]
                negate = body.startswith("!")
                body = re.sub(r"([\\\[&~|^])", r"\\\1", body[1:] if negate else body)
                out.append(f"(?!/)[{'^' if negate else ''}{body}]")  # a class never matches "/"
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    try:
        regex = re.compile("".join(out), re.IGNORECASE | re.DOTALL)
    except re.error as error:
        raise AssistantError("INVALID_INPUT", f"pattern {_show(pattern)} is not a valid glob ({error}).") from None
    on_name = "/" not in pattern
    max_depth = None if on_name or "**" in pattern else pattern.count("/")
    return regex, on_name, max_depth


def _scan(fd, budget: int) -> tuple[list, int, bool]:
    """(name, is_folder) for the visible files then folders of `fd`, each group by name; the
    number of entries read; whether `budget` entries were read before the end."""
    files, folders, read, exhausted = [], [], 0, False
    with os.scandir(fd) as iterator:
        for entry in iterator:
            if read >= budget:
                exhausted = True
                break
            read += 1
            if entry.name.startswith("."):
                continue
            try:  # d_type: no stat per entry; links and special files are neither
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.name)
                elif entry.is_file(follow_symlinks=False):
                    files.append(entry.name)
            except OSError:
                continue
    return [(n, False) for n in _sorted(files)] + [(n, True) for n in _sorted(folders)], read, exhausted


def _sorted(names: list) -> list:
    """By name, case-insensitive; names equal but for case by code point, so the order is stable.
    Two passes with plain string keys: several times faster than one sort on (casefold, name)
    tuples, which matters for a folder of 50,000 entries."""
    names.sort()
    names.sort(key=str.casefold)
    return names


_STOP_NOTES = {
    "max_results": "Stopped after the first {n} matches; there may be more. Use a more specific pattern or path.",
    "max_scanned": "Stopped after looking at {n} entries. Search a sub-folder with `path`, or use a more specific pattern.",
    "max_bytes_read": "Stopped after reading {n} bytes of file contents for `contains`. Narrow `path` or `pattern` so fewer files are read.",
    "time_limit": "Stopped after {n} seconds. Search a sub-folder with `path`, or use a more specific pattern.",
}


def _search(start_fd, base, regex, on_name, max_depth, needle) -> dict:
    deadline = time.monotonic() + SEARCH_TIME_LIMIT_S
    matches, scanned, read_bytes, reason = [], 0, 0, None
    skipped = {"too_large": 0, "binary": 0, "unreadable": 0}
    entries, scanned, exhausted = _scan(start_fd, SEARCH_MAX_SCANNED)
    if exhausted:
        reason = "max_scanned"
    # Depth-first, one open descriptor per level: (descriptor, path relative to the search root, entries, depth).
    stack = [(start_fd, "", iter(entries), 0)]
    try:
        while stack and reason is None:
            if time.monotonic() > deadline:
                reason = "time_limit"
                break
            fd, prefix, iterator, depth = stack[-1]
            item = next(iterator, None)
            if item is None:
                stack.pop()
                if fd != start_fd:
                    os.close(fd)
                continue
            name, is_folder = item
            relative = prefix + name
            if is_folder:
                if depth + 1 > (SEARCH_MAX_DEPTH if max_depth is None else max_depth):
                    continue  # no match can be that deep
                try:
                    child = os.open(name, _LIST_FLAGS, dir_fd=fd)  # O_NOFOLLOW: a link swapped in is not entered
                except OSError:
                    skipped["unreadable"] += 1
                    continue
                try:
                    children, count, exhausted = _scan(child, SEARCH_MAX_SCANNED - scanned)
                except OSError:
                    os.close(child)
                    skipped["unreadable"] += 1
                    continue
                stack.append((child, relative + "/", iter(children), depth + 1))
                scanned += count
                if exhausted:
                    reason = "max_scanned"
                continue
            if not regex.fullmatch(name if on_name else relative):
                continue
            try:
                st = os.stat(name, dir_fd=fd, follow_symlinks=False)
            except OSError:
                continue
            if not stat.S_ISREG(st.st_mode):
                continue
            if needle is not None:
                if st.st_size > SEARCH_CONTAINS_MAX_FILE_BYTES:
                    skipped["too_large"] += 1
                    continue
                if read_bytes + st.st_size > SEARCH_MAX_CONTAINS_BYTES:
                    reason = "max_bytes_read"
                    break
                text, size = _small_text(fd, name)
                read_bytes += size
                if text is None:
                    skipped["binary" if size else "unreadable"] += 1
                    continue
                if needle not in text.casefold():
                    continue
            path = f"{base}/{relative}" if base else relative
            matches.append({"path": _display(path), "size": st.st_size, "modified": _iso(st.st_mtime)})
            if len(matches) >= SEARCH_MAX_RESULTS:
                reason = "max_results"
    finally:
        for fd, *_ in stack:
            if fd != start_fd:
                os.close(fd)
    result = {"matches": matches, "match_count": len(matches), "scanned": scanned, "truncated": reason is not None}
    if reason:
        limit = {
            "max_results": SEARCH_MAX_RESULTS,
            "max_scanned": SEARCH_MAX_SCANNED,
            "max_bytes_read": SEARCH_MAX_CONTAINS_BYTES,
            "time_limit": SEARCH_TIME_LIMIT_S,
        }[reason]
        result["reason"] = reason
        result["note"] = _STOP_NOTES[reason].format(n=f"{limit:g}" if isinstance(limit, float) else limit)
    if needle is not None:
        result["bytes_read"] = read_bytes
        result["skipped"] = {key: value for key, value in skipped.items() if value}
    return result


def _small_text(dir_fd, name) -> tuple[str | None, int]:
    """The text of a small regular file, or None if binary or unreadable; and the bytes read."""
    try:
        fd, st = _open_regular(dir_fd, name, name, lambda fd: fd)
    except AssistantError:
        return None, 0
    try:
        data, size = bytearray(), min(st.st_size, SEARCH_CONTAINS_MAX_FILE_BYTES)
        while len(data) < size and (chunk := os.read(fd, size - len(data))):
            data += chunk
    except OSError:
        return None, 0
    finally:
        os.close(fd)
    if _binary_kind(bytes(data[:SNIFF_BYTES])) is not None:
        return None, len(data)
    return data.decode("utf-8", errors="replace"), len(data)


def _int_argument(name, value, *, default, low, high=None):
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool):
        raise AssistantError("INVALID_INPUT", f"{name} must be an integer.")
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" + (f" and at most {high}" if high is not None else "")
        raise AssistantError("INVALID_INPUT", f"{name} must be {bounds} (got {value}).")
    return value
