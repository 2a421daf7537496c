"""The engine's work for file_query.py, done in the bounded child (file_process.run_in_child
names a function of this module): the declared tables opened, the query run with its values
cut in the engine, and its rows bounded in number and size.
"""

import csv
import io
import json
import re

import duckdb

from hexa.databases.values import Cells

from . import csv_cells
from .file_tables import FileSession

CELL_MAX_CHARS = 2_000
RESULT_MAX_CHARS = 100_000
MAX_COLUMNS = 500
CSV_BATCH_ROWS = 1_000  # rows of a download fetched at once: each at most csv_cells.ROW_MAX_CHARS
_PASS_THROUGH = re.compile(
    r"^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE"
    r"|DECIMAL\(\d+,\d+\)|DATE|TIME|TIMESTAMP|TIMESTAMP_S|TIMESTAMP_MS|TIMESTAMP_NS|UUID|INTERVAL)$"
)


def _open_tables(session, tables) -> dict:
    """The declared tables in `session`, then the engine locked (file_tables.py)."""
    facts = {}
    for name, resolved, fmt, sheet in tables:
        facts[name] = {
            "format": fmt, "files": [rel for rel, _ in resolved][:50], "file_count": len(resolved),
            **session.add_table(name, resolved, fmt, sheet),
        }
    session.lock()
    return facts


def query_in_child(tables, sql, limit, deadline, sender) -> dict:
    with FileSession(deadline) as session:
        facts = _open_tables(session, tables)
        result = _bounded(session, sql, limit)
    result["tables"] = facts
    return result


def copy_csv_in_child(tables, sql, max_rows, chunk_bytes, deadline, sender) -> dict:
    def write(data):
        sender.send(("chunk", data))

    with FileSession(deadline) as session:
        _open_tables(session, tables)
        try:
            relation = session.connection.sql(f"SELECT * FROM (\n{sql}\n) AS hexa_query")
            names, types = relation.columns, [str(t) for t in relation.types]
        except duckdb.Error as error:
            raise session.failure(error) from None
        cap = csv_cells.cell_cap(len(names))
        cells = ", ".join(
            f"c{i}" if _PASS_THROUGH.match(t) and t != "INTERVAL" else csv_cells.cell_expression(f"CAST(c{i} AS VARCHAR)", cap, "strlen")
            for i, t in enumerate(types)
        )
        aliases = ", ".join(f"c{i}" for i in range(len(names)))
        cursor = session.run(f"SELECT {cells} FROM (\n{sql}\n) AS hexa_query({aliases}) LIMIT {max_rows + 1}")
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(names)
        count, truncated = 0, False
        while not truncated:
            try:
                batch = cursor.fetchmany(CSV_BATCH_ROWS)
            except duckdb.Error as error:
                raise session.failure(error) from None
            session.check_time()
            if not batch:
                break
            for row in batch:
                if count == max_rows:
                    truncated = True
                    break
                writer.writerow(row)
                count += 1
            if buffer.tell() >= chunk_bytes:
                write(buffer.getvalue().encode())
                buffer.seek(0)
                buffer.truncate()
        if buffer.tell():
            write(buffer.getvalue().encode())
    return {"row_count": count, "truncated": truncated}


def _expression(index: int, type_name: str, cap: int) -> str:
    """Column `c{index}` of the wrapped query, as a value Python can take whole."""
    column = f"c{index}"
    if _PASS_THROUGH.match(type_name):
        return column
    text = column if type_name == "VARCHAR" else f"CAST({column} AS VARCHAR)"
    return (
        f"CASE WHEN length({text}) > {cap} THEN left({text}, {cap}) || '… [truncated, ' || length({text}) "
        f"|| ' chars]' ELSE {text} END"
    )


def _bounded(session, sql: str, limit: int, cell_max: int = CELL_MAX_CHARS) -> dict:
    """Run the checked query inside `SELECT … FROM (<sql>) LIMIT limit + 1`, values cut in the engine."""
    inner = f"SELECT * FROM (\n{sql}\n) AS hexa_query"
    try:
        relation = session.connection.sql(inner)
        names, types = relation.columns, [str(t) for t in relation.types]
    except duckdb.Error as error:
        raise session.failure(error, sql, binding=True) from None
    column_count = len(names)
    names, types = names[:MAX_COLUMNS], types[:MAX_COLUMNS]
    cap = max(100, min(cell_max, RESULT_MAX_CHARS // (2 * max(1, len(names)))))
    aliases = ", ".join(f"c{i}" for i in range(column_count))
    select = ", ".join(_expression(i, t, cap) for i, t in enumerate(types))
    wrapped = f"SELECT {select} FROM (\n{sql}\n) AS hexa_query({aliases}) LIMIT {limit + 1}"
    raw = session.run(wrapped, query=sql).fetchall()
    session.check_time()
    cells = Cells(cap + 64)  # values are cut in the engine already; its marker adds a few characters
    rows, used, stopped = [], 0, None
    for raw_row in raw:
        if len(rows) >= limit:
            stopped = "limit"
            break
        row = [cells(value) for value in raw_row]
        size = len(json.dumps(row, ensure_ascii=False, allow_nan=False, default=str))
        if rows and used + size > RESULT_MAX_CHARS:
            stopped = "size"
            break
        rows.append(row)
        used += size
    cut = sum(1 for row in rows for v in row if isinstance(v, str) and "… [truncated, " in v)
    result = {
        "columns": [{"name": n, "type": t} for n, t in zip(names, types)],
        "rows": rows,
        "row_count": len(rows),
        "truncated": stopped is not None,
        "limit": limit,
    }
    notes = []
    if stopped == "limit":
        notes.append(
            f"There are more than {limit} rows; only the first {limit} are shown. Aggregate or filter in SQL "
            "(GROUP BY, COUNT, WHERE) rather than reading many rows."
        )
    elif stopped == "size":
        notes.append(
            f"Only the first {len(rows)} rows are shown: the result reached the size limit "
            f"(~{RESULT_MAX_CHARS // 1000} kB). Select fewer or narrower columns, or aggregate."
        )
    if cut or cells.cut:
        notes.append(f"Values longer than {cap} characters were cut (marked '… [truncated, N chars]').")
    if column_count > MAX_COLUMNS:
        notes.append(f"The result has {column_count} columns; only the first {MAX_COLUMNS} are shown.")
    if notes:
        result["note"] = " ".join(notes)
    return result


def page_in_child(tables, first, wanted, deadline, sender) -> dict:
    """A page of a Parquet file, and its row count (from the footer), in the bounded child."""
    with FileSession(deadline) as session:
        _open_tables(session, tables)
        page = _bounded_page(session, first, wanted)
        page["total_rows"] = session.run("SELECT count(*) FROM data").fetchone()[0]
    return page


def _bounded_page(session, first, wanted) -> dict:
    page = _bounded(session, f"SELECT * FROM data LIMIT {wanted} OFFSET {first - 1}", wanted)
    page.pop("limit", None)
    page.pop("truncated", None)
    return page
