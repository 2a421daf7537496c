"""The request checks the real Messages API makes, with its wording, as 400 errors.

The point is catching agent bugs in tests rather than in production: a conversation
history the real API would refuse (a tool_use left without its tool_result, two user
turns in a row, an empty text block, tool results after text…) must fail here too.
"""

from __future__ import annotations

import re

from .billing import MAX_BREAKPOINTS, count_breakpoints
from .replies import ErrorReply

_TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")


def _invalid(message: str) -> ErrorReply:
    return ErrorReply(400, "invalid_request_error", message)


def validate_request(body) -> ErrorReply | None:
    if not isinstance(body, dict):
        return _invalid("The request body is not valid JSON.")
    for key in ("model", "max_tokens", "messages"):
        if key not in body:
            return _invalid(f"{key}: Field required")
    if not isinstance(body["model"], str) or not body["model"]:
        return _invalid("model: Input should be a valid string")
    max_tokens = body["max_tokens"]
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or max_tokens < 1:
        return _invalid("max_tokens: Input should be greater than or equal to 1")
    return _check_tools(body.get("tools")) or _check_messages(body["messages"]) or _check_breakpoints(body)


def _check_tools(tools) -> ErrorReply | None:
    if tools is None:
        return None
    if not isinstance(tools, list):
        return _invalid("tools: Input should be a valid list")
    names = set()
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or not _TOOL_NAME.match(str(tool.get("name", ""))):
            return _invalid(f"tools.{i}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,128}}$'")
        if "type" not in tool or tool.get("type") == "custom":  # client tools; server tools carry a type
            schema = tool.get("input_schema")
            if not isinstance(schema, dict) or schema.get("type") != "object":
                return _invalid(f"tools.{i}.custom.input_schema: Input schema must have type 'object'")
        if tool["name"] in names:
            return _invalid("tools: Tool names must be unique.")
        names.add(tool["name"])
    return None


def _blocks(message) -> list:
    content = message.get("content")
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


def _check_messages(messages) -> ErrorReply | None:
    if not isinstance(messages, list) or not messages:
        return _invalid("messages: at least one message is required")
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            return _invalid(f"messages.{i}.role: Input should be 'user' or 'assistant'")
        content = message.get("content")
        if not isinstance(content, (str, list)):
            return _invalid(f"messages.{i}.content: Input should be a valid string or list")
        is_final_assistant = i == len(messages) - 1 and message["role"] == "assistant"
        if not content and not is_final_assistant:
            return _invalid(
                f"messages.{i}: all messages must have non-empty content "
                "except for the optional final assistant message"
            )
        for j, block in enumerate(_blocks(message)):
            if not isinstance(block, dict) or "type" not in block:
                return _invalid(f"messages.{i}.content.{j}: Input should be a content block object with a type")
            if block["type"] == "text" and not block.get("text") and not is_final_assistant:
                return _invalid("messages: text content blocks must be non-empty")
            if block["type"] == "tool_use" and not isinstance(block.get("input"), dict):
                return _invalid(f"messages.{i}.content.{j}.tool_use.input: Input should be a valid dictionary")
    if messages[0]["role"] != "user":
        return _invalid('messages: first message must use the "user" role')
    for i in range(1, len(messages)):
        if messages[i]["role"] == messages[i - 1]["role"]:
            role = messages[i]["role"]
            return _invalid(
                f'messages: roles must alternate between "user" and "assistant", '
                f'but found multiple "{role}" roles in a row'
            )
    return _check_tool_pairs(messages)


def _check_tool_pairs(messages) -> ErrorReply | None:
    """Every tool_use must be answered by a tool_result in the very next (user) message,
    tool results come first in that message, and none answers an unknown id."""
    for i, message in enumerate(messages):
        blocks = _blocks(message)
        if message["role"] == "assistant":
            ids = [b.get("id") for b in blocks if b["type"] == "tool_use"]
            answered = set()
            if i + 1 < len(messages):
                answered = {b.get("tool_use_id") for b in _blocks(messages[i + 1]) if b["type"] == "tool_result"}
            missing = [tool_id for tool_id in ids if tool_id not in answered]
            if missing:
                where = i + 1 if i + 1 < len(messages) else i
                return _invalid(
                    f"messages.{where}: `tool_use` ids were found without `tool_result` "
                    f"blocks immediately after: {', '.join(map(str, missing))}. Each `tool_use` block must have a "
                    "corresponding `tool_result` block in the next message."
                )
            continue
        previous_ids = set()
        if i > 0:
            previous_ids = {b.get("id") for b in _blocks(messages[i - 1]) if b["type"] == "tool_use"}
        seen_other = False
        for j, block in enumerate(blocks):
            if block["type"] != "tool_result":
                seen_other = True
                continue
            if block.get("tool_use_id") not in previous_ids:
                return _invalid(
                    f"messages.{i}.content.{j}: unexpected `tool_use_id` found in `tool_result` blocks: "
                    f"{block.get('tool_use_id')}. Each `tool_result` block must have a corresponding `tool_use` "
                    "block in the previous message."
                )
            if seen_other:
                return _invalid(
                    f"messages.{i}: `tool_result` blocks must come first in the content array, before any other block."
                )
    return None


def _check_breakpoints(body) -> ErrorReply | None:
    found = count_breakpoints(body)
    if found > MAX_BREAKPOINTS:
        return _invalid(f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. Found {found}.")
    return None
