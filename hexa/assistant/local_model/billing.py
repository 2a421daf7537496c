"""Token counts and Anthropic's prompt-caching rules, to fill `usage` like the real API.

The agent prices a turn from `usage`, so the fake must bill the way Anthropic does or the
agent's cost code and its cache_control placement go untested. Rules implemented
(https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching):

- The prompt is one sequence of blocks: tool definitions, then system blocks, then each
  message's content blocks. A block carrying `cache_control: {"type": "ephemeral"}` is a
  breakpoint; at most 4 per request (more is a 400, checked in validation.py).
- A breakpoint's prefix (everything up to and including that block) is cached only if it
  holds at least the model's minimum (4096 tokens on Opus 4.5, Opus 4.6 and Haiku 4.5,
  1024 on Sonnet…). Shorter prefixes are silently not cached: all their tokens are input_tokens.
- Read: for each breakpoint, the API looks for a live cache entry at that block or up to
  19 blocks before it; the longest prefix found is `cache_read_input_tokens` and its
  lifetime is refreshed.
- Write: the tokens after what was read, up to the last cacheable breakpoint, are
  `cache_creation_input_tokens`; each cacheable breakpoint's prefix becomes an entry.
- What follows the last breakpoint is `input_tokens`. Entries live 5 minutes (or 1 hour
  with `"ttl": "1h"`), per model, and any change in an earlier block changes the prefix
  hash, so it misses.

Token counts are a deterministic estimate (a quarter of a block's JSON length), not a
real tokenizer: tests need stable numbers, not exact ones.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
import time
from dataclasses import dataclass

LOOKBACK_BLOCKS = 20
MAX_BREAKPOINTS = 4
TTL_SECONDS = {"5m": 300, "1h": 3600}

# Minimum cacheable prefix per model family, first match wins (Anthropic's documented table).
_MIN_CACHEABLE = (
    ("opus-4-5", 4096),
    ("opus-4.5", 4096),
    ("opus-4-6", 4096),
    ("opus-4.6", 4096),
    ("haiku-4-5", 4096),
    ("haiku-4.5", 4096),
    ("haiku-3", 2048),
    ("3-haiku", 2048),
    ("3-5-haiku", 2048),
    ("sonnet", 1024),
)
DEFAULT_MIN_CACHEABLE_TOKENS = 1024


def min_cacheable_tokens_for(model: str) -> int:
    model = (model or "").lower()
    return next((tokens for key, tokens in _MIN_CACHEABLE if key in model), DEFAULT_MIN_CACHEABLE_TOKENS)


def canonical(value) -> str:
    """Stable JSON of a block, without `cache_control`: moving a breakpoint must not change
    what the prefix contains, or adding a later breakpoint would invalidate earlier ones."""
    if isinstance(value, dict):
        value = {k: v for k, v in value.items() if k != "cache_control"}
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def estimate_tokens(value) -> int:
    text = value if isinstance(value, str) else canonical(value)
    return max(1, math.ceil(len(text) / 4))


@dataclass
class PromptBlock:
    key: str  # canonical text, tagged with where the block sits (tool / system / role)
    tokens: int
    ttl: str | None  # "5m" / "1h" when the block is a breakpoint


def _breakpoint_ttl(block) -> str | None:
    control = block.get("cache_control") if isinstance(block, dict) else None
    if isinstance(control, dict) and control.get("type") == "ephemeral":
        return control.get("ttl") if control.get("ttl") in TTL_SECONDS else "5m"
    return None


def prompt_blocks(body: dict) -> list[PromptBlock]:
    """The request flattened in caching order: tools → system → messages."""
    blocks = []

    def add(tag: str, block):
        blocks.append(PromptBlock(f"{tag}:{canonical(block)}", estimate_tokens(block), _breakpoint_ttl(block)))

    for tool in body.get("tools") or []:
        add("tool", tool)
    system = body.get("system")
    if isinstance(system, str) and system:
        add("system", {"type": "text", "text": system})
    elif isinstance(system, list):
        for block in system:
            add("system", block)
    for message in body.get("messages") or []:
        content = message.get("content")
        if isinstance(content, str):
            content = [{"type": "text", "text": content}]
        for block in content or []:
            add(message.get("role", "?"), block)
    return blocks


def count_breakpoints(body: dict) -> int:
    return sum(1 for block in prompt_blocks(body) if block.ttl)


def _prefix_hashes(model: str, blocks: list[PromptBlock]) -> list[str]:
    """hashes[i] identifies blocks[0..i] for this model: caches are per model."""
    digest, hashes = hashlib.sha256(f"model:{model}".encode()).digest(), []
    for block in blocks:
        digest = hashlib.sha256(digest + b"\x00" + block.key.encode()).digest()
        hashes.append(digest.hex())
    return hashes


class Billing:
    """Computes `usage` for each request and keeps the prompt cache between requests.

    `enabled=False`: no caching, every prompt token is an input token.
    `min_cacheable_tokens`: overrides the per-model minimum (None = per model).
    `clock`: seconds, injectable so tests can expire entries without sleeping.
    """

    def __init__(self, enabled: bool = True, min_cacheable_tokens: int | None = None, clock=time.monotonic):
        self.enabled = enabled
        self.min_cacheable_tokens = min_cacheable_tokens
        self.clock = clock
        self._entries: dict[str, tuple[float, int]] = {}  # prefix hash -> (expires at, ttl seconds)
        self._lock = threading.Lock()

    def count_input_tokens(self, body: dict) -> int:
        return sum(block.tokens for block in prompt_blocks(body))

    def usage(self, body: dict, output_tokens: int) -> dict:
        blocks = prompt_blocks(body)
        total = sum(block.tokens for block in blocks)
        read = created = 0
        created_by_ttl = {"5m": 0, "1h": 0}
        if self.enabled:
            read, created_by_ttl = self._apply_cache(body.get("model", ""), blocks)
            created = sum(created_by_ttl.values())
        return {
            "input_tokens": total - read - created,
            "cache_creation_input_tokens": created,
            "cache_read_input_tokens": read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": created_by_ttl["5m"],
                "ephemeral_1h_input_tokens": created_by_ttl["1h"],
            },
            "output_tokens": output_tokens,
            "service_tier": "standard",
        }

    def _apply_cache(self, model: str, blocks: list[PromptBlock]) -> tuple[int, dict]:
        minimum = (
            self.min_cacheable_tokens if self.min_cacheable_tokens is not None else min_cacheable_tokens_for(model)
        )
        hashes = _prefix_hashes(model, blocks)
        prefix_tokens, running = [], 0
        for block in blocks:
            running += block.tokens
            prefix_tokens.append(running)
        breakpoints = [i for i, block in enumerate(blocks) if block.ttl]
        now = self.clock()
        with self._lock:
            # Read: the longest live entry within the lookback window of any breakpoint.
            read_at = -1
            for b in breakpoints:
                for j in range(b, max(-1, b - LOOKBACK_BLOCKS), -1):
                    entry = self._entries.get(hashes[j])
                    if entry and entry[0] > now:
                        read_at = max(read_at, j)
                        break
            if read_at >= 0:
                ttl_seconds = self._entries[hashes[read_at]][1]
                self._entries[hashes[read_at]] = (now + ttl_seconds, ttl_seconds)
            read = prefix_tokens[read_at] if read_at >= 0 else 0

            # Write: every cacheable breakpoint past what was read; tokens are billed to the
            # TTL of the breakpoint that closes their segment.
            created = {"5m": 0, "1h": 0}
            written_up_to = read
            for b in breakpoints:
                if prefix_tokens[b] < minimum or b <= read_at:
                    continue
                ttl_seconds = TTL_SECONDS[blocks[b].ttl]
                self._entries[hashes[b]] = (now + ttl_seconds, ttl_seconds)
                created[blocks[b].ttl] += prefix_tokens[b] - written_up_to
                written_up_to = prefix_tokens[b]
            self._expire(now)
        return read, created

    def _expire(self, now: float):
        for key in [key for key, (expires, _) in self._entries.items() if expires <= now]:
            del self._entries[key]

    def clear(self):
        with self._lock:
            self._entries.clear()


def estimate_output_tokens(content: list[dict]) -> int:
    """Output tokens of a reply's content blocks (what the model "generated")."""
    total = 0
    for block in content:
        if block.get("type") == "text":
            total += estimate_tokens(block.get("text", ""))
        elif block.get("type") == "tool_use":
            total += estimate_tokens(
                block.get("name", "") + block.get("_partial_json", canonical(block.get("input", {})))
            )
        elif block.get("type") == "thinking":
            total += estimate_tokens(block.get("thinking", ""))
        else:
            total += estimate_tokens(block)
    return max(1, total)
