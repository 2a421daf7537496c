"""The offline stand-in model's words for data files as tables (query_files, read_file on a workbook).

    pick_file_tools(text, available) -> [(tool name, input)] or [] (then demo.py picks as before)

- "total confirmed cases per district in data/raw/2024/*.csv" -> query_files, a GROUP BY over
  the file or glob ("total", "sum of", "average", "number of rows … per/by <column>");
- "what is in the HMIS workbook?", "show the Facilities sheet of data/x.xlsx" -> read_file of
  the workbook (the demo's when none is named), with `sheet` when a sheet is named.
"""

from __future__ import annotations

import re

DEMO_WORKBOOK = "data/hmis/hmis_monthly_2024.xlsx"
TABLE_EXTENSIONS = "csv|tsv|parquet|pq|xlsx|xlsm|xls|ods"

# a path or a glob of table files: "data/raw/2024/*.csv", "data/processed/reports.parquet"
_TABLE_PATH = re.compile(rf"(?<![\w/.*-])((?:[\w*-]+/)*[\w*][\w.*-]*\.(?:{TABLE_EXTENSIONS}))(?![\w-])", re.IGNORECASE)
_AGGREGATE = re.compile(
    r"\b(total|sum of|average|mean|number of|count of)\s+(?:the\s+)?([a-z][\w ]*?)\s+(?:per|by|for each)\s+"
    r"([a-z][\w]*)",
    re.IGNORECASE,
)
_SHEET = re.compile(r"\b(?:the\s+)?[`\"']?([\w ]+?)[`\"']?\s+sheet\b|\bsheet\s+[`\"']?([\w]+)", re.IGNORECASE)
_WORKBOOK_WORDS = re.compile(r"\b(workbook|spreadsheet|excel)\b", re.IGNORECASE)
_NOT_SHEETS = {"the", "a", "this", "that", "which", "each", "first", "what", "in"}


def _column(words: str) -> str:
    """'confirmed cases' -> confirmed_cases: how the demo's files name their columns."""
    return re.sub(r"\W+", "_", words.strip().lower()).strip("_")


def _identifier(name: str) -> str:
    return name if re.fullmatch(r"[a-z_][a-z0-9_]*", name) else '"' + name.replace('"', '""') + '"'


def _sheet(text: str) -> str | None:
    for match in _SHEET.finditer(text):
        name = (match.group(1) or match.group(2) or "").strip()
        name = name.split()[-1] if name else ""
        if name and name.lower() not in _NOT_SHEETS:
            return name
    return None


def pick_file_tools(text: str, available) -> list[tuple[str, dict]]:
    paths = [m.group(1) for m in _TABLE_PATH.finditer(text)]
    aggregate = _AGGREGATE.search(text)
    if aggregate and paths and "query_files" in available:
        how, measure, group = aggregate.group(1).lower(), _column(aggregate.group(2)), _column(aggregate.group(3))
        if how in ("number of", "count of") or measure in ("rows", "reports", "records", "lines"):
            value, alias = "COUNT(*)", "row_count"
        else:
            function = "AVG" if how in ("average", "mean") else "SUM"
            value, alias = f"{function}({_identifier(measure)})", f"{function.lower()}_{measure}"
        sql = (
            f"SELECT {_identifier(group)}, {value} AS {alias} FROM data "
            f"GROUP BY {_identifier(group)} ORDER BY {alias} DESC"
        )
        return [("query_files", {"files": {"data": paths[0]}, "sql": sql})]
    if "read_file" not in available:
        return []
    workbook = next((p for p in paths if re.search(r"\.(xlsx|xlsm|xls|ods)$", p, re.IGNORECASE)), None)
    if workbook is None and _WORKBOOK_WORDS.search(text) and re.search(r"\bhmis\b", text, re.IGNORECASE):
        workbook = DEMO_WORKBOOK
    if workbook is None or "*" in workbook or "/" not in workbook:
        return []  # a bare name is searched for first, as demo.py does for any file
    tool_input = {"path": workbook}
    sheet = _sheet(text)
    if sheet:
        tool_input["sheet"] = sheet
    return [("read_file", tool_input)]
