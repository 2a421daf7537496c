"""Prices of Claude models and the cost of one response.

Prices come from `genai-prices`, a kept library of the prices Anthropic publishes (input,
output, 5-minute cache writes, cache reads, long-context tiers), read from the snapshot in
its wheel: no network at run time, and a price change is a version bump, reviewed like any
other. Every figure is a Decimal: costs are summed over thousands of messages and must not
drift.

The models a workspace may choose are `ASSISTANT_MODELS` (see `available_models`).
"""

from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from genai_prices import Usage, calc_price
from genai_prices.data_snapshot import get_snapshot

PER_MILLION = Decimal(1_000_000)
ZERO = Decimal("0")
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
PROVIDER = "anthropic"
# An unknown model is billed as the most expensive Claude model (Opus 4.1: $15 / $75 per
# million tokens) rather than under-reported.
FALLBACK_MODEL = "claude-opus-4-1"
DEFAULT_MODELS = ("claude-opus-4-5-20251101", "claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001")


@lru_cache(maxsize=256)
def _known(model: str) -> bool:
    try:
        get_snapshot().find_provider_model(model, None, PROVIDER, None)
    except LookupError:
        return False
    return True


def priced_model(model: str) -> str:
    """The model id prices are looked up for: the model itself, or FALLBACK_MODEL."""
    return model if model and _known(model) else FALLBACK_MODEL


def cost_of(model: str, usage: dict, free: bool = False) -> Decimal:
    """Cost of one API response from its usage fields (missing fields count as 0)."""
    if free:
        return ZERO
    tokens = {k: int(usage.get(k) or 0) for k in TOKEN_FIELDS}
    cache_write, cache_read = tokens["cache_creation_input_tokens"], tokens["cache_read_input_tokens"]
    price = calc_price(
        # genai-prices counts cached tokens inside input_tokens; the Messages API reports them apart
        Usage(
            input_tokens=tokens["input_tokens"] + cache_write + cache_read,
            cache_write_tokens=cache_write,
            cache_read_tokens=cache_read,
            output_tokens=tokens["output_tokens"],
        ),
        priced_model(model),
        provider_id=PROVIDER,
    )
    return Decimal(price.total_price).quantize(Decimal("0.00000001"))


@dataclass(frozen=True)
class ModelChoice:
    """A model a workspace may choose, with its published prices (USD per million tokens)."""

    id: str
    name: str
    input_price: Decimal
    output_price: Decimal
    cache_read_price: Decimal
    cache_write_price: Decimal
    context_window: int | None


def _price(value) -> Decimal:
    """A flat price, or the base price of a tiered one (tiers start past 200k tokens)."""
    return Decimal(getattr(value, "base", value) or 0)


def model_choice(model: str) -> ModelChoice:
    _, info = get_snapshot().find_provider_model(priced_model(model), None, PROVIDER, None)
    prices = info.prices if not isinstance(info.prices, list) else info.prices[-1].prices
    return ModelChoice(
        id=model,
        name=info.name or model if _known(model) else model,
        input_price=_price(prices.input_mtok),
        output_price=_price(prices.output_mtok),
        cache_read_price=_price(prices.cache_read_mtok),
        cache_write_price=_price(prices.cache_write_mtok),
        context_window=info.context_window,
    )


def available_models() -> list[ModelChoice]:
    """The models workspaces may choose from: `ASSISTANT_MODELS`, a comma-separated list of
    model ids (default: Opus 4.5, Sonnet 4.5, Haiku 4.5), and always the server's default
    ASSISTANT_MODEL, first."""
    ids = [m.strip() for m in (settings.ASSISTANT_MODELS or "").split(",") if m.strip()] or list(DEFAULT_MODELS)
    ordered = list(dict.fromkeys([settings.ASSISTANT_MODEL, *ids]))
    return [model_choice(m) for m in ordered]


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
