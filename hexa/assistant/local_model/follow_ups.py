"""Follow-up questions, as the offline stand-in model proposes them.

The server asks a small model for up to three follow-up questions after each answer; its
system prompt starts with FOLLOW_UP_REQUEST_MARKER. The stand-in answers with questions it
can itself answer, chosen from the words of the question and the answer, in French when
the question is French, so that the whole flow (the call, its usage, the suggestions on
the page, a click that sends one) runs offline too.
"""

from __future__ import annotations

import re

from .replies import Reply, text_block
from .titles import _system_text

FOLLOW_UP_REQUEST_MARKER = "You propose follow-up questions"
_QUESTION = re.compile(r"<question>(.*?)</question>", re.DOTALL)
_ANSWER = re.compile(r"<answer>(.*?)</answer>", re.DOTALL)
_FRENCH = re.compile(r"\b(le|la|les|des|du|quels?|quelles?|combien|cas|par|dans|fichiers?|est|sont)\b", re.IGNORECASE)

# (words that make it relevant, English, French)
SUGGESTIONS = [
    (("district", "districts", "cases", "malaria"), "Plot malaria cases per district over time", "Trace les cas de paludisme par district au fil du temps"),
    (("district", "districts", "map"), "Map cases per district", "Carte des cas par district"),
    (("table", "tables", "column", "database"), "Describe the malaria_cases table", "Décris la table malaria_cases"),
    (("csv", "files", "file", "bucket", "folder"), "Total confirmed cases per district in data/raw/2024/*.csv", "Total des confirmed cases par district dans data/raw/2024/*.csv"),
    (("workbook", "hmis", "xlsx", "sheet"), "What is in the HMIS workbook?", "Que contient le classeur HMIS ?"),
    ((), "Which districts had the most malaria cases?", "Quels districts ont eu le plus de cas de paludisme ?"),
    ((), "What tables are in the database?", "Quelles tables contient la base de données ?"),
    ((), "List the files in the bucket", "Liste les fichiers du bucket"),
]


def is_french(text: str) -> bool:
    return len(_FRENCH.findall(text)) >= 2


def follow_up_reply(body: dict) -> Reply | None:
    """Up to three follow-up questions for a follow-up request; None for any other request."""
    if not _system_text(body).startswith(FOLLOW_UP_REQUEST_MARKER):
        return None
    content = body["messages"][-1]["content"]
    text = content if isinstance(content, str) else " ".join(b.get("text", "") for b in content if b.get("type") == "text")
    question = (_QUESTION.search(text) or _ANSWER.search(text) or re.match(r"(.*)", text, re.DOTALL)).group(1)
    answer = _ANSWER.search(text)
    words = set(re.findall(r"\w+", (question + " " + (answer.group(1) if answer else "")).lower()))
    french = is_french(question)
    asked = question.strip().lower()
    picked = []
    for needed, english, in_french in SUGGESTIONS:
        suggestion = in_french if french else english
        if (not needed or words & set(needed)) and suggestion.lower() != asked and suggestion not in picked:
            picked.append(suggestion)
        if len(picked) == 3:
            break
    return Reply([text_block("\n".join(picked))])
