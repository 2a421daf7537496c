"""Prices of Claude models and the cost of one response.

Prices come from `genai-prices`, a kept library of the prices Anthropic publishes (input,
output, 5-minute cache writes, cache reads, long-context tiers), read from the snapshot in
its wheel: no network at run time, and a price change is a version bump, reviewed like any
other. Every figure is a Decimal: costs are summed over thousands of messages and must not
drift.

The models a workspace may choose are `ASSISTANT_MODELS` (see `available_models`), less
those Anthropic has retired (`retired_models`).
"""

from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from genai_prices import Usage, calc_price
from genai_prices.data_snapshot import get_snapshot

from .retired_models import is_retired

PER_MILLION = Decimal(1_000_000)
ZERO = Decimal("0")
TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
PROVIDER = "anthropic"
# An unknown model is billed as the most expensive Claude model (Opus 4.1: $15 / $75 per
# million tokens) rather than under-reported.
FALLBACK_MODEL = "claude-opus-4-1"
# The newest model of each family that both the SDK (2.17) and genai-prices (0.2.5) know and that
# is widely available (Mythos 5.2 is Fable 5.2 for verified organisations only): Fable 5.2 for
# demanding reasoning, Opus 5.5, Sonnet 5.5, and Haiku 5.5 for quick, cheap work.
DEFAULT_MODELS = ("claude-fable-5-2", "claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5")


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
    model ids (default: DEFAULT_MODELS), and always the server's default ASSISTANT_MODEL,
    first; a model Anthropic has retired is left out (it would fail at its next call)."""
    ids = [m.strip() for m in (settings.ASSISTANT_MODELS or "").split(",") if m.strip()] or list(DEFAULT_MODELS)
    ordered = list(dict.fromkeys([settings.ASSISTANT_MODEL, *ids]))
    return [model_choice(m) for m in ordered if m == settings.ASSISTANT_MODEL or not is_retired(m)]


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
