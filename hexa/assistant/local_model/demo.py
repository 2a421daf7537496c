"""The offline stand-in model: a deterministic responder for `make run` without an API key.

It is not a language model and says so: every text starts with LABEL. It exists so that
the whole flow (tool calls, approvals, streaming, costs) can be tried on a machine with
no network. Two moves:

1. The last user message is a fresh question → pick tools from its words (several
   intents give parallel tool calls), only among the tools the request offers.
2. The last user message carries tool results → summarise them in Markdown and end the
   turn; only the answer to its own question leads to another tool call (asking.py).

Tool inputs follow the schemas in hexa/assistant/tools.py. Tool results are read
tolerantly (several plausible key names), since they are data written by executors this
module does not import.
"""

from __future__ import annotations

import json
import re

from .charts import pick_chart, summarise_chart
from . import asking, pipelines, workspace_data
from .file_tables import pick_file_tools
from .replies import Reply, text_block, tool_use_block
from .follow_ups import follow_up_reply
from .titles import title_reply

LABEL = "*offline demo model — not Claude*"
DEFAULT_NOTE_PATH = "notes/assistant_note.md"
DEFAULT_CASES_SQL = (
    "SELECT district, SUM(confirmed_cases) AS confirmed_cases FROM district_monthly_cases "
    "GROUP BY district ORDER BY confirmed_cases DESC LIMIT 10"
)
DEMO_TABLES = ("districts", "health_facilities", "malaria_cases", "district_monthly_cases")
MAX_TABLE_ROWS = 20
MAX_FILE_LINES = 20
MAX_LIST_ITEMS = 30

HELP = (
    "I am a stand-in that runs without network access. I do not understand language; I pick a tool "
    "from words in your message and summarise what it returns. Try:\n\n"
    "- *Which districts had the most malaria cases?* (a database query)\n"
    "- *What tables are in the database?* or *Describe the malaria_cases table*\n"
    "- *List the files in the bucket* or *What is in the reports folder?*\n"
    "- *Read reports/2024/summary.md* or *Find all `*.csv` files*\n"
    "- *Total confirmed cases per district in `data/raw/2024/*.csv`* or *What is in the HMIS workbook?*\n"
    "- a SQL query in a ```sql code block\n"
    "- *Save a note to notes/todo.md* (you will be asked to approve the write)\n"
    "- *Plot malaria cases per district over time*, *Map the health facilities*, *Map cases per district*\n"
    "- *What was the confirmed-cases total per district in DHIS2 for October 2024?*\n"
    "- *What changed between the last two versions of the malaria-indicators dataset?*\n"
    "- *Refresh the DHIS2 extract for 2024-11, then chart confirmed cases by district.* (you approve the run; "
    "the answer waits for it)\n"
    "- *Which pipelines failed this week, and why?*\n\n"
    "Set ANTHROPIC_API_KEY to talk to Claude."
)

_EXTENSIONS = (
    "csv|tsv|md|markdown|txt|json|geojson|py|r|sql|ipynb|yaml|yml|xml|html|log|xlsx|xls|parquet|png|jpe?g|gif|pdf|zip"
)
_FILE_PATH = re.compile(rf"(?<![\w*/.-])((?:[\w-]+/)*[\w-][\w.-]*\.(?:{_EXTENSIONS}))(?![\w-])", re.IGNORECASE)
_SQL_BLOCK = re.compile(r"```sql\s*(.+?)```", re.IGNORECASE | re.DOTALL)
# SQL typed as the message itself; "Select the files…" or "With the data…" are English.
_SQL_START = re.compile(r"^\s*(?:select\b(?=.*\bfrom\b|\s+[\d'\"(*-])|with\s+\w+\s+as\s*\()", re.IGNORECASE | re.DOTALL)
_GLOB = re.compile(r"(?<![\w*/])((?:\*\*/)?(?:[\w-]+/)*\*\.[A-Za-z0-9]{1,8})")
_EXT_WORDS = {
    "csv": "csv",
    "csvs": "csv",
    "markdown": "md",
    "md": "md",
    "json": "json",
    "python": "py",
    "py": "py",
    "excel": "xlsx",
    "xlsx": "xlsx",
    "spreadsheets": "xlsx",
    "png": "png",
    "images": "png",
    "pdf": "pdf",
    "text": "txt",
    "txt": "txt",
    "sql": "sql",
}
_FOLDER_PATTERNS = (  # most specific first
    re.compile(r"[`\"']?([\w-]+(?:/[\w-]+)*)/?[`\"']?\s+(?:folder|directory)\b", re.IGNORECASE),  # "the reports folder"
    re.compile(r"\b(?:folder|directory|dir)\s+(?:called\s+|named\s+)?[`\"']?([\w-]+(?:/[\w-]+)*)/?", re.IGNORECASE),
    # a slash path that is not a file: "data/raw", "reports/"
    re.compile(r"(?<![\w/.*-])([\w-]+(?:/[\w-]+)*/|[\w-]+(?:/[\w-]+)+)(?![\w/.*-])"),
)
_NOT_FOLDERS = {
    "the",
    "a",
    "an",
    "this",
    "that",
    "root",
    "bucket",
    "my",
    "which",
    "what",
    "each",
    "every",
    "whole",
    "same",
    "in",
    "of",
    "and",
    "or",
    "files",
    "containing",
    "with",
    "where",
    "for",
    "to",
    "from",
    "called",
    "named",
    "contents",
    "content",
}
_CONTAINS = re.compile(  # "containing Kenema", "mentioning 'bed nets'"
    r"\b(?:containing|contains?|mentioning|mentions?)\s+(?:the\s+(?:word|text)\s+)?"
    r"(?:[\"'`]([^\"'`]+)[\"'`]|([\w-]+))",
    re.IGNORECASE,
)


def _has(text: str, *words: str) -> bool:
    return any(re.search(rf"\b{re.escape(word)}\b", text, re.IGNORECASE) for word in words)


def _user_text(message: dict) -> str:
    """The user's own words: the message's last text block. Blocks before it are notes the
    server adds (e.g. what became of proposed writes), not something the user asked."""
    content = message.get("content")
    if isinstance(content, str):
        return content
    texts = [block.get("text", "") for block in content if block.get("type") == "text"]
    return texts[-1] if texts else ""


def question_text(messages: list[dict]) -> str:
    """The user's words of the question the request answers: the last user message with
    text of its own (those carrying only tool results or answers continue its turn)."""
    for message in reversed(messages):
        if message.get("role") == "user" and (text := _user_text(message)):
            return text
    return ""


class OfflineDemoResponder:
    """responder(body) -> Reply; deterministic for a given request."""

    def __call__(self, body: dict) -> Reply:
        if summary_requested(body):
            return Reply([text_block(summary_of(body))])
        if titled := title_reply(body):
            return titled
        if followed := follow_up_reply(body):
            return followed
        tools = {tool.get("name") for tool in body.get("tools") or []}
        messages = body["messages"]
        last = messages[-1]
        if last["role"] != "user":
            return Reply([text_block(f"{LABEL}\n\n{HELP}")])
        results = (
            [b for b in last["content"] if b.get("type") == "tool_result"] if isinstance(last["content"], list) else []
        )
        if results:
            calls = {}
            if len(messages) > 1 and isinstance(messages[-2]["content"], list):
                calls = {b["id"]: b for b in messages[-2]["content"] if b.get("type") == "tool_use"}
            return (
                pipelines.next_step(results, calls, tools, LABEL, messages)
                or asking.after_answer(results, calls, tools, LABEL)
                or workspace_data.next_step(messages, results, calls, tools, LABEL)
                or Reply([text_block(summarise_results(results, calls))])
            )
        asked = pipelines.first_step(_user_text(last), tools, LABEL) or asking.question_for(_user_text(last), tools, LABEL)
        if asked:
            return asked
        calls = pick_tools(_user_text(last), tools)
        if not calls:
            return Reply([text_block(f"{LABEL}\n\n{HELP}")])
        names = ", ".join(f"`{name}`" for name, _ in calls)
        intro = text_block(f"{LABEL}\n\nI will use {names} to answer.")
        return Reply([intro] + [tool_use_block(name, tool_input) for name, tool_input in calls], stop_reason="tool_use")


# -- summaries of earlier turns (context compaction) -------------------------------------

SUMMARY_MARKER = "compact record of earlier turns"


def summary_requested(body: dict) -> bool:
    system = body.get("system") or ""
    text = system if isinstance(system, str) else " ".join(b.get("text", "") for b in system if isinstance(b, dict))
    return SUMMARY_MARKER in text


def summary_of(body: dict) -> str:
    """The user's questions from the transcript, and the summary so far, kept as they are."""
    transcript = _user_text(body["messages"][-1])
    so_far = re.search(r"Summary so far:\n(.*?)\n\nTranscript of the turns to add:", transcript, re.DOTALL)
    questions = [line[len("USER: ") :][:200] for line in transcript.splitlines() if line.startswith("USER: ")]
    earlier = so_far.group(1).strip() if so_far else LABEL + "\n\nEarlier in this conversation the user asked:"
    return earlier + "".join(f"\n- {question}" for question in questions)


# -- picking tools -----------------------------------------------------------------------


def _folder(text: str) -> str | None:
    for pattern in _FOLDER_PATTERNS:
        for match in pattern.finditer(text):
            folder = match.group(1).strip("/")
            if folder.lower() not in _NOT_FOLDERS:
                return folder
    return None


def _table_name(text: str) -> str | None:
    backticked = re.search(r"`([A-Za-z_][\w.]*)`", text)
    if backticked:
        return backticked.group(1)
    for name in DEMO_TABLES:
        if _has(text, name):
            return name
    after = re.search(r"\btable\s+([A-Za-z_][\w.]*)", text, re.IGNORECASE)
    if after and "_" in after.group(1):
        return after.group(1)
    snake = re.search(r"\b([a-z][a-z0-9]*_[a-z0-9_]+)\s+(?:table|view)\b", text, re.IGNORECASE)
    return snake.group(1) if snake else None


def pick_tools(text: str, available) -> list[tuple[str, dict]]:
    """[(tool name, input)] for a user message, in a stable order; [] when nothing fits."""
    calls: list[tuple[str, dict]] = []
    if flow := workspace_data.first_step(text, available):  # DHIS2 and datasets, several steps
        return flow
    if chart := pick_chart(text, available):
        return [chart]

    def call(name: str, tool_input: dict):
        if name in available and (name, tool_input) not in calls:
            calls.append((name, tool_input))

    sql_match = _SQL_BLOCK.search(text)
    sql = sql_match.group(1).strip() if sql_match else (text.strip() if _SQL_START.match(text) else None)
    if sql:
        call("query_database", {"query": sql.rstrip().rstrip(";")})
        return calls  # the rest of the message is the query itself
    file_calls = pick_file_tools(text, available)  # data files as tables: query_files, workbooks
    if file_calls:
        return file_calls

    paths = [m.group(1) for m in _FILE_PATH.finditer(text)]
    words = _FILE_PATH.sub(" ", text)  # "districts.csv" must not read as a question about districts
    wants_write = _has(words, "write", "save", "note", "create a note")
    wants_search = _has(words, "search", "find", "look for", "locate")
    glob = _GLOB.search(text)
    folder = _folder(words)

    if wants_write:
        path = paths[0] if paths else DEFAULT_NOTE_PATH
        request = text.strip()
        content = f"# Note\n\n{request}\n\n_Written by the offline demo model — not Claude._\n"
        call("write_file", {"path": path, "content": content})
        paths = paths[1:]
    for path in paths:
        if "/" in path:
            call("read_file", {"path": path})
        else:
            call("search_files", {"pattern": path})

    extension = None
    if glob:
        extension = glob.group(1)
    elif wants_search:
        ext_word = next((w for w in re.findall(r"[\w]+", words.lower()) if w in _EXT_WORDS), None)
        extension = f"*.{_EXT_WORDS[ext_word]}" if ext_word else None
    if extension or (wants_search and _CONTAINS.search(words)):
        search = {"pattern": extension or "*"}
        if folder:
            search["path"] = folder
        contains = _CONTAINS.search(words)
        if contains:
            search["contains"] = contains.group(1) or contains.group(2)
        call("search_files", search)

    table = _table_name(words)
    wants_tables = _has(words, "table", "tables", "database", "schema", "columns", "column") or bool(
        table and _has(words, "describe", "structure")
    )
    table = table if wants_tables else None
    if wants_tables:
        call("describe_tables", {"table_name": table} if table else {})

    searching = any(name == "search_files" for name, _ in calls)
    if _has(words, "files", "folder", "folders", "bucket", "directory") and not searching and not wants_write:
        call("list_files", {"path": folder} if folder else {})

    if _has(words, "cases", "malaria", "districts", "district", "deaths") and not table:
        call("query_database", {"query": DEFAULT_CASES_SQL})
    if not calls and (_has(words, "list") or folder):  # "list", alone, means the bucket
        call("list_files", {"path": folder} if folder else {})
    return calls


# -- summarising tool results ---------------------------------------------------------------


def _result_payload(block: dict):
    """The tool result as data: parsed JSON when it is JSON, else its text."""
    content = block.get("content")
    if isinstance(content, list):
        content = "\n".join(part.get("text", "") for part in content if part.get("type") == "text")
    if isinstance(content, str):
        try:
            return json.loads(content)
        except ValueError:
            pass
        # An agent may cut long results and append a note ("…\n[Result cut at …]"):
        # keep what parses, so a cut query result still shows as a table.
        from jiter import from_json

        try:
            value = from_json(content.rsplit("\n[", 1)[0].encode(), partial_mode="trailing-strings")
        except ValueError:
            return content
        return value if isinstance(value, dict) else content
    return content


def _first_list(data: dict, *keys: str):
    for key in keys:
        if isinstance(data.get(key), list):
            return data[key]
    return None


def _cell(value) -> str:
    if value is None:
        return ""
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value, ensure_ascii=False)
        if isinstance(value, (dict, list))
        else str(value)
    )
    return text.replace("|", "\\|").replace("\n", " ")


def _size(size) -> str:
    if not isinstance(size, (int, float)):
        return ""
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000


def _summarise_query(data: dict) -> str:
    columns = [c.get("name") if isinstance(c, dict) else c for c in data.get("columns") or []]
    rows = _first_list(data, "rows", "data", "records") or []
    if rows and isinstance(rows[0], dict):
        columns = columns or list(rows[0])
        rows = [[row.get(c) for c in columns] for row in rows]
    count = data.get("row_count", len(rows))
    truncated = bool(data.get("truncated")) or len(rows) > MAX_TABLE_ROWS
    if not columns:
        return "The query returned no columns."
    lines = ["| " + " | ".join(_cell(c) for c in columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows[:MAX_TABLE_ROWS]]
    footer = f"{count} rows" + (" (truncated)" if truncated else "")
    if len(rows) > MAX_TABLE_ROWS:
        footer += f", first {MAX_TABLE_ROWS} shown"
    return "\n".join(lines) + f"\n\n{footer}"


def _summarise_list(data: dict, tool_input: dict) -> str:
    entries = _first_list(data, "entries", "items", "files", "children") or []
    where = data.get("path", tool_input.get("path", "")) or "the bucket root"
    if not entries:
        return f"`{where}` is empty."
    lines = [f"Contents of `{where}`:"]
    for entry in entries[:MAX_LIST_ITEMS]:
        if not isinstance(entry, dict):
            lines.append(f"- `{entry}`")
            continue
        name = entry.get("name") or entry.get("path") or "?"
        is_folder = str(entry.get("type", "")).lower() in ("directory", "folder", "dir")
        detail = "folder" if is_folder else _size(entry.get("size"))
        lines.append(
            f"- `{name}{'/' if is_folder and not name.endswith('/') else ''}`" + (f" — {detail}" if detail else "")
        )
    if len(entries) > MAX_LIST_ITEMS or data.get("has_more"):
        lines.append(f"- … and more (showing {min(len(entries), MAX_LIST_ITEMS)})")
    return "\n".join(lines)


def _summarise_read(data: dict, tool_input: dict) -> str:
    path = data.get("path", tool_input.get("path", "the file"))
    if isinstance(data.get("rows"), list):  # a Parquet file or a spreadsheet, read as a table
        sheets = f" (sheet `{data['sheet']}` of {', '.join(data.get('sheets') or [])})" if data.get("sheet") else ""
        return f"`{path}`{sheets}:\n\n" + _summarise_query({**data, "row_count": data.get("total_rows", data.get("row_count"))})
    content = data.get("content", "")
    lines = content.splitlines()
    language = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    language = {"md": "markdown", "py": "python"}.get(language, language)
    shown = "\n".join(lines[:MAX_FILE_LINES])
    size = _size(data.get("size"))
    head = (
        f"`{path}`"
        + (f" ({size})" if size else "")
        + f", first {min(len(lines), MAX_FILE_LINES)} of {len(lines)} lines:"
    )
    return f"{head}\n\n```{language}\n{shown}\n```"


def _summarise_tables(data: dict) -> str:
    tables = _first_list(data, "tables", "views", "items")
    if tables is None:
        tables = [data]  # one table described in detail
    lines = []
    for table in tables[:MAX_LIST_ITEMS]:
        if not isinstance(table, dict):
            lines.append(f"- **{table}**")
            continue
        name = table.get("name") or table.get("table_name") or table.get("table") or "?"
        columns = [c.get("name", "?") if isinstance(c, dict) else str(c) for c in table.get("columns") or []]
        kind = f" ({table['type']})" if table.get("type") in ("view", "VIEW") else ""
        lines.append(f"- **{name}**{kind}: {', '.join(columns) or 'no columns'}")
    return "\n".join(lines) or "The database has no tables."


def _summarise_search(data: dict) -> str:
    matches = _first_list(data, "matches", "files", "results", "items", "paths") or []
    if not matches:
        return "No files matched."
    lines = [f"{len(matches)} file(s) found:"]
    for match in matches[:MAX_LIST_ITEMS]:
        path = match.get("path") or match.get("name") if isinstance(match, dict) else match
        lines.append(f"- `{path}`")
    if data.get("truncated"):
        lines.append("- … the search was truncated")
    return "\n".join(lines)


def _summarise_write(data, tool_input: dict) -> str:
    path = (data.get("path") if isinstance(data, dict) else None) or tool_input.get("path", "the file")
    status = json.dumps(data).lower() if isinstance(data, dict) else str(data).lower()
    if any(word in status for word in ("approv", "pending", "await")):
        return f"I proposed writing `{path}`; approve it to save."
    if any(word in status for word in ("reject", "declin", "denied")):
        return f"The write to `{path}` was rejected, so nothing was saved."
    return f"Saved `{path}`."


def _summarise_one(name: str, tool_input: dict, data, is_error: bool) -> str:
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        error = data["error"]
        return f"The `{name}` tool returned the error **{error.get('code', 'ERROR')}**: {error.get('message', '')}"
    if is_error:
        return f"The `{name}` tool failed: {_cell(data)}"
    if name == "write_file":
        return asking.write_outcome(data) or _summarise_write(data, tool_input)
    if not isinstance(data, dict):
        text = "\n".join(str(data).splitlines()[:MAX_FILE_LINES])
        return f"```\n{text}\n```"
    if name == "create_chart":
        return summarise_chart(data)
    if name in workspace_data.SUMMARIES:
        return workspace_data.SUMMARIES[name](data)
    if name in ("query_database", "query_files"):
        return _summarise_query(data)
    if name == "list_files":
        return _summarise_list(data, tool_input)
    if name == "read_file":
        return _summarise_read(data, tool_input)
    if name == "describe_tables":
        return _summarise_tables(data)
    if name == "search_files":
        return _summarise_search(data)
    return "```json\n" + json.dumps(data, indent=2, ensure_ascii=False)[:2000] + "\n```"


def summarise_results(results: list[dict], calls: dict[str, dict]) -> str:
    """Markdown for tool_result blocks; `calls` maps tool_use ids to the tool_use blocks."""
    sections = [LABEL]
    for block in results:
        call = calls.get(block.get("tool_use_id"), {})
        name = call.get("name", "tool")
        tool_input = call.get("input", {})
        summary = _summarise_one(name, tool_input, _result_payload(block), bool(block.get("is_error")))
        heading = f"**{name}**" + (
            f" `{tool_input['path']}`" if name in ("read_file", "list_files") and tool_input.get("path") else ""
        )
        sections.append(f"{heading}\n\n{summary}" if len(results) > 1 else summary)
    return "\n\n".join(sections)
