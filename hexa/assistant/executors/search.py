"""search_files' work: globs compiled to regular expressions, and a bounded walk of the bucket."""

import os
import re
import stat
import time

from ..errors import AssistantError
from .bucket import LIST_FLAGS, display, open_regular, show
from .listing import iso, sorted_names
from .reading import SNIFF_BYTES, binary_kind

# search_files does bounded work; tests lower these to exercise truncation.
SEARCH_MAX_RESULTS = 200
SEARCH_MAX_SCANNED = 200_000  # directory entries looked at
SEARCH_MAX_CONTAINS_BYTES = 20_000_000  # file content read for `contains`, all files together
SEARCH_CONTAINS_MAX_FILE_BYTES = 1_000_000  # larger files are not looked into
SEARCH_TIME_LIMIT_S = 10.0  # a slow FUSE mount must not hold a turn forever
SEARCH_MAX_DEPTH = 64  # one open descriptor per level while walking


def compile_glob(pattern: str):
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
        raise AssistantError("INVALID_INPUT", f"pattern {show(pattern)} is not a valid glob ({error}).") from None
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
    return [(n, False) for n in sorted_names(files)] + [(n, True) for n in sorted_names(folders)], read, exhausted


_STOP_NOTES = {
    "max_results": "Stopped after the first {n} matches; there may be more. Use a more specific pattern or path.",
    "max_scanned": "Stopped after looking at {n} entries. Search a sub-folder with `path`, or use a more specific pattern.",
    "max_bytes_read": "Stopped after reading {n} bytes of file contents for `contains`. Narrow `path` or `pattern` so fewer files are read.",
    "time_limit": "Stopped after {n} seconds. Search a sub-folder with `path`, or use a more specific pattern.",
}


def search_folder(start_fd, base, regex, on_name, max_depth, needle) -> dict:
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
                    child = os.open(name, LIST_FLAGS, dir_fd=fd)  # O_NOFOLLOW: a link swapped in is not entered
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
            matches.append({"path": display(path), "size": st.st_size, "modified": iso(st.st_mtime)})
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
        fd, st = open_regular(dir_fd, name, name, lambda fd: fd)
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
    if binary_kind(bytes(data[:SNIFF_BYTES])) is not None:
        return None, len(data)
    return data.decode("utf-8", errors="replace"), len(data)
