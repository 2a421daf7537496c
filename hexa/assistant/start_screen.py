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

# The example questions, in English (the page has them in each of its languages, by kind).
EXAMPLES = {
    "TABLE_CONTENTS": "What is in the {subject} table?",
    "TABLE_ROWS": "How many rows does {subject} have, and what does one row stand for?",
    "SUMMARISE_FILE": "Summarise {subject}",
    "BUCKET_FILES": "Which files are in the bucket?",
    "CAPABILITIES": "What can you do in this workspace?",
}


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
    examples = []  # (kind, subject): the page writes each in the reader's language
    real_tables = [t for t in tables if t["kind"] == "table"] or tables
    if real_tables:
        examples.append(("TABLE_CONTENTS", real_tables[0]["name"]))
    if len(real_tables) > 1:
        examples.append(("TABLE_ROWS", real_tables[1]["name"]))
    data_file = _data_file(user, workspace) if entries else None
    if data_file:
        examples.append(("SUMMARISE_FILE", data_file))
    if entries:
        examples.append(("BUCKET_FILES", None))
    if not examples:
        examples.append(("CAPABILITIES", None))
    return {
        "tables": tables,
        "table_count": table_count,
        "entries": entries,
        "entry_count": entry_count,
        "examples": [EXAMPLES[kind].format(subject=subject) for kind, subject in examples],
        "example_questions": [
            {"kind": kind, "subject": subject, "text": EXAMPLES[kind].format(subject=subject)} for kind, subject in examples
        ],
    }
