"""Which Claude models Anthropic has retired, from the `anthropic` SDK's own data.

The SDK carries a deprecation table (model id → end-of-life date) and the list of the
models it knows; it drops a model from that list once it is retired. A model is retired
when its end-of-life date has passed, or when it is a Claude model `genai-prices` knows
(it keeps retired models, for old bills) that the SDK no longer lists. An id neither
knows (another endpoint's name for a model) is the operator's choice and left alone.

A workspace or conversation set to a retired model is moved off it by `workspace_settings`
rather than failing at its next model call; a version bump of the SDK brings new dates.
"""

import re
import typing
from datetime import date, datetime
from functools import lru_cache

from django.utils import timezone
from genai_prices.data_snapshot import get_snapshot

from .sdk import sdk_data

_SNAPSHOT = re.compile(r"^(?P<alias>.+)-\d{8}$")  # e.g. claude-opus-4-5-20251101


def _alias(model: str) -> str:
    found = _SNAPSHOT.match(model)
    return found["alias"] if found else model


@lru_cache(maxsize=1)
def _sdk_models() -> frozenset:
    """The literal model ids of the SDK's `Model` type (it is `Literal[...] | str`)."""
    return frozenset(typing.get_args(typing.get_args(sdk_data("types/model.py").Model)[0]))


def _deprecated_models() -> dict:
    """The SDK's deprecation table, the one it warns from (it has no public name)."""
    return sdk_data("_data/deprecated_models.py").DEPRECATED_MODELS


@lru_cache(maxsize=256)
def end_of_life(model: str) -> date | None:
    """The model's end-of-life date in the SDK's table (its own or its alias's), if any."""
    deprecated = _deprecated_models()
    text = deprecated.get(model) or deprecated.get(_alias(model))
    if not text:
        return None
    # the SDK writes e.g. "January 22nd, 2027"
    return datetime.strptime(re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text), "%B %d, %Y").date()


def known_to_sdk(model: str) -> bool:
    return model in _sdk_models() or _alias(model) in _sdk_models()


@lru_cache(maxsize=256)
def _priced_claude_model(model: str) -> bool:
    try:
        get_snapshot().find_provider_model(model, None, "anthropic", None)
    except LookupError:
        return False
    return True


def is_retired(model: str, today: date | None = None) -> bool:
    if not model:
        return False
    retired_on = end_of_life(model)
    if retired_on is not None:
        return retired_on <= (today or timezone.now().date())
    return not known_to_sdk(model) and _priced_claude_model(model)
