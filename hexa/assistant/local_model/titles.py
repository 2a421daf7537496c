"""Conversation titles, as the offline stand-in model writes them.

The server asks a small model for a title after a conversation's first answer; its system
prompt starts with TITLE_REQUEST_MARKER. The stand-in answers such a request with the
question's first words, so the whole flow (the call, its usage, the new title) runs
offline too.
"""

from __future__ import annotations

import re

from .replies import Reply, text_block

TITLE_REQUEST_MARKER = "You write short titles for conversations"
MAX_TITLE_WORDS = 6
_QUESTION = re.compile(r"<question>(.*?)</question>", re.DOTALL)


def _system_text(body: dict) -> str:
    system = body.get("system") or ""
    if isinstance(system, list):
        return "".join(block.get("text", "") for block in system if isinstance(block, dict))
    return str(system)


def title_reply(body: dict) -> Reply | None:
    """A short title for a title request; None for any other request."""
    if not _system_text(body).startswith(TITLE_REQUEST_MARKER):
        return None
    content = body["messages"][-1]["content"]
    text = content if isinstance(content, str) else " ".join(b.get("text", "") for b in content if b.get("type") == "text")
    found = _QUESTION.search(text)
    words = re.findall(r"[\w'-]+", found.group(1) if found else text)[:MAX_TITLE_WORDS]
    title = " ".join(words) or "New conversation"
    return Reply([text_block(title[:1].upper() + title[1:])])
