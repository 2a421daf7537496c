"""The first wall for query_files: the model's SQL, parsed by DuckDB's own parser, must be one
SELECT over the tables the call declared.

    check_select(sql, tables)   # raises AssistantError naming the rule, or returns None

Rules, each a typed error:
- one statement (MULTIPLE_STATEMENTS), a SELECT (WITH, UNION, VALUES, DESCRIBE of a declared table; the PIVOT statement expands into several and is refused) and
  nothing else (NOT_READ_ONLY: COPY, ATTACH, CREATE, INSERT, EXPORT, SET, PRAGMA, INSTALL…);
- tables: only the names given in `files` and the query's own CTEs, without a schema or
  catalog (UNKNOWN_TABLE); a quoted path in FROM ('/etc/passwd', 'data.csv') is a table
  name DuckDB would read as a file, and is refused the same way;
- table functions: only range, generate_series and unnest (FUNCTION_NOT_ALLOWED: read_csv,
  read_text, glob, query, duckdb_settings…, which would name files or read the engine's state);
- scalar functions that read the environment or settings (getenv, current_setting,
  which_secret, duckdb_*/pragma_* functions) are FUNCTION_NOT_ALLOWED.

The locked engine (file_tables.FileSession.lock) refuses all of this on its own as well.
"""

import json

import duckdb

from ..errors import AssistantError

MAX_SQL_CHARS = 100_000
ALLOWED_TABLE_FUNCTIONS = {"range", "generate_series", "unnest"}
DENIED_FUNCTIONS = {"getenv", "current_setting", "which_secret", "set_config", "current_schemas", "version"}
DENIED_PREFIXES = ("duckdb_", "pragma_", "read_", "glob", "sniff_", "parquet_", "query")

_parser = None


def _parse(sql: str) -> dict:
    global _parser
    if _parser is None:  # a bare connection that has no file and no table: it only parses
        _parser = duckdb.connect(":memory:", config={"enable_external_access": False, "lock_configuration": True})
    cursor = _parser.cursor()  # one cursor per call: the parser connection is shared by threads
    try:
        return json.loads(cursor.execute("SELECT json_serialize_sql(?::VARCHAR)", [sql]).fetchone()[0])
    finally:
        cursor.close()


def check_select(sql, tables) -> None:
    if not isinstance(sql, str) or not sql.strip():
        raise AssistantError("INVALID_INPUT", "sql must be one SELECT query.")
    if len(sql) > MAX_SQL_CHARS or "\x00" in sql:
        raise AssistantError("INVALID_SQL", f"sql must have no NUL byte and at most {MAX_SQL_CHARS:,} characters.")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        raise AssistantError("INVALID_SQL", f"DuckDB could not parse the query: {str(error)[:1000]}") from None
    if len(statements) != 1:
        raise AssistantError(
            "MULTIPLE_STATEMENTS" if statements else "INVALID_SQL",
            f"Give exactly one SELECT query (got {len(statements)} statements).",
            rule="one_statement",
        )
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise AssistantError(
            "NOT_READ_ONLY",
            f"Only a SELECT query is accepted (this is a {kind.name} statement). Files are read only: nothing can "
            "be written, copied, attached, exported, installed or configured.",
            rule="select_only",
        )
    tree = _parse(sql)
    if tree.get("error"):
        message = str(tree.get("error_message"))
        if "Only SELECT" in message:  # a PRAGMA or SHOW, which the parser rewrites into a SELECT of its own
            raise AssistantError("NOT_READ_ONLY", "Only a plain SELECT query is accepted.", rule="select_only")
        raise AssistantError("INVALID_SQL", f"DuckDB could not parse the query: {message[:1000]}")
    known = {name.lower() for name in tables} | {name.lower() for name in _cte_names(tree)}
    _walk(tree, known, sorted(tables))


def _cte_names(node):
    if isinstance(node, dict):
        cte_map = node.get("cte_map")
        if isinstance(cte_map, dict):
            for entry in cte_map.get("map") or []:
                if isinstance(entry, dict) and isinstance(entry.get("key"), str):
                    yield entry["key"]
        for value in node.values():
            yield from _cte_names(value)
    elif isinstance(node, list):
        for value in node:
            yield from _cte_names(value)


def _walk(node, known, declared):
    if isinstance(node, list):
        for value in node:
            _walk(value, known, declared)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "BASE_TABLE":
        name = str(node.get("table_name", ""))
        if node.get("schema_name") or node.get("catalog_name") or name.lower() not in known:
            shown = ".".join(p for p in (node.get("catalog_name"), node.get("schema_name"), name) if p)
            raise AssistantError(
                "UNKNOWN_TABLE",
                f"The query reads {shown[:200]!r}, which is not one of its tables ({', '.join(declared) or 'none'}). "
                "Name each file or glob in `files` ({\"name\": \"path or glob\"}) and use those names in FROM; "
                "paths cannot be read from the SQL itself.",
                rule="declared_tables_only",
            )
    elif kind == "TABLE_FUNCTION":
        function = node.get("function") or {}
        name = str(function.get("function_name", "")).lower()
        if name not in ALLOWED_TABLE_FUNCTIONS or function.get("schema") or function.get("catalog"):
            raise AssistantError(
                "FUNCTION_NOT_ALLOWED",
                f"The table function {name[:100]!r} is not allowed: files are named in `files`, not read by "
                f"functions. Allowed table functions: {', '.join(sorted(ALLOWED_TABLE_FUNCTIONS))}.",
                rule="table_functions",
            )
    if node.get("class") == "FUNCTION" and kind != "TABLE_FUNCTION":
        name = str(node.get("function_name", "")).lower()
        if name in DENIED_FUNCTIONS or name.startswith(DENIED_PREFIXES):
            raise AssistantError(
                "FUNCTION_NOT_ALLOWED",
                f"The function {name[:100]!r} is not allowed: it reads the engine's settings, environment or files.",
                rule="denied_functions",
            )
    for value in node.values():
        _walk(value, known, declared)
