"""The first wall for query_files: the model's SQL, parsed by sqlglot (DuckDB's dialect, in pure
Python, no engine), must be one SELECT over the tables the call declared.

    check_select(sql, tables)   # raises AssistantError naming the rule, or returns None

This wall never touches the file system: no database engine is involved in checking, so a
statement that would make an engine read a path while parsing (IMPORT DATABASE, PRAGMA
import_database) is only text here, refused like any other.

Rules, each a typed error:
- one statement (MULTIPLE_STATEMENTS), a SELECT (WITH, UNION, VALUES, FROM-first, DESCRIBE or
  SUMMARIZE of a declared table) and nothing else (NOT_READ_ONLY: COPY, ATTACH, CREATE, INSERT,
  EXPORT, IMPORT, SET, PRAGMA, INSTALL, the PIVOT statement, which expands into several…), with no
  statement nested in it;
- tables: only the names given in `files`, and a WITH name where that WITH is in scope (its own
  query and the CTEs after it; every CTE of a WITH RECURSIVE), without a schema or catalog
  (UNKNOWN_TABLE); a quoted path in FROM ('/etc/passwd', 'data.csv') is a table name DuckDB would
  read as a file, and is refused the same way;
- table functions: only range, generate_series and unnest (FUNCTION_NOT_ALLOWED: read_csv,
  read_text, glob, query, duckdb_settings…, which would name files or read the engine's state);
- functions that read the environment, settings or files (getenv, current_setting, which_secret,
  duckdb_*/pragma_*/read_* …) are FUNCTION_NOT_ALLOWED wherever they are called, by the name as
  written (from the tokens, so no rewriting by the parser can hide one).
A query sqlglot cannot parse is INVALID_SQL, with its position.

The locked engine (file_tables.FileSession.lock) refuses all of this on its own as well.
"""

import logging

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from ..errors import AssistantError

MAX_SQL_CHARS = 100_000
# Parsing costs ~20 µs a token: this keeps the worst query under ~0.5 s (a list of 6,000 values
# is 12,000 tokens; DuckDB itself refuses an expression 1,000 deep)
MAX_SQL_TOKENS = 20_000
DENIED_FUNCTIONS = {"getenv", "current_setting", "which_secret", "set_config", "current_schemas", "version", "glob"}
DENIED_PREFIXES = ("duckdb_", "pragma_", "read_", "sniff_", "parquet_", "query")
# Table functions, by the node sqlglot makes of them: range and generate_series; unnest in FROM
# is an exp.Unnest of its own, not a table.
ALLOWED_TABLE_FUNCTIONS = (exp.GenerateSeries, exp.Unnest)
ALLOWED_TABLE_FUNCTION_NAMES = ("range", "generate_series", "unnest")
READ_ONLY_STATEMENTS = (exp.Select, exp.SetOperation, exp.Values, exp.Subquery, exp.Describe, exp.Summarize)
WRITING = (exp.DDL, exp.DML, exp.Command, exp.Pragma, exp.Set, exp.Transaction, exp.Use, exp.Install)
# The first words of DuckDB's other statements, for those sqlglot cannot parse (IMPORT, EXPORT…)
OTHER_STATEMENTS = {
    "ALTER", "ANALYZE", "ATTACH", "BEGIN", "CALL", "CHECKPOINT", "COMMENT", "COMMIT", "COPY", "CREATE",
    "DEALLOCATE", "DELETE", "DETACH", "DROP", "EXECUTE", "EXPLAIN", "EXPORT", "FORCE", "GRANT", "IMPORT",
    "INSERT", "INSTALL", "LOAD", "MERGE", "PRAGMA", "PREPARE", "RESET", "REVOKE", "ROLLBACK", "SET", "SHOW",
    "TRUNCATE", "UPDATE", "USE", "VACUUM",
}
NOT_FUNCTION_NAMES = {TokenType.STRING, TokenType.NUMBER, TokenType.R_PAREN, TokenType.R_BRACKET, TokenType.R_BRACE}

_DIALECT = sqlglot.Dialect.get_or_raise("duckdb")
# sqlglot warns about what it would change translating to another dialect ("Applying array index
# offset", "Falling back to parsing as a Command"): nothing is translated here, and these would be
# one log line per model query.
logging.getLogger("sqlglot").setLevel(logging.ERROR)


def check_select(sql, tables) -> None:
    if not isinstance(sql, str) or not sql.strip():
        raise AssistantError("INVALID_INPUT", "sql must be one SELECT query.")
    if len(sql) > MAX_SQL_CHARS or "\x00" in sql:
        raise AssistantError("INVALID_SQL", f"sql must have no NUL byte and at most {MAX_SQL_CHARS:,} characters.")
    tokens = _tokens(sql)
    if len(tokens) > MAX_SQL_TOKENS:
        raise AssistantError(
            "INVALID_SQL", f"The query has {len(tokens):,} tokens; at most {MAX_SQL_TOKENS:,} are checked. Shorten it."
        )
    _check_function_names(tokens)
    statements = _statements(tokens, sql)
    if len(statements) != 1:
        raise AssistantError(
            "MULTIPLE_STATEMENTS" if statements else "INVALID_SQL",
            f"Give exactly one SELECT query (got {len(statements)} statements).",
            rule="one_statement",
        )
    tree = statements[0]
    if not isinstance(tree, READ_ONLY_STATEMENTS):
        _refuse_statement(type(tree).__name__.upper())
    declared = {name.lower() for name in tables}
    _walk(tree, declared, sorted(tables))


def _tokens(sql):
    try:
        return _DIALECT.tokenize(sql)
    except TokenError as error:
        raise AssistantError("INVALID_SQL", f"The query could not be read: {str(error)[:300]}") from None


def _statements(tokens, sql) -> list:
    try:
        parsed = _DIALECT.parser().parse(tokens, sql)
    except ParseError as error:
        first = tokens[0].text.upper() if tokens else ""
        if first in OTHER_STATEMENTS:
            _refuse_statement(first)  # IMPORT DATABASE, EXPORT DATABASE…: not a query, whatever follows
        raise AssistantError("INVALID_SQL", f"The query could not be parsed: {_parse_error(error)}") from None
    except RecursionError:
        raise AssistantError("INVALID_SQL", "The query is nested too deeply to be checked; simplify it.") from None
    return [statement for statement in parsed if statement is not None]  # `SELECT 1;` ends with an empty one


def _parse_error(error: ParseError) -> str:
    """The first error, with its position, without the terminal colours sqlglot's message has."""
    if not error.errors:
        return str(error)[:300]
    first = error.errors[0]
    near = (first.get("highlight") or "")[:100]
    return f"{first.get('description')} (line {first.get('line')}, column {first.get('col')}, near {near!r})"


def _refuse_statement(kind: str):
    raise AssistantError(
        "NOT_READ_ONLY",
        f"Only a SELECT query is accepted (got {kind[:40]}). Files are read only: nothing can "
        "be written, copied, attached, imported, exported, installed or configured.",
        rule="select_only",
    )


def _check_function_names(tokens):
    """Every call by the name written, `getenv(…)`, `main.getenv(…)` or `'HOME'.getenv()` alike."""
    for token, following in zip(tokens, tokens[1:]):
        if following.token_type != TokenType.L_PAREN or token.token_type in NOT_FUNCTION_NAMES:
            continue
        name = token.text.lower()
        if name in DENIED_FUNCTIONS or name.startswith(DENIED_PREFIXES):
            if name.startswith(("read_", "sniff_", "parquet_", "query", "glob")):
                raise AssistantError(
                    "FUNCTION_NOT_ALLOWED",
                    f"The function {name[:100]!r} is not allowed: files are named in `files`, not read by "
                    f"functions. Allowed table functions: {', '.join(ALLOWED_TABLE_FUNCTION_NAMES)}.",
                    rule="table_functions",
                )
            raise AssistantError(
                "FUNCTION_NOT_ALLOWED",
                f"The function {name[:100]!r} is not allowed: it reads the engine's settings, environment or files.",
                rule="denied_functions",
            )


def _walk(tree, declared, shown):
    """Check every node; each is checked with the WITH names in scope where it stands. A loop,
    not a recursion: `a + a + … + a` is a tree as deep as it is long."""
    pending = [(tree, frozenset())]
    while pending:
        node, in_scope = pending.pop()
        if isinstance(node, WRITING):
            _refuse_statement(type(node).__name__.upper())
        with_ = node.args.get("with_")
        if isinstance(with_, exp.With):
            in_scope = _scopes_of_with(with_, in_scope, pending)
        if isinstance(node, exp.Table):
            _check_table(node, declared | in_scope, shown)
        pending.extend((child, in_scope) for child in node.iter_expressions() if child is not with_)


def _scopes_of_with(with_, in_scope, pending) -> frozenset:
    """Queues each CTE with the names before it (all of them under RECURSIVE); returns the
    names the query after the WITH sees: all of them."""
    names = [cte.alias.lower() for cte in with_.expressions]
    if with_.args.get("recursive"):
        in_scope = in_scope | set(names)
    for cte, name in zip(with_.expressions, names):
        pending.append((cte, in_scope))
        in_scope = in_scope | {name}
    return in_scope


def _check_table(table, known, shown):
    target = table.this
    if isinstance(target, exp.Identifier):
        name = target.name
        if table.args.get("db") or table.args.get("catalog") or name.lower() not in known:
            written = ".".join(part.name for part in table.parts)
            raise AssistantError(
                "UNKNOWN_TABLE",
                f"The query reads {written[:200]!r}, which is not one of its tables ({', '.join(shown) or 'none'}). "
                "Name each file or glob in `files` ({\"name\": \"path or glob\"}) and use those names in FROM; "
                "paths cannot be read from the SQL itself.",
                rule="declared_tables_only",
            )
    elif not isinstance(target, ALLOWED_TABLE_FUNCTIONS) or table.args.get("db") or table.args.get("catalog"):
        name = target.name if isinstance(target, exp.Anonymous) else type(target).__name__
        raise AssistantError(
            "FUNCTION_NOT_ALLOWED",
            f"The table function {str(name)[:100]!r} is not allowed: files are named in `files`, not read by "
            f"functions. Allowed table functions: {', '.join(ALLOWED_TABLE_FUNCTION_NAMES)}.",
            rule="table_functions",
        )
