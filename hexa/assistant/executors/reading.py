"""read_file's work: telling text from binary, and reading a range of lines without reading the file."""

import codecs
import mimetypes
import os

from ..errors import AssistantError
from .bucket import show
from .dataset_files import open_named

SNIFF_BYTES = 8192  # how much of a file decides "text or binary"
READ_CHUNK = 64 * 1024
SKIP_CHUNK = 1024 * 1024  # line ranges skip lines by counting b"\n" in large reads

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


def read_file(bucket, rel, start_line, end_line, cap) -> dict:
    """The text of the file `rel`, at most `cap` bytes of it (see UserFileSystemTools.read_file)."""
    fd, st = open_named(bucket, rel)  # a bucket path, or a dataset file (dataset:…)
    kind = binary_kind(os.pread(fd, SNIFF_BYTES, 0))
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


def binary_kind(window: bytes) -> str | None:
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
        f"{show(rel)} is not a text file ({kind}; {size} bytes) and cannot be read with read_file.{hint}",
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
        f"start_line {first} is past the end of {show(rel)}, which has {total} line(s). "
        + (f"Use a start_line between 1 and {total}." if total else "The file is empty."),
        line_count=total,
    )
