"""The offline stand-in's words for DHIS2 and datasets, in English and French: flows of
several steps, each chosen from the tool results before it (it reads no language).

- "What was the confirmed-cases total per district in DHIS2 for October 2024?" /
  "Quel était le total des cas confirmés par district dans DHIS2 en octobre 2024 ?":
  list_connections -> query_dhis2 on dataElements (the confirmed-cases element's UID) ->
  query_dhis2 analytics (dx: that UID, pe: the month named, ou: LEVEL-2) -> a table per district
  with the total.
- "What changed between the last two versions of the malaria-indicators dataset?" /
  "Qu'est-ce qui a changé entre les deux dernières versions du jeu de données malaria-indicators ?":
  list_datasets -> query_files over the file of both versions (rows of each, rows added and
  removed; a sample of the added rows) -> the tables.

    first_step(text, available) -> [(tool name, input)] or []
    next_step(messages, results, calls, available, label) -> Reply or None (then demo.py summarises)
    SUMMARIES: tool name -> summary(data) for this module's tools
"""

from __future__ import annotations

import json
import re

from .replies import Reply, text_block, tool_use_block

MONTHS = {
    "january": 1, "janvier": 1, "february": 2, "fevrier": 2, "février": 2, "march": 3, "mars": 3, "april": 4,
    "avril": 4, "may": 5, "mai": 5, "june": 6, "juin": 6, "july": 7, "juillet": 7, "august": 8, "aout": 8, "août": 8,
    "september": 9, "septembre": 9, "october": 10, "octobre": 10, "november": 11, "novembre": 11, "december": 12,
    "decembre": 12, "décembre": 12,
}
_DHIS2 = re.compile(r"\bdhis ?2\b", re.IGNORECASE)
_CONFIRMED = re.compile(r"\b(confirmed|confirm[ée]s?)\b", re.IGNORECASE)
_PERIOD = re.compile(rf"\b({'|'.join(MONTHS)})\s+(\d{{4}})\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(20\d\d)\b")
_VERSIONS = re.compile(
    r"\b(changed?|changes|differ|difference|diff|compare|chang[ée]|diff[ée]rences?|compar)\w*\b.*\bversions?\b",
    re.IGNORECASE | re.DOTALL,
)
_DATASET_SLUG = re.compile(
    r"(?:\b(?:of|du|de)\s+(?:the\s+)?(?:jeu de données\s+|dataset\s+)?[`\"']?([a-z0-9][a-z0-9-]*-[a-z0-9-]+)[`\"']?)"
    r"|(?:[`\"']?([a-z0-9][a-z0-9-]*-[a-z0-9-]+)[`\"']?\s+dataset)",
    re.IGNORECASE,
)
DATASET_WORDS = re.compile(r"\b(dataset|datasets|jeu de données|jeux de données)\b", re.IGNORECASE)


def _french(text: str) -> bool:
    return bool(re.search(r"\b(quel|quelle|qu'est|entre|les|du|dans|jeu de données|par)\b", text, re.IGNORECASE))


def _period(text: str) -> str | None:
    found = _PERIOD.search(text)
    if found:
        return f"{found.group(2)}{MONTHS[found.group(1).lower()]:02d}"
    year = _YEAR.search(text)
    return year.group(1) if year else None


def _wants_dhis2(text: str) -> bool:
    return bool(_DHIS2.search(text) and _CONFIRMED.search(text) and _period(text))


def _dataset_slug(text: str) -> str | None:
    for found in _DATASET_SLUG.finditer(text):
        slug = (found.group(1) or found.group(2) or "").lower()
        if slug:
            return slug
    return None


def _wants_versions(text: str) -> bool:
    return bool(_VERSIONS.search(text) and DATASET_WORDS.search(text))


def first_step(text: str, available) -> list[tuple[str, dict]]:
    if _wants_dhis2(text) and {"list_connections", "query_dhis2"} <= set(available):
        return [("list_connections", {})]
    if _wants_versions(text) and {"list_datasets", "query_files"} <= set(available):
        slug = _dataset_slug(text)
        return [("list_datasets", {"query": slug} if slug else {})]
    return []


def _question(messages: list[dict]) -> str:
    """The user's question of this turn: the last user message with words, not tool results."""
    for message in reversed(messages):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        if any(block.get("type") == "tool_result" for block in content):
            continue
        texts = [block.get("text", "") for block in content if block.get("type") == "text"]
        if texts:
            return texts[-1]
    return ""


def _data(block: dict):
    try:
        return json.loads(block.get("content") or "")
    except (TypeError, ValueError):
        return None


def _column(data: dict, name: str) -> int | None:
    names = [c.get("name") if isinstance(c, dict) else c for c in data.get("columns") or []]
    return names.index(name) if name in names else None


def _step(label, text, calls) -> Reply:
    return Reply([text_block(f"{label}\n\n{text}")] + [tool_use_block(n, i) for n, i in calls], stop_reason="tool_use")


def next_step(messages: list[dict], results: list[dict], calls: dict, available, label: str) -> Reply | None:
    question = _question(messages)
    french = _french(question)
    for block in results:
        call = calls.get(block.get("tool_use_id"), {})
        name, tool_input, data = call.get("name"), call.get("input") or {}, _data(block)
        if not isinstance(data, dict) or "error" in data:
            return None  # demo.py tells the error
        if name == "list_connections" and _wants_dhis2(question) and "query_dhis2" in available:
            slug = next((c["slug"] for c in data.get("connections") or [] if c.get("type") == "DHIS2"), None)
            if slug is None:
                return Reply([text_block(f"{label}\n\n" + (
                    "Cet espace de travail n'a pas de connexion DHIS2." if french else "This workspace has no DHIS2 connection."
                ))])
            lookup = {"filter": "name:ilike:confirmed", "fields": "id,name"}
            return _step(label, (
                f"Je cherche l'élément de données des cas confirmés dans DHIS2 (`{slug}`)." if french
                else f"I look up the confirmed-cases data element in DHIS2 (`{slug}`)."
            ), [("query_dhis2", {"connection": slug, "resource": "dataElements", "params": lookup})])
        if name == "query_dhis2" and tool_input.get("resource") == "dataElements" and _wants_dhis2(question):
            position = _column(data, "id")
            rows = data.get("rows") or []
            if position is None or not rows:
                return None
            period = _period(question)
            params = {"dimension": [f"dx:{rows[0][position]}", f"pe:{period}", "ou:LEVEL-2"]}
            return _step(label, (
                f"Puis les cas confirmés par district pour la période {period}." if french
                else f"Then the confirmed cases per district for {period}."
            ), [("query_dhis2", {"connection": tool_input.get("connection"), "resource": "analytics", "params": params})])
        if name == "list_datasets" and _wants_versions(question) and "query_files" in available:
            return _compare_versions(data, _dataset_slug(question), label, french)
    return None


def _compare_versions(data: dict, slug: str | None, label: str, french: bool) -> Reply | None:
    datasets = data.get("datasets") or []
    dataset = next((d for d in datasets if d.get("slug") == slug), datasets[0] if datasets else None)
    versions = (dataset or {}).get("versions") or []
    if len(versions) < 2:
        return Reply([text_block(f"{label}\n\n" + (
            "Ce jeu de données n'a pas deux versions à comparer." if french else "This dataset has no two versions to compare."
        ))])
    new, old = versions[0], versions[1]
    old_files = {f.get("name"): f for f in old.get("files") or []}
    pair = next(
        ((f, old_files[f.get("name")]) for f in new.get("files") or []
         if f.get("name") in old_files and re.search(r"\.(csv|parquet|pq|xlsx)$", f.get("name", ""), re.IGNORECASE)),
        None,
    )
    if pair is None:
        return None
    files = {"new": pair[0]["path"], "old": pair[1]["path"]}
    counts = (
        f"SELECT '{new['name']}' AS version, (SELECT count(*) FROM new) AS row_count, "
        "(SELECT count(*) FROM (SELECT * FROM new EXCEPT SELECT * FROM old)) AS rows_added, "
        "(SELECT count(*) FROM (SELECT * FROM old EXCEPT SELECT * FROM new)) AS rows_removed "
        f"UNION ALL SELECT '{old['name']}', (SELECT count(*) FROM old), NULL, NULL"
    )
    added = "SELECT * FROM new EXCEPT SELECT * FROM old ORDER BY 1, 2 LIMIT 10"
    text = (
        f"Je compare `{pair[0]['name']}` dans les versions {new['name']} et {old['name']}: lignes de chacune, lignes "
        "ajoutées et retirées, et quelques lignes ajoutées." if french else
        f"I compare `{pair[0]['name']}` in versions {new['name']} and {old['name']}: the rows of each, the rows added "
        "and removed, and a few added rows."
    )
    return _step(label, text, [
        ("query_files", {"files": files, "sql": counts}),
        ("query_files", {"files": files, "sql": added, "limit": 10}),
    ])


# -- summaries ---------------------------------------------------------------------------------


def _connections(data: dict) -> str:
    lines = [f"- `{c.get('slug')}` ({c.get('type')}): {c.get('name')}" for c in data.get("connections") or []]
    return "\n".join(lines) or "No connection."


def _datasets(data: dict) -> str:
    lines = []
    for dataset in data.get("datasets") or []:
        versions = ", ".join(v.get("name", "?") for v in dataset.get("versions") or [])
        lines.append(f"- **{dataset.get('name')}** (`{dataset.get('slug')}`): versions {versions or 'none'}")
    return "\n".join(lines) or "No dataset."


def _dhis2(data: dict) -> str:
    rows = data.get("rows")
    if rows is None:
        return f"DHIS2 answered {data.get('row_count', 0)} rows; their values are not sent to me in this workspace (you see them above)."
    name, value = _column(data, "ou_name"), _column(data, "value")
    if name is None or value is None:
        names = [c.get("name") for c in data.get("columns") or []]
        lines = ["| " + " | ".join(names) + " |", "|" + "---|" * len(names)]
        lines += ["| " + " | ".join("" if v is None else str(v) for v in row) + " |" for row in rows[:20]]
        return "\n".join(lines) + f"\n\n{data.get('row_count', len(rows))} rows"
    ordered = sorted(rows, key=lambda row: -(row[value] or 0))
    lines = ["| District | Value |", "|---|---:|"] + [f"| {row[name]} | {row[value]:,} |" for row in ordered]
    total = sum(row[value] or 0 for row in rows)
    more = " (more rows in DHIS2's answer: see the table above)" if data.get("truncated") else ""
    return "\n".join(lines) + f"\n\n**Total: {total:,}** over {len(rows)} districts{more}."


SUMMARIES = {"list_connections": _connections, "list_datasets": _datasets, "query_dhis2": _dhis2}
