"""Text that PostgreSQL can store: no NUL character, and valid UTF-8 (no lone surrogate,
which JSON's `\\ud800` escapes can produce). Inputs are checked before they reach the
database, so that a bad character is a typed error for the caller, not a driver's message."""

from django.db import DataError

STORABLE_TEXT_MESSAGE = "The text contains a character that cannot be stored (a NUL character or an unpaired surrogate)."


def is_storable_text(text) -> bool:
    if not isinstance(text, str):
        return False
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_unstorable_text_error(error) -> bool:
    """The driver's refusal of such text: psycopg raises UnicodeEncodeError for a lone
    surrogate and DataError for a NUL character."""
    if isinstance(error, UnicodeEncodeError):
        return True
    return isinstance(error, DataError) and "NUL (0x00)" in str(error)
