"""A workspace bucket as the file tools see it: paths cleaned and confined to the bucket,
folders and files opened without following links, OS errors translated into AssistantErrors.

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
"""

import errno
import os
import stat

from hexa.files.api import bucket_path

from ..errors import AssistantError

MAX_PATH_CHARS = 1024
MAX_NAME_BYTES = 255  # NAME_MAX of common Linux file systems

# Traversal opens intermediate folders with O_PATH where available (needs only search
# permission, like a normal path lookup); a folder to list needs a readable descriptor.
_O_PATH = getattr(os, "O_PATH", os.O_RDONLY)
_WALK_FLAGS = _O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
LIST_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def show(path) -> str:
    """A path for a message: quoted, and short even when the model sent 5,000 characters."""
    text = str(path)
    return repr(text if len(text) <= 200 else text[:200] + "…")


def display(name: str) -> str:
    """A file name that is not valid UTF-8 reaches Python with surrogate escapes, which some
    JSON encoders refuse; show it with U+FFFD instead (such a file cannot be named back)."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def clean_path(path) -> str:
    """The model's path as "a/b/c" relative to the root ("" for the root), or INVALID_PATH."""
    if path is None:
        path = ""
    if not isinstance(path, str):
        raise AssistantError("INVALID_INPUT", "path must be a string, relative to the bucket root.")
    if "\x00" in path:
        raise AssistantError("INVALID_PATH", f"{show(path)} contains a NUL byte. Give the plain file path.")
    if "\\" in path:
        raise AssistantError("INVALID_PATH", f"{show(path)} contains a backslash. Separate folders with '/', e.g. 'data/file.csv'.")
    if len(path) > MAX_PATH_CHARS:
        raise AssistantError("INVALID_PATH", f"The path is {len(path)} characters long; at most {MAX_PATH_CHARS} are allowed.")
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise AssistantError("INVALID_PATH", f"{show(path)} contains control characters. Give the plain file path.")
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise AssistantError(
            "INVALID_PATH",
            f"{show(path)} contains '..'. Paths cannot go up a folder: write them from the bucket root, "
            "e.g. 'data/file.csv'.",
        )
    for part in parts:
        try:
            size = len(part.encode("utf-8"))
        except UnicodeEncodeError:
            raise AssistantError("INVALID_PATH", f"{show(path)} is not valid Unicode text.") from None
        if size > MAX_NAME_BYTES:
            raise AssistantError("INVALID_PATH", f"A name in the path is {size} bytes long; at most {MAX_NAME_BYTES} are allowed.")
    return "/".join(parts)


def inside(path: str, root: str) -> bool:
    # Whole components: "/b/hexa-abc-evil" shares a string prefix with "/b/hexa-abc", not a component.
    return os.path.commonpath([root, path]) == root


class Bucket:
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
            raise os_error(error, None) from None
        self._opened = [self.fd]
        self.workspace = workspace  # its datasets' files are read too (dataset_files.py)

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
        if not inside(real, self.real):
            raise AssistantError(
                "INVALID_PATH",
                f"{show(rel)} goes through a symbolic link that leads outside the workspace bucket; only files "
                "inside the bucket can be used. Pick another path.",
            )
        return tuple(part for part in os.path.relpath(real, self.real).split("/") if part != ".")

    def open_dir(self, parts, rel, *, listable=False, create=False) -> int:
        """A descriptor of the folder `parts` (resolved components), opened component by
        component with O_NOFOLLOW: a link appearing after resolve() stops the walk."""
        fd = self.fd
        for index, name in enumerate(parts):
            last = index == len(parts) - 1
            flags = LIST_FLAGS if (last and listable) else _WALK_FLAGS
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
                raise os_error(error, rel) from None
        return fd

    def open_file(self, parts, rel) -> tuple[int, os.stat_result]:
        """A read descriptor of the regular file `parts`, and its stat."""
        if not parts:
            raise AssistantError("NOT_A_FILE", "The bucket root is a folder. Use list_files to see what it contains.")
        dir_fd = self.open_dir(parts[:-1], rel)
        return open_regular(dir_fd, parts[-1], rel, self._keep)

    def open_write_parent(self, rel, *, create) -> tuple[int | None, str]:
        """The descriptor of the folder that will hold `rel`, and the file name. None when a
        folder is missing and `create` is false (the file would be new)."""
        parent, _, name = rel.rpartition("/")
        # The parent is resolved (a link to a folder inside is fine); the name is not: a link
        # as the target is refused by writing._existing_target, never written through.
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
            f"{show(rel)} goes through a symbolic link that cannot be followed (a loop, or a link that changed "
            "while it was being opened). Pick another path.",
        )
    return AssistantError(
        "NOT_A_DIRECTORY",
        f"{show(component)} is a file, not a folder, so {show(rel)} cannot exist. Check the path with list_files.",
    )


def open_regular(dir_fd, name, rel, keep) -> tuple[int, os.stat_result]:
    """Open `name` in `dir_fd` for reading only if it is a regular file, without ever opening anything else."""
    try:
        before = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except OSError as error:
        raise os_error(error, rel) from None
    require_regular(before, rel)
    try:
        fd = keep(os.open(name, _READ_FLAGS, dir_fd=dir_fd))
    except OSError as error:
        raise os_error(error, rel) from None
    after = os.fstat(fd)
    if not stat.S_ISREG(after.st_mode) or (after.st_dev, after.st_ino) != (before.st_dev, before.st_ino):
        raise AssistantError("INVALID_PATH", f"{show(rel)} changed while it was being opened. Try again.")
    return fd, after


def require_regular(st, rel):
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise AssistantError("NOT_A_FILE", f"{show(rel)} is a folder, not a file. Use list_files to see what it contains.")
    if stat.S_ISLNK(mode):  # only reachable when a link could not be resolved: a loop
        raise AssistantError("INVALID_PATH", f"{show(rel)} is a symbolic link that cannot be resolved (a loop?). Pick another path.")
    kind = "named pipe" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device"
    raise AssistantError("NOT_A_FILE", f"{show(rel)} is a special file (a {kind}), not a regular file, and cannot be used.")


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


def os_error(error: OSError, rel) -> AssistantError:
    reason = error.strerror or type(error).__name__
    code, message = _ERRNO_ERRORS.get(error.errno, ("IO_ERROR", "The file system failed on {path} ({reason}). Try again later."))
    shown = "the bucket" if rel is None else show(rel) if rel else "the bucket root"
    return AssistantError(code, message.format(path=shown, reason=reason))
