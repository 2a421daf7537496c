"""First line of defence for model-written SQL: is this text one read-only query?

`check_read_only(sql)` reads the text with PostgreSQL's own grammar (pglast embeds the
server's scanner and parser, libpg_query) and refuses, with an AssistantError the model can
learn from, anything that is not exactly one plain read query:

- nothing to run (empty, blanks, comments only)              -> INVALID_SQL
- text PostgreSQL would not parse (fail closed), a U&"…"
  identifier, a dollar-quote tag with non-ASCII characters    -> INVALID_SQL
- more than one statement                                     -> MULTIPLE_STATEMENTS
- a statement other than a SelectStmt (SELECT, VALUES, TABLE,
  UNION/INTERSECT/EXCEPT, WITH … SELECT); EXPLAIN too: see
  `split_explain`                                             -> NOT_READ_ONLY
- anywhere in the tree: a statement other than SELECT (writable
  CTEs), SELECT … INTO, FOR UPDATE/SHARE                      -> NOT_READ_ONLY
- a call (FuncCall node, schema-qualified or not, in any
  sub-expression) to a function on DENIED_FUNCTIONS           -> NOT_READ_ONLY
- a relation (RangeVar), function or cast on HIDDEN_METADATA:
  server-wide catalogs and statistics that show other
  workspaces' databases, roles and sessions                   -> PERMISSION_DENIED

Names are checked where the tree says they are names of that kind: alias, column and CTE
column names are never taken for function calls. Anything PostgreSQL parses as a single
SELECT is accepted unless one of the rules above refuses it.

It returns the text to run: the caller's own text, cut after its last token (so a trailing
semicolon or comment cannot break the wrapper the executor puts around it). SQL is never
regenerated from the tree.

`split_explain(sql)` lets EXPLAIN through: it returns a prefix rebuilt from the allowed
options and the inner query, itself passed through `check_read_only`.

This layer is a filter, not the security boundary. Functions are refused by a deny-list
(PostgreSQL has thousands of harmless functions an analyst needs; an allow-list would refuse
real work), so what it misses is caught by the layers under it in database.py: the query runs
wrapped in a server-side cursor, in a READ ONLY transaction that is always rolled back, with
statement/lock timeouts, as the workspace's SELECT-only `_ro` role. Known blind spots, left to
those layers: functions reached without a FuncCall node (operators, attribute notation
`row.func`, type input functions, views), and names that only resolve at run time.
"""

import threading

from pglast import ast, parse_sql
from pglast.parser import ParseError, scan

from ..errors import AssistantError

MAX_QUERY_CHARS = 100_000

# pglast turns the C parse tree into Python objects recursively, in C: a long chain of
# operators, UNIONs or JOINs (the grammar nests those without limit) would overflow a
# thread's stack and kill the process. Short texts cannot nest deep enough to matter; longer
# ones are parsed on a thread whose stack fits the deepest tree MAX_QUERY_CHARS can hold
# (measured: ~32 MB for `SELECT 1+1+1…` at 100,000 characters).
INLINE_PARSE_TOKENS = 400
PARSER_STACK_BYTES = 128 * 1024 * 1024

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
    ("assigns a transaction ID, using one up from the server's limited supply at every call "
     "(txid_current_if_assigned() and pg_current_xact_id_if_assigned() do not)",
     {"txid_current", "pg_current_xact_id"}, ()),
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

# Server-wide metadata: every workspace database lives on the same server, and these show
# the other ones (their names, roles, sessions, sizes, activity). The database revokes them
# from the workspace roles; this is the second layer. (kind, exact names, name prefixes);
# kind is what the tree says the name is: a relation (FROM, JOIN, subqueries…), a called
# function or a type (casts to regrole name any role from its OID).
HIDDEN_METADATA = (
    ("relation",
     {"pg_database", "pg_roles", "pg_user", "pg_shadow", "pg_group", "pg_authid", "pg_auth_members",
      "pg_db_role_setting", "pg_stat_activity", "pg_stat_database", "pg_stat_database_conflicts", "pg_stat_ssl",
      "pg_stat_gssapi", "pg_stat_wal_receiver", "pg_prepared_xacts", "pg_shdescription", "pg_shseclabel",
      "pg_hba_file_rules", "pg_ident_file_mappings", "pg_user_mappings"},
     ("pg_stat_replication", "pg_stat_subscription", "pg_replication_", "pg_stat_progress_")),
    ("function",
     {"pg_stat_get_activity", "pg_database_size", "pg_tablespace_size", "pg_stat_get_progress_info",
      "pg_stat_get_wal_receiver", "pg_get_replication_slots", "pg_prepared_xact", "pg_get_userbyid",
      "shobj_description", "pg_hba_file_rules", "pg_ident_file_mappings", "regrole"},
     ("pg_stat_get_backend_", "pg_stat_get_db_", "pg_stat_get_subscription", "pg_stat_get_replication_slot")),
    ("type", {"regrole", "regdatabase"}, ()),
)

READ_QUERIES = "SELECT, WITH … SELECT, UNION/INTERSECT/EXCEPT, VALUES and TABLE"
EXPLAIN_BOOLEAN_OPTIONS = ("analyze", "verbose", "costs", "settings", "buffers", "summary")
EXPLAIN_FORMATS = ("text", "json", "yaml", "xml")

# Scanner token names (PostgreSQL's grammar symbols; single characters are ASCII_<code>).
_COMMENTS = {"C_COMMENT", "SQL_COMMENT"}
_SEMICOLON, _OPEN, _CLOSE = "ASCII_59", "ASCII_40", "ASCII_41"


def check_read_only(sql: str) -> str:
    """The text to execute if `sql` is exactly one read-only query; raises AssistantError otherwise."""
    source = _read(sql)
    if not source.tokens:
        raise AssistantError("INVALID_SQL", "The query is empty (or only comments). Send one SQL SELECT statement.")
    _run_parser_safely(_check_statement, source)
    return sql[: source.position(source.tokens[-1].end) + 1]


def split_explain(sql: str) -> tuple[str | None, str]:
    """`(explain_prefix, inner_query)` for an allowed EXPLAIN, `(None, sql)` for any other text.

    The prefix is rebuilt from the parsed options (never the caller's text), e.g.
    "EXPLAIN (ANALYZE, FORMAT JSON)"; the inner query is what `check_read_only` returns for it,
    so `prefix + " " + inner` is one EXPLAIN of one read-only query. EXPLAIN ANALYZE executes
    the query, so it is held to the same check as a plain read, and the caller runs it in the
    same read-only, time-limited transaction. Raises AssistantError for an EXPLAIN of anything
    but one read-only query (NOT_READ_ONLY, or the inner query's own refusal), or with options
    not allowed (INVALID_SQL).
    """
    source = _read(sql)
    tokens = source.tokens
    if not tokens or tokens[0].name != "EXPLAIN":
        return None, sql
    options = _run_parser_safely(_explain_options, source)
    prefix = _explain_prefix(options)
    start = _explain_query_start(tokens, has_options=bool(options))
    try:
        inner = check_read_only(sql[source.position(tokens[start].start):] if start < len(tokens) else "")
    except AssistantError as error:
        raise AssistantError(
            error.code, f"EXPLAIN only explains one read-only query (SELECT…). {error.message}", **error.details
        ) from None
    return prefix, inner


def denied_function_reason(name: str) -> str | None:
    """Why a function of this name is refused, or None if it is allowed."""
    return _function_refusal(name)[1]


# --- Text -------------------------------------------------------------------------------

# pglast reports positions in characters by searching, for each one, a table of the text's
# multi-byte characters: with many tokens and much non-ASCII text that takes seconds. So
# pglast reads a stand-in: each byte of a non-ASCII character becomes 'q'. PostgreSQL's
# scanner treats such bytes as letters in names and words, and leaves them alone in strings,
# quoted names and comments, as it does 'q'; "qq" is in no keyword and no denied name. So the
# stand-in splits into the same tokens (its positions are the text's UTF-8 byte offsets), with
# one exception: a dollar-quote tag, which must match exactly ($é$ and $è$ both become
# $qq$). A stand-in whose dollar-quote tags hold "qq" is therefore refused; other tags
# cannot be matched by replaced bytes, which always come in runs of two or more.
_HIGH_BYTES = bytes.maketrans(bytes(range(128, 256)), b"q" * 128)


class _Source:
    """The caller's text, the ASCII stand-in pglast reads, and its significant tokens
    (comments and semicolons left out), positioned in the stand-in."""

    __slots__ = ("text", "parsed", "tokens", "_utf8")

    def __init__(self, text: str, parsed: str, utf8: bytes | None):
        self.text, self.parsed, self._utf8, self.tokens = text, parsed, utf8, []

    def position(self, offset: int) -> int:
        """The index in `text` of the character at `offset` in the stand-in."""
        if self._utf8 is None:  # ASCII: the same text
            return offset
        return len(self._utf8[:offset].decode("utf-8", "ignore"))

    def word(self, token) -> str:
        return self.text[self.position(token.start): self.position(token.end) + 1]


def _read(sql) -> _Source:
    if not isinstance(sql, str):
        raise AssistantError("INVALID_INPUT", "`query` must be a string holding one SQL SELECT statement.")
    if len(sql) > MAX_QUERY_CHARS:
        raise AssistantError(
            "INVALID_INPUT", f"The query is {len(sql)} characters long; at most {MAX_QUERY_CHARS} are accepted."
        )
    if "\x00" in sql:
        raise AssistantError("INVALID_INPUT", "The query contains a NUL character, which SQL text cannot hold. Remove it.")
    if sql.isascii():
        source = _Source(sql, sql, None)
    else:
        try:
            utf8 = sql.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates
            raise AssistantError(
                "INVALID_INPUT", "The query is not valid Unicode text. Remove the broken characters."
            ) from None
        source = _Source(sql, utf8.translate(_HIGH_BYTES).decode("ascii"), utf8)
    try:
        source.tokens = [t for t in scan(source.parsed) if t.name not in _COMMENTS and t.name != _SEMICOLON]
    except ParseError as error:  # unterminated string, quoted name or comment…
        raise _syntax_error(source, error) from None
    for token in source.tokens:
        if source.parsed is not source.text and token.name == "SCONST" and source.parsed[token.start] == "$":
            tag = source.parsed[token.start: source.parsed.index("$", token.start + 1) + 1]
            if "qq" in tag:
                raise AssistantError(
                    "INVALID_SQL",
                    "Dollar-quote tags with non-ASCII characters (or 'qq') are not accepted. Use $$…$$ or an ASCII "
                    "tag such as $txt$…$txt$.",
                )
        # PostgreSQL reads U&"pg\0073leep" as pg_sleep. The tree has the decoded name, but
        # there is no reason to write names that way, so they are refused outright.
        if token.name == "UIDENT":
            raise AssistantError(
                "INVALID_SQL",
                'Unicode-escaped identifiers (U&"…") are not accepted. Write names plainly, e.g. "my column".',
            )
    return source


def _syntax_error(source: _Source, error: ParseError) -> AssistantError:
    message = str(error.args[0]) if error.args else "syntax error"
    where = ""
    offset = error.args[1] if len(error.args) > 1 else None
    if isinstance(offset, int) and 0 <= offset < len(source.parsed):
        sql, index = source.text, source.position(offset)
        if source.parsed is not sql and " at or near " in message:  # it quotes the stand-in: quote the text
            near = sql[index:].split(None, 1)[0][:40] if sql[index:].strip() else ""
            message = f'{message.split(" at or near ")[0]} at or near "{near}"'
        line = sql.count("\n", 0, index) + 1
        column = index - (sql.rfind("\n", 0, index) + 1) + 1
        where = f" at line {line}, column {column}"
    if "memory exhausted" in message or "stack depth" in message:
        message = f"the query is nested too deeply ({message})"
    return AssistantError(
        "INVALID_SQL",
        f"The query could not be parsed as PostgreSQL: {message[:300]}{where}. Fix the syntax; only {READ_QUERIES} "
        "queries are accepted.",
    )


def _run_parser_safely(check, source: _Source):
    """`check(source)`, on a thread with a deep stack when the text is long (see
    INLINE_PARSE_TOKENS). The tree is built and dropped on that thread: only the result or
    the error comes back."""
    if len(source.tokens) <= INLINE_PARSE_TOKENS:
        return check(source)
    outcome = {}

    def run():
        try:
            outcome["result"] = check(source)
        except AssistantError as error:
            outcome["error"] = (error.code, error.message, error.details)
        except BaseException as error:  # a bug: re-raised below, without the frames holding the tree
            outcome["bug"] = f"{type(error).__name__}: {error}"

    with _STACK_SIZE_LOCK:
        try:
            previous = threading.stack_size(PARSER_STACK_BYTES)
            try:
                thread = threading.Thread(target=run, name="sql-guard-parser", daemon=True)
                thread.start()
            finally:
                threading.stack_size(previous)
        except (RuntimeError, ValueError, MemoryError):  # no thread to be had: refuse rather than risk it
            raise AssistantError(
                "INVALID_SQL", "The query is too long to be checked right now. Send a shorter query."
            ) from None
    thread.join()
    if "error" in outcome:
        code, message, details = outcome["error"]
        raise AssistantError(code, message, **details)
    if "bug" in outcome:
        raise RuntimeError(outcome["bug"])
    return outcome.get("result")


_STACK_SIZE_LOCK = threading.Lock()


def _parse_one(source: _Source) -> ast.Node:
    try:
        statements = parse_sql(source.parsed)
    except ParseError as error:
        raise _syntax_error(source, error) from None
    if len(statements) > 1:
        raise AssistantError(
            "MULTIPLE_STATEMENTS",
            f"The text holds {len(statements)} SQL statements; send exactly one SELECT per call "
            "(a trailing semicolon is fine). Run the others as separate queries.",
        )
    if not statements:
        raise AssistantError("INVALID_SQL", "The query is empty (or only comments). Send one SQL SELECT statement.")
    return statements[0].stmt


# --- The tree ---------------------------------------------------------------------------


def _check_statement(source: _Source) -> None:
    root = _parse_one(source)
    if not isinstance(root, ast.SelectStmt):
        first_word = source.word(source.tokens[0]).upper()
        raise AssistantError(
            "NOT_READ_ONLY",
            f"Only read-only queries are accepted ({READ_QUERIES}); this query starts with {first_word[:40]!r}. "
            "This tool cannot change the database, its settings or the session. To read a setting use "
            "SELECT current_setting('name').",
        )
    hidden = _walk(root)
    if hidden:
        kind, name = hidden
        raise AssistantError(
            "PERMISSION_DENIED",
            f"The {kind} {name[:80]}{'()' if kind == 'function' else ''} is not available to this tool: it shows "
            "server-wide metadata (other workspaces' databases, roles or sessions). Query this workspace's own "
            "tables and catalogs (information_schema, pg_tables, pg_stats…); current_database() and current_user "
            "name this one.",
        )


def _walk(root: ast.Node) -> tuple[str, str] | None:
    """Raises at the first write, lock or denied function anywhere under `root`; returns the
    first server-wide metadata reference, if any (refused after the walk, so that a query with
    both gets NOT_READ_ONLY)."""
    hidden = None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.__class__ is tuple:
            stack.extend(child for child in node if child is not None)
            continue
        if not isinstance(node, ast.Node):
            continue
        cls = node.__class__
        if cls is ast.SelectStmt:
            if node.intoClause is not None:
                raise AssistantError(
                    "NOT_READ_ONLY", "SELECT … INTO creates a table and is not allowed. Remove the INTO clause."
                )
            if node.lockingClause:
                raise AssistantError(
                    "NOT_READ_ONLY", "FOR UPDATE / FOR SHARE lock rows and are not allowed. Remove the locking clause."
                )
        elif cls is ast.FuncCall:
            name = node.funcname[-1].sval
            code, reason = _function_refusal(name)
            if code == "NOT_READ_ONLY":
                raise AssistantError(
                    "NOT_READ_ONLY",
                    f"The function {name[:80]}() is not allowed: it {reason}. Rewrite the query without it.",
                )
            if code and hidden is None:
                hidden = ("function", name)
        elif cls is ast.RangeVar:
            if hidden is None and _hidden("relation", node.relname):
                hidden = ("relation", node.relname)
        elif cls is ast.TypeName:
            name = node.names[-1].sval if node.names else ""
            if hidden is None and _hidden("type", name):
                hidden = ("type", name)
        elif cls.__name__.endswith("Stmt"):  # INSERT/UPDATE/DELETE/MERGE in a WITH clause
            raise AssistantError(
                "NOT_READ_ONLY",
                f"The query contains {_STATEMENT_NAMES.get(cls.__name__, 'a ' + cls.__name__)} (for example in a "
                "WITH clause). Statements that change "
                "data, schema, settings or transactions are not allowed, even inside a SELECT.",
            )
        for slot in _child_slots(cls):
            child = getattr(node, slot)
            if child is not None:
                stack.append(child)
    return hidden


_STATEMENT_NAMES = {
    "InsertStmt": "an INSERT statement", "UpdateStmt": "an UPDATE statement", "DeleteStmt": "a DELETE statement",
    "MergeStmt": "a MERGE statement",
}

_CHILD_SLOTS: dict[type, tuple[str, ...]] = {}


def _child_slots(cls: type) -> tuple[str, ...]:
    """The attributes of a node class that may hold nodes or lists (pglast declares each one's
    C type): pointers, and the few node-valued fields that are not declared as pointers."""
    slots = _CHILD_SLOTS.get(cls)
    if slots is None:
        slots = tuple(
            name for name, info in cls.__slots__.items()
            if info.c_type not in ("char*", "Bitmapset*")
            and (info.c_type.endswith("*") or info.c_type in ("ValUnion", "JsonTablePlan", "CreateStmt"))
        )
        _CHILD_SLOTS[cls] = slots
    return slots


def _function_refusal(name: str) -> tuple[str | None, str | None]:
    name = name.lower()
    for reason, exact, prefixes in DENIED_FUNCTIONS:
        if name in exact or name.startswith(prefixes):
            return "NOT_READ_ONLY", reason
    if _hidden("function", name):
        return "PERMISSION_DENIED", "shows server-wide metadata (other workspaces' databases, roles or sessions)"
    return None, None


def _hidden(kind: str, name: str) -> bool:
    name = name.lower()
    return any(
        kind == rule_kind and (name in exact or name.startswith(prefixes))
        for rule_kind, exact, prefixes in HIDDEN_METADATA
    )


# --- EXPLAIN ----------------------------------------------------------------------------


def _explain_options(source: _Source) -> dict:
    root = _parse_one(source)
    tokens = source.tokens
    if not isinstance(root, ast.ExplainStmt):  # e.g. a text starting with EXPLAIN that is no EXPLAIN
        raise AssistantError("INVALID_SQL", "This EXPLAIN could not be read. Write EXPLAIN (FORMAT TEXT) SELECT ….")
    if not isinstance(root.query, ast.SelectStmt):
        first = tokens[min(_explain_query_start(tokens, bool(root.options)), len(tokens) - 1)]
        raise AssistantError(
            "NOT_READ_ONLY",
            f"EXPLAIN only explains one read-only query ({READ_QUERIES}); this one explains a statement "
            f"starting with {source.word(first).upper()[:40]!r}, which EXPLAIN ANALYZE would run.",
        )
    options = {}
    for option in root.options or ():
        name = option.defname.lower()
        if name in options:
            raise AssistantError("INVALID_SQL", f"The EXPLAIN option {name.upper()} is given twice. Give it once.")
        if name in EXPLAIN_BOOLEAN_OPTIONS:
            options[name] = _explain_boolean(name, option.arg)
        elif name == "format":
            value = option.arg.sval.lower() if isinstance(option.arg, ast.String) else None
            if value not in EXPLAIN_FORMATS:
                raise AssistantError(
                    "INVALID_SQL", f"EXPLAIN FORMAT takes one of {', '.join(f.upper() for f in EXPLAIN_FORMATS)}."
                )
            options[name] = value
        else:
            raise AssistantError(
                "INVALID_SQL",
                f"The EXPLAIN option {name.upper()[:40]} is not accepted. Allowed: ANALYZE, VERBOSE, COSTS, SETTINGS, "
                "BUFFERS (with ANALYZE), SUMMARY and FORMAT TEXT|JSON|YAML|XML.",
            )
    if options.get("buffers") and not options.get("analyze"):
        raise AssistantError(
            "INVALID_SQL", "EXPLAIN (BUFFERS) is only accepted with ANALYZE: add ANALYZE or drop BUFFERS."
        )
    return options


def _explain_boolean(name: str, arg) -> bool:
    if arg is None:
        return True
    if isinstance(arg, ast.Integer) and arg.ival in (0, 1):
        return bool(arg.ival)
    if isinstance(arg, ast.String) and arg.sval.lower() in ("true", "on", "false", "off"):
        return arg.sval.lower() in ("true", "on")
    if isinstance(arg, ast.Boolean):
        return bool(arg.boolval)
    raise AssistantError("INVALID_SQL", f"The EXPLAIN option {name.upper()} takes TRUE or FALSE.")


def _explain_prefix(options: dict) -> str:
    parts = [
        name.upper() if options[name] else f"{name.upper()} FALSE"
        for name in EXPLAIN_BOOLEAN_OPTIONS if name in options
    ]
    parts.append(f"FORMAT {options.get('format', 'text').upper()}")
    return f"EXPLAIN ({', '.join(parts)})"


def _explain_query_start(tokens: list, has_options: bool) -> int:
    """Index of the inner query's first token: after EXPLAIN and either a parenthesised option
    list (its values are words, strings or numbers: the first ')' closes it) or the old-style
    ANALYZE / VERBOSE keywords. The text was parsed as one EXPLAIN before this is called; a
    '(' after EXPLAIN opens the option list only if there are options (EXPLAIN (SELECT 1) has
    none). Were this wrong, the inner text would not parse as a query and would be refused."""
    i = 1
    if has_options and i < len(tokens) and tokens[i].name == _OPEN:
        while i < len(tokens) and tokens[i].name != _CLOSE:
            i += 1
        return i + 1
    if i < len(tokens) and tokens[i].name in ("ANALYZE", "ANALYSE"):
        i += 1
    if i < len(tokens) and tokens[i].name == "VERBOSE":
        i += 1
    return i
