"""The offline stand-in's pipeline requests, in English and French, so that `make run` shows
the whole flow without a key:

- "Refresh the DHIS2 extract for 2024-11, then chart confirmed cases by district." /
  "Actualise l'extraction DHIS2 pour 2024-11, puis fais un graphique des cas confirmés par
  district." → list_pipelines → run_pipeline of the extract with its parameters (the user
  approves; the turn waits for the run) → create_chart of the table the run wrote → a sentence.
- "Which pipelines failed this week, and why?" / "Quels pipelines ont échoué cette semaine, et
  pourquoi ?" → get_pipeline_run of the week's failed runs → their messages and log tails.

    first_step(text, tools, label) -> Reply | None
    next_step(results, calls, tools, label, messages) -> Reply | None
"""

from __future__ import annotations

import json
import re

from .replies import Reply, text_block, tool_use_block

_REFRESH = re.compile(r"\b(refresh|re-?run|update|actualise[rz]?|rafra[iî]chi[rs]?|relance[rz]?|mets? à jour)\b", re.IGNORECASE)
_EXTRACT = re.compile(r"\b(extract(ion)?|dhis2|pipeline)\b", re.IGNORECASE)
_PERIOD = re.compile(r"\b(20\d\d)[-/ ]?(0[1-9]|1[0-2])\b")
_FAILED = re.compile(r"\b(fail(ed|ing|ures?)?|[ée]chou[ée]s?|[ée]checs?)\b", re.IGNORECASE)
_PIPELINES = re.compile(r"\b(pipelines?|runs?|ex[ée]cutions?)\b", re.IGNORECASE)
_CHART = re.compile(r"\b(chart|plot|graph|draw|graphique|trace[rz]?|dessine)\b", re.IGNORECASE)
_FRENCH = re.compile(r"\b(actualise|extraction|puis|graphique|quels|ont|cette|semaine|pourquoi|cas|confirm[ée]s)\b", re.IGNORECASE)
CONFIRMED = "Malaria confirmed cases"


def _say(text: str, english: str, french: str) -> str:
    return french if _FRENCH.search(text) else english


def first_step(text: str, tools, label: str) -> Reply | None:
    """The first tool call of a pipeline request, or None when the text is not one."""
    if _REFRESH.search(text) and _EXTRACT.search(text) and _PERIOD.search(text) and "list_pipelines" in tools:
        said = _say(text, "I look up the extract pipeline and its parameters first.", "Je cherche d'abord le pipeline d'extraction et ses paramètres.")
        return Reply([text_block(f"{label}\n\n{said}"), tool_use_block("list_pipelines", {"search": "extract"})], stop_reason="tool_use")
    if _FAILED.search(text) and _PIPELINES.search(text) and "get_pipeline_run" in tools:
        said = _say(text, "I look at this week's failed runs.", "Je regarde les exécutions échouées de la semaine.")
        call = tool_use_block("get_pipeline_run", {"status": "failed", "since_days": 7, "limit": 10})
        return Reply([text_block(f"{label}\n\n{said}"), call], stop_reason="tool_use")
    return None


def _question(messages: list[dict]) -> str:
    """The user's words of the turn: the last user message with text of its own."""
    for message in reversed(messages):
        content = message.get("content")
        if message.get("role") != "user":
            continue
        if isinstance(content, str):
            return content
        texts = [b.get("text", "") for b in content if b.get("type") == "text"]
        if texts and not any(b.get("type") == "tool_result" for b in content):
            return texts[-1]
    return ""


def _payload(block: dict):
    content = block.get("content")
    if isinstance(content, list):
        content = "".join(part.get("text", "") for part in content if part.get("type") == "text")
    try:
        return json.loads(content or "")
    except (TypeError, ValueError):
        return None


def _config(pipeline: dict, period: str) -> dict:
    config = {}
    for parameter in (pipeline.get("current_version") or {}).get("parameters") or []:
        code = parameter.get("code")
        if parameter.get("connections"):
            config[code] = parameter["connections"][0]
        elif code == "period":
            config[code] = period
    return config


def _propose(data: dict, question: str, tools, label: str) -> Reply | None:
    pipelines = [p for p in data.get("pipelines") or [] if "extract" in str(p.get("code", ""))]
    match = _PERIOD.search(question)
    if not pipelines or not match or "run_pipeline" not in tools:
        said = _say(question, "I found no extract pipeline I may run here.", "Je n'ai trouvé aucun pipeline d'extraction que je puisse lancer ici.")
        return Reply([text_block(f"{label}\n\n{said}")])
    pipeline, period = pipelines[0], match.group(1) + match.group(2)
    config = _config(pipeline, period)
    said = _say(
        question,
        f"I propose to run `{pipeline['code']}` for {period}: approve it, and I will wait for the run.",
        f"Je propose de lancer `{pipeline['code']}` pour {period} : approuvez-le, et j'attendrai la fin de l'exécution.",
    )
    call = tool_use_block("run_pipeline", {"pipeline_code": pipeline["code"], "config": config})
    return Reply([text_block(f"{label}\n\n{said}"), call], stop_reason="tool_use")


def _chart(table: str, period: str, question: str) -> dict:
    return {
        "title": _say(question, f"Confirmed cases by district, {period}", f"Cas confirmés par district, {period}"),
        "query": f"SELECT org_unit_name AS district, value AS confirmed_cases FROM {table} "
                 f"WHERE period = '{period}' AND data_element_name = '{CONFIRMED}' ORDER BY confirmed_cases DESC",
        "spec": {
            "mark": {"type": "bar", "tooltip": True},
            "encoding": {
                "x": {"field": "district", "type": "nominal", "sort": "-y", "title": "District"},
                "y": {"field": "confirmed_cases", "type": "quantitative", "title": _say(question, "Confirmed cases", "Cas confirmés")},
            },
        },
    }


def _after_run(data: dict, question: str, tools, label: str) -> Reply:
    run = data.get("run") or {}
    status = data.get("status")
    if status == "rejected":
        said = _say(question, "You rejected the run, so nothing ran.", "Vous avez refusé l'exécution : rien n'a été lancé.")
        return Reply([text_block(f"{label}\n\n{said}")])
    if status == "success":
        tables = [o.get("table") for o in run.get("outputs") or [] if o.get("type") == "table"]
        period = (run.get("config") or {}).get("period", "")
        if tables and _CHART.search(question) and "create_chart" in tools:
            said = _say(
                question, f"The run succeeded in {run.get('duration_s')} s and wrote `{tables[0]}`: I chart it.",
                f"L'exécution a réussi en {run.get('duration_s')} s et a écrit `{tables[0]}` : j'en fais le graphique.",
            )
            return Reply([text_block(f"{label}\n\n{said}"), tool_use_block("create_chart", _chart(tables[0], period, question))], stop_reason="tool_use")
        said = _say(question, "The run succeeded.", "L'exécution a réussi.")
        return Reply([text_block(f"{label}\n\n{said}")])
    if status in ("failed", "stopped"):
        return Reply([text_block(f"{label}\n\n" + _failure(run, question))])
    if "error" in data:
        error = data["error"]
        return Reply([text_block(f"{label}\n\n**{error.get('code')}**: {error.get('message')}")])
    said = _say(
        question, f"The run is still going ({status}); ask me later how it ended.",
        f"L'exécution continue ({status}) ; demandez-moi plus tard comment elle s'est terminée.",
    )
    return Reply([text_block(f"{label}\n\n{said}")])


def _failure(run: dict, question: str) -> str:
    errors = [m.get("message") for m in run.get("messages") or [] if m.get("priority") in ("ERROR", "CRITICAL")]
    tail = (run.get("log_tail") or "").strip().splitlines()[-3:]
    why = errors[-1] if errors else (tail[-1] if tail else "?")
    head = _say(question, f"**{run.get('pipeline_code')}** ({run.get('status')}, {run.get('created_at', '')[:16]}): {why}",
                f"**{run.get('pipeline_code')}** ({run.get('status')}, {run.get('created_at', '')[:16]}) : {why}")
    return head + ("\n\n```\n" + "\n".join(tail) + "\n```" if tail else "")


def _failed_runs(data: dict, question: str, label: str) -> Reply:
    runs = data.get("runs") or []
    if not runs:
        said = _say(question, "No pipeline run failed in the last 7 days.", "Aucune exécution de pipeline n'a échoué ces 7 derniers jours.")
        return Reply([text_block(f"{label}\n\n{said}")])
    intro = _say(question, f"{len(runs)} run(s) failed in the last 7 days:", f"{len(runs)} exécution(s) ont échoué ces 7 derniers jours :")
    return Reply([text_block(f"{label}\n\n{intro}\n\n" + "\n\n".join(_failure(run, question) for run in runs))])


def next_step(results: list[dict], calls: dict[str, dict], tools, label: str, messages: list[dict]) -> Reply | None:
    """The step after a pipeline tool's result, else None."""
    question = _question(messages)
    for block in results:
        name = calls.get(block.get("tool_use_id"), {}).get("name")
        data = _payload(block)
        if not isinstance(data, dict):
            continue
        if name == "list_pipelines" and _REFRESH.search(question):
            return _propose(data, question, tools, label)
        if name == "run_pipeline":
            return _after_run(data, question, tools, label)
        if name == "get_pipeline_run" and isinstance(data.get("runs"), list):
            return _failed_runs(data, question, label)
    return None
