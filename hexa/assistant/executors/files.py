"""The assistant's file tools, confined to one workspace bucket and checked for one user.

    fs = UserFileSystemTools(user, workspace)
    fs.list_files(path="", page=1, per_page=100)
    fs.read_file(path, start_line=None, end_line=None, sheet=None)   # tables: CSV, Parquet, sheets
    fs.search_files(pattern, path="", contains=None)
    fs.query_files(sql, files, limit=None)                # one SELECT over CSV/Parquet/XLSX files (DuckDB)
    fs.preview_write(path, content)                       # every check of write_file, nothing written
    fs.write_file(path, content, expected_sha256=None)

Every public method returns a JSON-serialisable dict; a failure is
`{"error": {"code", "message", ...}}` and never an exception. Codes: INVALID_PATH, NOT_FOUND,
NOT_A_FILE, NOT_A_DIRECTORY, FILE_TOO_LARGE, BINARY_FILE, PERMISSION_DENIED, INVALID_INPUT,
FILE_CHANGED, IO_ERROR (an unexpected OS error, e.g. EIO on the FUSE mount or a full disk),
INTERNAL_ERROR (a bug, logged); for table files and query_files also UNSUPPORTED_FORMAT,
UNREADABLE_FILE, TOO_MANY_FILES, UNKNOWN_TABLE, FUNCTION_NOT_ALLOWED, NOT_ALLOWED,
MEMORY_LIMIT and the SQL codes (INVALID_SQL, NOT_READ_ONLY, MULTIPLE_STATEMENTS,
QUERY_TIMEOUT, QUERY_ERROR), each refusal with a `rule`.

How the work is split (this module is the facade: arguments, permissions, one bucket per call):

- bucket.py: path rules (cleaning, confinement to the bucket, opening without following
  links) and OS errors as error codes;
- listing.py, reading.py, writing.py, search.py: the work of list_files, read_file,
  preview_write/write_file and search_files;
- file_query.py (with file_tables.py, file_sql_guard.py, spreadsheets.py): query_files, and
  read_file on table files (CSV/TSV, Parquet, XLSX/XLS/ODS).

Permissions are OpenHEXA's (hexa/files/permissions.py), checked at each call: writes need
`files.write_files` (an EDITOR or ADMIN membership), every other tool `files.read_files` (any
membership; the assistant only runs for members, this is defence in depth).
"""

import re

from django.conf import settings

from ..errors import AssistantError
from . import dataset_files, file_query, listing, reading, search, writing
from .bucket import Bucket, clean_path, os_error
from .file_tables import file_format
from .errors import requires, tool_method

MAX_PER_PAGE = 500
MAX_PATTERN_CHARS = 1000
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")

_NOT_A_MEMBER = "The user is not a member of this workspace, so its files cannot be accessed. Do not retry."


def _write_refusal(tools) -> str:
    # The role is read only to say why a write was refused.
    user = tools.user
    role = tools.workspace.role_of(user) if getattr(user, "is_active", False) else None
    who = f"a {role.lower()}" if role else "not a member"
    return (
        f"The user is {who} of this workspace; only editors and admins can write files. Do not retry: "
        "give the content in your answer instead, or ask a workspace admin to change the user's role."
    )


def _translate(error):
    # an OS error that no step translated with its path: still typed
    return os_error(error, None) if isinstance(error, OSError) else None


_tool = tool_method(translate=_translate)


class UserFileSystemTools:
    """The bucket of `workspace`, as seen by `user` through the assistant."""

    def __init__(self, user, workspace):
        self.user = user
        self.workspace = workspace

    # ------------------------------------------------------------------ list_files

    @_tool
    @requires("files.read_files", _NOT_A_MEMBER)
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
        rel = clean_path(path)
        with Bucket(self.workspace) as bucket:
            return listing.list_folder(bucket, rel, page, per_page)

    # ------------------------------------------------------------------ read_file

    @_tool
    @requires("files.read_files", _NOT_A_MEMBER)
    def read_file(self, path, start_line=None, end_line=None, sheet=None) -> dict:
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
        rel = path.strip() if dataset_files.is_dataset_path(path) else clean_path(path)
        cap = int(settings.ASSISTANT_READ_MAX_BYTES)
        fmt = file_format(rel)
        if sheet is not None and (not isinstance(sheet, (str, int)) or isinstance(sheet, bool)):
            raise AssistantError("INVALID_INPUT", "sheet must be a sheet name or a 0-based index.")
        with Bucket(self.workspace) as bucket:
            if fmt in ("parquet", "xlsx", "xls", "ods"):
                # A binary table file: columns with types and a page of rows (file_query.read_table);
                # start_line/end_line count data rows, the header excluded.
                _, st = dataset_files.open_named(bucket, rel)
                return file_query.read_table(bucket, rel, fmt, st, start_line, end_line, sheet)
            if sheet is not None:
                raise AssistantError("INVALID_INPUT", "sheet is only for spreadsheets (.xlsx, .xls, .ods).")
            result = reading.read_file(bucket, rel, start_line, end_line, cap)
            if fmt == "csv" and result["start_line"] == 1:
                # the text as for any file, and what DuckDB makes of its head, for query_files
                result.update(file_query.csv_header(bucket, rel, result["size"], result["content"]))
            return result

    # ------------------------------------------------------------------ writing

    @_tool
    @requires("files.write_files", _write_refusal)
    def preview_write(self, path, content) -> dict:
        """Every check of write_file (role, path, size, target type), nothing written.

        For an approval step: `current_content` is the existing text (None when the file is
        new, binary or larger than the write cap, i.e. not worth a diff) and `current_sha256`
        its hash (None when new), to pass back as write_file(expected_sha256=...) so that a
        file changed in between is not overwritten blindly ("absent" when it did not exist).
        """
        rel, data = writing.check_write(path, content)
        with Bucket(self.workspace) as bucket:
            return writing.preview_write(bucket, rel, data)

    @_tool
    @requires("files.write_files", _write_refusal)
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
        rel, data = writing.check_write(path, content)
        with Bucket(self.workspace) as bucket:
            return writing.write_file(bucket, rel, data, expected_sha256)

    # ------------------------------------------------------------------ query_files

    @_tool
    @requires("files.read_files", _NOT_A_MEMBER)
    def query_files(self, sql, files, limit=None) -> dict:
        """One read-only SQL query (DuckDB) over bucket files named in `files`
        ({table name: path, glob or {"path", "sheet"}}); see file_query.py and file_tables.py
        for the result and for how the files are confined."""
        with Bucket(self.workspace) as bucket:
            return file_query.query_files(bucket, sql, files, limit)

    # ------------------------------------------------------------------ search_files

    @_tool
    @requires("files.read_files", _NOT_A_MEMBER)
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
        regex, on_name, max_depth = search.compile_glob(pattern)
        rel = clean_path(path)
        with Bucket(self.workspace) as bucket:
            fd = bucket.open_dir(bucket.resolve(rel), rel, listable=True)
            found = search.search_folder(fd, rel, regex, on_name, max_depth, contains.casefold() if contains else None)
        result = {"pattern": pattern, "path": rel, **found}
        if contains is not None:
            result["contains"] = contains
        return result


def _int_argument(name, value, *, default, low, high=None):
    if value is None:
        return default
    if not isinstance(value, int) or isinstance(value, bool):
        raise AssistantError("INVALID_INPUT", f"{name} must be an integer.")
    if value < low or (high is not None and value > high):
        bounds = f"at least {low}" + (f" and at most {high}" if high is not None else "")
        raise AssistantError("INVALID_INPUT", f"{name} must be {bounds} (got {value}).")
    return value

