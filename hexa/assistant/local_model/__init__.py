"""A local Anthropic-compatible Messages API: the fake model for tests and benchmarks, and
the offline stand-in model ("offline demo model — not Claude") for `make run` without an
API key. Pure standard library plus what the anthropic SDK already installs (jiter); no
Django, so it can run anywhere the SDK runs.

    server = LocalModelServer(ScriptedResponder([tool_reply([("list_files", {})]), text_reply("Done")])).start()
    client = anthropic.Anthropic(api_key="test", base_url=server.url, max_retries=0)
    …
    server.stop()

Modules: server (HTTP, SSE), wire (Message JSON and stream events), replies (what a
responder returns), responders (ScriptedResponder), demo (OfflineDemoResponder),
billing (token counts, prompt caching), validation (the API's 400s).
"""

from .billing import Billing, estimate_tokens, min_cacheable_tokens_for
from .demo import LABEL, OfflineDemoResponder, pick_tools, summarise_results
from .replies import (
    ErrorReply,
    Reply,
    StreamErrorReply,
    error_reply,
    max_tokens_reply,
    new_id,
    stream_error_reply,
    text_block,
    text_reply,
    tool_reply,
    tool_use_block,
)
from .responders import ScriptedResponder
from .server import LocalModelServer

__all__ = [
    "LABEL",
    "Billing",
    "ErrorReply",
    "LocalModelServer",
    "OfflineDemoResponder",
    "Reply",
    "ScriptedResponder",
    "StreamErrorReply",
    "error_reply",
    "estimate_tokens",
    "max_tokens_reply",
    "min_cacheable_tokens_for",
    "new_id",
    "pick_tools",
    "stream_error_reply",
    "summarise_results",
    "text_block",
    "text_reply",
    "tool_reply",
    "tool_use_block",
]
