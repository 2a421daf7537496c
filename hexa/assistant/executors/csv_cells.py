"""What a CSV download writes in a cell, decided in the engine (PostgreSQL or DuckDB) before any
row reaches this process:

    cell_expression(column, type_is_plain, cap) -> SQL for the cell of `column`
    cell_cap(column_count) -> the most characters a cell keeps

- Formulas are neutralised as spreadsheet-safe exports do (OWASP, "CSV injection"): a text cell
  starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so a
  spreadsheet shows it as text instead of running it. Numbers, dates and booleans are written as
  they are (a negative number stays a number).
- A row is bounded, not only the number of rows: a cell keeps at most CELL_MAX_CHARS characters
  (a spreadsheet cell holds no more), fewer when the row is wide (ROW_MAX_CHARS a row), then
  ends with `… [cut, N characters]`.
"""

CELL_MAX_CHARS = 32_767  # the most a spreadsheet cell holds
ROW_MAX_CHARS = 1_000_000
CELL_MIN_CHARS = 1_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_STARTS_CODES = ", ".join(str(ord(c)) for c in FORMULA_STARTS)


def cell_cap(column_count: int) -> int:
    return max(CELL_MIN_CHARS, min(CELL_MAX_CHARS, ROW_MAX_CHARS // max(1, column_count)))


def cell_expression(text: str, cap: int, byte_length: str = "octet_length") -> str:
    """`text`: an SQL expression of type text (PostgreSQL) or VARCHAR (DuckDB, whose byte length
    is `strlen`); both engines read the rest the same way. Most cells take the first branch:
    short (its bytes counted without reading it) and not starting like a formula (`ascii`: the
    first character's code)."""
    formula = f"ascii({text}) IN ({_STARTS_CODES})"
    return (
        f"CASE WHEN {byte_length}({text}) <= {cap} AND NOT {formula} THEN {text} "
        f"ELSE CASE WHEN {formula} THEN '''' ELSE '' END || "
        f"CASE WHEN length({text}) > {cap} THEN left({text}, {cap}) || '… [cut, ' || length({text}) "
        f"|| ' characters]' ELSE {text} END END"
    )
