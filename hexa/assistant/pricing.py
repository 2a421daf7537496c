"""Prices of Claude models, in USD per million tokens, and the cost of one response.

Cache writes (5-minute TTL) cost 1.25× the input price, cache reads 0.1×. Every figure is a
Decimal: costs are summed over thousands of messages and must not drift.
"""

from dataclasses import asdict, dataclass
from decimal import Decimal

PER_MILLION = Decimal(1_000_000)
CACHE_WRITE_FACTOR = Decimal("1.25")
CACHE_READ_FACTOR = Decimal("0.1")
ZERO = Decimal("0")
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")

# (input, output) USD per million tokens, by model family (the id without its date suffix).
PRICES = {
    "claude-opus-4-5": (Decimal("5"), Decimal("25")),
    "claude-opus-4-1": (Decimal("15"), Decimal("75")),
    "claude-opus-4": (Decimal("15"), Decimal("75")),
    "claude-sonnet-4-5": (Decimal("3"), Decimal("15")),
    "claude-sonnet-4": (Decimal("3"), Decimal("15")),
    "claude-3-7-sonnet": (Decimal("3"), Decimal("15")),
    "claude-haiku-4-5": (Decimal("1"), Decimal("5")),
    "claude-3-5-haiku": (Decimal("0.8"), Decimal("4")),
}
# An unknown model is billed at the highest known price rather than under-reported.
FALLBACK = max(PRICES.values())


def prices_for(model: str) -> tuple[Decimal, Decimal]:
    family = max((f for f in PRICES if model.startswith(f)), key=len, default=None)
    return PRICES[family] if family else FALLBACK


def cost_of(model: str, usage: dict, free: bool = False) -> Decimal:
    """Cost of one API response from its usage fields (missing fields count as 0)."""
    if free:
        return ZERO
    input_price, output_price = prices_for(model)
    tokens = {k: Decimal(usage.get(k) or 0) for k in TOKEN_FIELDS}
    total = (
        tokens["input_tokens"] * input_price
        + tokens["cache_creation_input_tokens"] * input_price * CACHE_WRITE_FACTOR
        + tokens["cache_read_input_tokens"] * input_price * CACHE_READ_FACTOR
        + tokens["output_tokens"] * output_price
    ) / PER_MILLION
    return total.quantize(Decimal("0.00000001"))


@dataclass(frozen=True)
class TokenUsage:
    """The tokens and cost of one model call (or a sum of them): the one value type for
    usage, from the API's report to the message, the conversation, the ledger and events."""

    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    cost: Decimal = ZERO

    @classmethod
    def of_response(cls, usage, model: str, free: bool = False) -> "TokenUsage":
        """From the SDK's `usage` object (fields may be missing or None)."""
        tokens = {field: getattr(usage, field, 0) or 0 for field in TOKEN_FIELDS}
        return cls(**tokens, cost=cost_of(model, tokens, free=free))

    def as_dict(self) -> dict:
        return asdict(self)
