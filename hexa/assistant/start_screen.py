"""What a new conversation's start screen shows: what the assistant can reach in the
workspace (its tables, the top of its bucket) and example questions built from them.

Read through the same tools the model uses, as the user, so it shows exactly what the
assistant could reach for them; a part that cannot be read is left empty, never an error.
"""

from .errors import is_error
from .tool_executors import UserDatabaseTools, UserFileSystemTools

MAX_TABLES = 8
MAX_ENTRIES = 8
TABLE_FILES = (".csv", ".tsv", ".xlsx", ".xls", ".ods", ".parquet")


def _tables(user, workspace) -> tuple[list[dict], int]:
    described = UserDatabaseTools(user, workspace).describe_tables()
    if is_error(described):
        return [], 0
    tables = [
        {"name": t["name"], "kind": t.get("kind") or "table", "row_estimate": t.get("row_estimate")}
        for t in described.get("tables", [])
    ]
    return tables[:MAX_TABLES], described.get("table_count", len(tables))


def _entries(user, workspace) -> tuple[list[dict], int]:
    listed = UserFileSystemTools(user, workspace).list_files("", page=1, per_page=MAX_ENTRIES)
    if is_error(listed):
        return [], 0
    entries = [{"name": e["name"], "is_directory": e["type"] == "directory"} for e in listed.get("entries", [])]
    return entries, listed.get("total", len(entries))


def _data_file(user, workspace) -> str | None:
    """A table file somewhere near the top of the bucket, for an example question."""
    found = UserFileSystemTools(user, workspace).search_files("*.*", "")
    if is_error(found):
        return None
    for match in found.get("matches", []):
        path = match.get("path") if isinstance(match, dict) else None
        if isinstance(path, str) and path.lower().endswith(TABLE_FILES):
            return path
    return None


def start_screen(user, workspace) -> dict:
    tables, table_count = _tables(user, workspace)
    entries, entry_count = _entries(user, workspace)
    examples = []
    real_tables = [t for t in tables if t["kind"] == "table"] or tables
    if real_tables:
        examples.append(f"What is in the {real_tables[0]['name']} table?")
    if len(real_tables) > 1:
        examples.append(f"How many rows does {real_tables[1]['name']} have, and what does one row stand for?")
    data_file = _data_file(user, workspace) if entries else None
    if data_file:
        examples.append(f"Summarise {data_file}")
    if entries:
        examples.append("Which files are in the bucket?")
    if not examples:
        examples.append("What can you do in this workspace?")
    return {
        "tables": tables,
        "table_count": table_count,
        "entries": entries,
        "entry_count": entry_count,
        "examples": examples,
    }
