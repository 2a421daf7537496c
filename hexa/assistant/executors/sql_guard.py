"""First line of defence for model-written SQL: is this text one read-only query?

`check_read_only(sql)` parses the text with sqlglot (PostgreSQL dialect) and refuses, with a
AssistantError the model can learn from, anything that is not exactly one plain read query:

- nothing to run (empty, blanks, comments only)            -> INVALID_SQL
- text sqlglot cannot tokenize or parse                     -> INVALID_SQL (fail closed)
- more than one statement                                   -> MULTIPLE_STATEMENTS
- a root that is not SELECT / set operation / VALUES / TABLE,
  including sqlglot's `Command` fallback (DO, COPY, VACUUM…) -> NOT_READ_ONLY
- a data-changing, DDL, session or transaction node anywhere
  in the tree (writable CTEs), SELECT … INTO, FOR UPDATE/SHARE -> NOT_READ_ONLY
- a call to a function on the deny-list below                -> NOT_READ_ONLY

It returns the text to run: the caller's own text, cut after its last token (so a trailing
semicolon or comment cannot break the wrapper the executor puts around it). SQL is never
regenerated from the tree: sqlglot's output may differ from what the model meant.

This layer is a filter, not the security boundary. Functions are refused by a deny-list
(PostgreSQL has thousands of harmless functions an analyst needs; an allow-list would refuse
real work), so what it misses is caught by the layers under it in database.py: the query runs
wrapped in a server-side cursor, in a READ ONLY transaction that is always rolled back, with
statement/lock timeouts, as the workspace's SELECT-only `_ro` role.
"""

import re

import sqlglot
from sqlglot import exp
from sqlglot.tokens import Token, TokenType

from ..errors import AssistantError

MAX_QUERY_CHARS = 100_000

# Roots a read query may have. SetOperation covers UNION, INTERSECT and EXCEPT; `TABLE t`
# parses as a Select; a parenthesised query is a Subquery, unwrapped before the check.
READ_ROOTS = (exp.Select, exp.SetOperation, exp.Values)

# Nodes that never belong in a read query, wherever they appear. DML/DDL are sqlglot's
# marker classes (Insert, Update, Delete, Merge, Copy, Create…); Command is the fallback for
# statements sqlglot does not model (DO, VACUUM, CALL, PREPARE, EXPLAIN, LOCK, SHOW…).
FORBIDDEN_NODES = (
    exp.DML, exp.DDL, exp.Drop, exp.Alter, exp.TruncateTable, exp.Command,
    exp.Set, exp.SetItem, exp.Transaction, exp.Commit, exp.Rollback, exp.Grant, exp.Revoke,
    exp.LoadData, exp.Use, exp.Pragma, exp.Analyze, exp.Refresh, exp.Cache, exp.Uncache,
    exp.Kill, exp.Execute, exp.Declare, exp.Comment, exp.Describe, exp.Show, exp.Summarize,
    exp.Export, exp.Attach, exp.Detach, exp.Install,
    exp.Into,  # SELECT … INTO creates a table
    exp.Lock,  # FOR UPDATE / FOR NO KEY UPDATE / FOR SHARE / FOR KEY SHARE
)

# (what the function does, exact names, name prefixes). Matched case-insensitively on the
# bare name, so pg_catalog.pg_sleep and "PG_SLEEP" are refused alike.
DENIED_FUNCTIONS = (
    ("reads or lists files on the database server",
     {"pg_stat_file", "pg_current_logfile"}, ("pg_read_", "pg_ls_", "pg_file_")),
    ("opens connections to other databases", set(), ("dblink", "postgres_fdw")),
    ("sleeps, holding a connection", {"pg_sleep", "pg_sleep_for", "pg_sleep_until"}, ()),
    ("takes locks that outlive the query", set(), ("pg_advisory", "pg_try_advisory")),
    ("changes server settings", {"set_config"}, ()),
    ("changes sequences", {"nextval", "setval"}, ()),
    ("reads or writes large objects or server files", {"loread", "lowrite"}, ("lo_",)),
    ("signals or administers the server",
     {"pg_cancel_backend", "pg_terminate_backend", "pg_reload_conf", "pg_rotate_logfile", "pg_promote",
      "pg_switch_wal", "pg_switch_xlog", "pg_create_restore_point", "pg_log_backend_memory_contexts",
      "pg_log_standby_snapshot", "pg_notify", "pg_logical_emit_message", "pg_import_system_collations",
      "pg_stat_statements_reset", "pg_truncate_visibility_map"},
     ("pg_stat_reset", "pg_replication_", "pg_create_", "pg_drop_replication", "pg_copy_", "pg_backup_",
      "pg_start_backup", "pg_stop_backup", "pg_wal_replay_", "pg_xlog_replay_", "pg_logical_slot_",
      "binary_upgrade_")),
    ("runs SQL given as a string, out of sight of this check",
     {"ts_stat", "ts_rewrite"},
     ("query_to_xml", "cursor_to_xml", "table_to_xml", "schema_to_xml", "database_to_xml")),
)

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def check_read_only(sql: str) -> str:
    """The text to execute if `sql` is exactly one read-only query; raises AssistantError otherwise."""
    if not isinstance(sql, str):
        raise AssistantError("INVALID_INPUT", "`query` must be a string holding one SQL SELECT statement.")
    if len(sql) > MAX_QUERY_CHARS:
        raise AssistantError(
            "INVALID_INPUT", f"The query is {len(sql)} characters long; at most {MAX_QUERY_CHARS} are accepted."
        )
    if "\x00" in sql:
        raise AssistantError("INVALID_INPUT", "The query contains a NUL character, which SQL text cannot hold. Remove it.")
    tokens = _tokenize(sql)
    if not any(t.token_type != TokenType.SEMICOLON for t in tokens):
        raise AssistantError("INVALID_SQL", "The query is empty (or only comments). Send one SQL SELECT statement.")
    _refuse_unicode_identifiers(tokens)
    root = _single_statement(sql)
    _check_root(root, tokens)
    _check_nodes(root)
    _check_functions(root, tokens)
    last = next(t for t in reversed(tokens) if t.token_type != TokenType.SEMICOLON)
    return sql[: last.end + 1]


def denied_function_reason(name: str) -> str | None:
    """Why a function of this name is refused, or None if it is allowed."""
    name = name.lower()
    for reason, exact, prefixes in DENIED_FUNCTIONS:
        if name in exact or name.startswith(prefixes):
            return reason
    return None


def _tokenize(sql: str) -> list[Token]:
    try:
        return sqlglot.tokenize(sql, read="postgres")
    except Exception as error:  # TokenError, or anything else: unreadable text is refused
        raise AssistantError(
            "INVALID_SQL", f"The query could not be read as PostgreSQL: {_clean(error)}. Fix the syntax."
        ) from None


def _refuse_unicode_identifiers(tokens: list[Token]) -> None:
    # PostgreSQL reads U&"pg\0073leep" as pg_sleep; sqlglot keeps the escapes, so names
    # spelt that way would slip past the deny-list. There is no reason to write them.
    for u, amp, ident in zip(tokens, tokens[1:], tokens[2:]):
        if (
            u.token_type == TokenType.VAR and u.text.upper() == "U" and amp.token_type == TokenType.AMP
            and ident.token_type == TokenType.IDENTIFIER and u.end + 1 == amp.start and amp.end + 1 == ident.start
        ):
            raise AssistantError(
                "INVALID_SQL",
                'Unicode-escaped identifiers (U&"…") are not accepted. Write names plainly, e.g. "my column".',
            )


def _single_statement(sql: str) -> exp.Expression:
    try:
        parsed = sqlglot.parse(sql, read="postgres")
    except Exception as error:  # ParseError, RecursionError on absurd nesting…: fail closed
        raise AssistantError(
            "INVALID_SQL",
            f"The query could not be parsed as PostgreSQL: {_clean(error)}. Fix the syntax; only SELECT, "
            "WITH … SELECT, UNION/INTERSECT/EXCEPT, VALUES and TABLE queries are accepted.",
        ) from None
    # `SELECT 1;` gives [Select]; `SELECT 1; -- done` gives [Select, Semicolon]: not statements.
    statements = [s for s in parsed if s is not None and not isinstance(s, exp.Semicolon)]
    if len(statements) > 1:
        raise AssistantError(
            "MULTIPLE_STATEMENTS",
            f"The text holds {len(statements)} SQL statements; send exactly one SELECT per call "
            "(a trailing semicolon is fine). Run the others as separate queries.",
        )
    if not statements:
        raise AssistantError("INVALID_SQL", "The query is empty (or only comments). Send one SQL SELECT statement.")
    return statements[0]


def _check_root(root: exp.Expression, tokens: list[Token]) -> None:
    while isinstance(root, exp.Subquery):  # (SELECT …)
        root = root.this
    if not isinstance(root, READ_ROOTS):
        first_word = next(t.text for t in tokens if t.token_type != TokenType.SEMICOLON).upper()
        raise AssistantError(
            "NOT_READ_ONLY",
            f"Only read-only queries are accepted (SELECT, WITH … SELECT, UNION/INTERSECT/EXCEPT, VALUES, TABLE); "
            f"this query starts with {first_word[:40]!r}. This tool cannot change the database, its settings or "
            "the session. To read a setting use SELECT current_setting('name').",
        )


def _check_nodes(root: exp.Expression) -> None:
    for node in root.walk():
        if isinstance(node, exp.Into):
            raise AssistantError(
                "NOT_READ_ONLY", "SELECT … INTO creates a table and is not allowed. Remove the INTO clause."
            )
        if isinstance(node, exp.Lock):
            raise AssistantError(
                "NOT_READ_ONLY", "FOR UPDATE / FOR SHARE lock rows and are not allowed. Remove the locking clause."
            )
        if isinstance(node, FORBIDDEN_NODES):
            raise AssistantError(
                "NOT_READ_ONLY",
                f"The query contains a {node.key.upper()} statement (for example in a WITH clause). Statements that "
                "change data, schema, settings or transactions are not allowed, even inside a SELECT.",
            )


def _check_functions(root: exp.Expression, tokens: list[Token]) -> None:
    # Two views of "which functions are called", each covering the other's blind spot:
    # tokens give the name exactly as written (sqlglot maps some names to typed functions
    # with other names, e.g. string_agg -> GroupConcat); the tree catches a function sqlglot
    # recognised from a keyword token.
    names = {tok.text for tok, nxt in zip(tokens, tokens[1:])
             if tok.token_type in (TokenType.VAR, TokenType.IDENTIFIER) and nxt.token_type == TokenType.L_PAREN}
    for func in root.find_all(exp.Func):
        names.update([func.name] if isinstance(func, exp.Anonymous) else type(func).sql_names())
    for name in sorted(names):
        reason = denied_function_reason(name)
        if reason:
            raise AssistantError(
                "NOT_READ_ONLY",
                f"The function {name[:80]}() is not allowed: it {reason}. Rewrite the query without it.",
            )


def _clean(error: Exception) -> str:
    errors = getattr(error, "errors", None)
    if errors:  # sqlglot ParseError: keep the first problem, without the terminal colour codes
        first = errors[0]
        near = (first.get("highlight") or "").strip()
        where = f" at line {first.get('line')}, column {first.get('col')}"
        return f"{first.get('description')}{where}" + (f" near {near[:60]!r}" if near else "")
    text = _ANSI.sub("", str(error)).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:300]
