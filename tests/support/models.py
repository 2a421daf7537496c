"""The model the tests' conversations run on, and its prices as genai-prices publishes them.

A model the pinned SDK and genai-prices both know and that the SDK's deprecation table does
not list, so no test starts failing (or warning) on a date. Opus 4.6 also keeps Opus 4.5's
4,096-token minimum cacheable prefix (Anthropic's table, local_model/billing.py), at which
the tests' tool definitions sit: the caching the tests see is the same.
"""

from decimal import Decimal

from genai_prices.data_snapshot import get_snapshot

TEST_MODEL = "claude-opus-4-6"


def published_prices(model: str = TEST_MODEL) -> dict[str, Decimal]:
    """USD per million tokens of each kind, from genai-prices' current price set for `model`
    (the base price where it is tiered: the tests stay under the 200k-token tiers)."""
    _, info = get_snapshot().find_provider_model(model, None, "anthropic", None)
    prices = info.prices[-1].prices if isinstance(info.prices, list) else info.prices
    base = {
        "input_tokens": prices.input_mtok, "output_tokens": prices.output_mtok,
        "cache_creation_input_tokens": prices.cache_write_mtok, "cache_read_input_tokens": prices.cache_read_mtok,
    }
    return {kind: Decimal(getattr(price, "base", price)) for kind, price in base.items()}


def priced(tokens: dict, model: str = TEST_MODEL) -> Decimal:
    """The cost of `tokens` (usage fields) at the published prices, worked out here, apart
    from the code under test (pricing.cost_of goes through genai-prices' calc_price)."""
    prices = published_prices(model)
    return sum((Decimal(count) * prices[kind] / 1_000_000 for kind, count in tokens.items()), Decimal(0))
