"""Rebuild the API conversation from stored messages, with their full content blocks.

The model must remember what it queried and read, so history keeps tool_use and
tool_result blocks, not only final texts. Very large tool results from earlier turns are
shortened, with a note saying so. A turn that broke off after a tool_use (API failure,
crash) is repaired so the history stays valid for the API.
"""

import copy
import json

# Tool results of earlier turns longer than this are shortened in history.
HISTORY_TOOL_RESULT_MAX_CHARS = 12_000

INTERRUPTED = "This tool call was not run: the turn was interrupted before it could run."


def shortened(block: dict) -> dict:
    """A tool_result block of an earlier turn, cut to HISTORY_TOOL_RESULT_MAX_CHARS."""
    content = block.get("content")
    text = content if isinstance(content, str) else json.dumps(content)
    if len(text) <= HISTORY_TOOL_RESULT_MAX_CHARS:
        return block
    shortened = dict(block)
    shortened["content"] = (
        text[:HISTORY_TOOL_RESULT_MAX_CHARS]
        + f"\n[Shortened in the conversation history: the full result had {len(text):,} characters. "
        "Call the tool again if you need the rest.]"
    )
    return shortened


def _merge_same_roles(messages: list[dict]) -> list[dict]:
    """The API wants alternating roles: join consecutive messages of one role, keeping
    tool_result blocks first in a user message as the API requires."""
    merged: list[dict] = []
    for message in messages:
        blocks = message["content"]
        if isinstance(blocks, str):
            blocks = [{"type": "text", "text": blocks}]
        if merged and merged[-1]["role"] == message["role"]:
            combined = merged[-1]["content"] + list(blocks)
            if message["role"] == "user":
                combined.sort(key=lambda b: b.get("type") != "tool_result")
            merged[-1]["content"] = combined
        else:
            merged.append({"role": message["role"], "content": list(blocks)})
    return merged


def _repair_dangling_tool_uses(messages: list[dict]) -> list[dict]:
    """Every tool_use must be answered by a tool_result in the next user message."""
    repaired = []
    for position, message in enumerate(messages):
        repaired.append(message)
        if message["role"] != "assistant":
            continue
        tool_use_ids = [b["id"] for b in message["content"] if b.get("type") == "tool_use"]
        if not tool_use_ids:
            continue
        following = messages[position + 1] if position + 1 < len(messages) else None
        answered = set()
        if following and following["role"] == "user":
            answered = {b.get("tool_use_id") for b in following["content"] if b.get("type") == "tool_result"}
        missing = [
            {"type": "tool_result", "tool_use_id": i, "content": INTERRUPTED, "is_error": True}
            for i in tool_use_ids
            if i not in answered
        ]
        if missing:
            if following and following["role"] == "user":
                following["content"] = missing + following["content"]
            else:
                repaired.append({"role": "user", "content": missing})
    return repaired


def history_messages(stored_messages, shorten=True) -> list[dict]:
    """API messages for `stored_messages` (Message rows, in order)."""
    return api_messages([stored.content or [] for stored in stored_messages], shorten)


def api_messages(contents, shorten=True) -> list[dict]:
    """API messages for stored contents (each a list of API messages), in order."""
    messages = []
    for content in contents:
        for api_message in copy.deepcopy(content):
            if shorten and api_message["role"] == "user" and isinstance(api_message["content"], list):
                api_message["content"] = [
                    shortened(b) if b.get("type") == "tool_result" else b for b in api_message["content"]
                ]
            messages.append(api_message)
    return _merge_same_roles(_repair_dangling_tool_uses(_merge_same_roles(messages)))


def with_cache_breakpoints(messages: list[dict], count: int = 2) -> list[dict]:
    """A copy of `messages` with cache_control on the last block of the last `count` user
    messages: the newest one caches the whole conversation so far, the previous one lets
    the next request find the prefix written by this one.

    Only the marked messages are copied: this runs before every model call, on the whole
    conversation."""
    messages = list(messages)
    marked = 0
    for position in range(len(messages) - 1, -1, -1):
        if marked == count:
            break
        message = messages[position]
        if message["role"] == "user" and message["content"]:
            content = list(message["content"])
            content[-1] = {**content[-1], "cache_control": {"type": "ephemeral"}}
            messages[position] = {**message, "content": content}
            marked += 1
    return messages
