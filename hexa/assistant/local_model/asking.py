"""The offline stand-in's questions: it asks when a request is ambiguous ("cases over
time": per year or per month?), goes on once answered, and says what became of a write
the user approved or rejected, so that turns that wait for the user can be tried without
Claude. Hooked into demo.OfflineDemoResponder."""

from __future__ import annotations

import json
import re

from .replies import Reply, text_block, tool_use_block

OVER_TIME = re.compile(r"\b(over time|trend|trends|evolution|time series|timeline)\b", re.IGNORECASE)
GRANULARITY = re.compile(r"\b(year|years|yearly|annual|annually|month|months|monthly|per day|daily|week|weekly)\b", re.IGNORECASE)
ASK_ME = re.compile(r"\bask me\b", re.IGNORECASE)
# "per district over time" names what to compare: the chart is drawn month by month, no question
BREAKDOWN = re.compile(r"\b(per|by|for each)\s+(district|region|facility|province)s?\b", re.IGNORECASE)
PER_YEAR, PER_MONTH = "Per year", "Per month"
PERIOD_SQL = {
    PER_YEAR: "SELECT extract(year FROM period)::int AS year, SUM(confirmed_cases) AS confirmed_cases "
    "FROM district_monthly_cases GROUP BY 1 ORDER BY 1",
    PER_MONTH: "SELECT to_char(period, 'YYYY-MM') AS month, SUM(confirmed_cases) AS confirmed_cases "
    "FROM district_monthly_cases GROUP BY 1 ORDER BY 1",
}


def question_for(text: str, tools, label: str) -> Reply | None:
    """An ask_user call when `text` is ambiguous (and the tool is offered), else None."""
    if "ask_user" not in tools:
        return None
    if OVER_TIME.search(text) and not GRANULARITY.search(text) and not BREAKDOWN.search(text):
        question = {"question": "Per year or per month?", "choices": [PER_YEAR, PER_MONTH], "allow_free_text": False}
    elif ASK_ME.search(text):
        question = {"question": "What would you like me to look at?", "choices": ["The database", "The files"]}
    else:
        return None
    intro = text_block(f"{label}\n\nYour request can be read two ways, so I ask before working.")
    return Reply([intro, tool_use_block("ask_user", question)], stop_reason="tool_use")


def _answer(block: dict) -> str | None:
    try:
        data = json.loads(block.get("content") or "")
    except (TypeError, ValueError):
        return None
    return data.get("answer") if isinstance(data, dict) and isinstance(data.get("answer"), str) else None


def after_answer(results: list[dict], calls: dict[str, dict], tools, label: str) -> Reply | None:
    """The next step once the user answered the stand-in's question, else None."""
    for block in results:
        if calls.get(block.get("tool_use_id"), {}).get("name") != "ask_user":
            continue
        answer = _answer(block)
        if answer is None:
            return Reply([text_block(f"{label}\n\nYou did not answer my question, so I stopped there.")])
        choice = next((c for c in PERIOD_SQL if c.lower().split()[-1] in answer.lower()), None)
        if choice and "query_database" in tools:
            intro = text_block(f"{label}\n\nYou chose *{answer}*: here are the confirmed cases {choice.lower()}.")
            return Reply([intro, tool_use_block("query_database", {"query": PERIOD_SQL[choice]})], stop_reason="tool_use")
        if "database" in answer.lower() and "describe_tables" in tools:
            return Reply([text_block(f"{label}\n\nThe database, then."), tool_use_block("describe_tables", {})], stop_reason="tool_use")
        if "list_files" in tools:
            return Reply([text_block(f"{label}\n\nYou answered *{answer}*; here are the files."), tool_use_block("list_files", {})], stop_reason="tool_use")
    return None


def write_outcome(data) -> str | None:
    """What became of a write the user decided on (its result after the wait), else None."""
    if not isinstance(data, dict):
        return None
    path = (data.get("write") or {}).get("path") if isinstance(data.get("write"), dict) else None
    if data.get("status") == "written":
        return f"You approved the write: the file is saved at `{path}` in the workspace bucket." if path else data.get("message")
    if data.get("status") == "rejected":
        return f"You rejected the write, so nothing was saved. {data.get('message', '')}".strip()
    return None
