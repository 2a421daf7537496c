"""Grade an answer's result set against the expected one.

Result sets are compared as a data team would: independent of the order of rows and of
columns and of column names (the answer may call `confirmed_cases` "cases"), numbers equal
within a relative tolerance, extra columns allowed (an answer may add context, e.g. a
share beside a count), every expected row required once and no row more. A failure has one
reason:

- MISSING_COLUMNS: the answer has fewer columns than expected;
- MISSING_ROWS / EXTRA_ROWS: expected rows absent / rows that were not expected;
- DIFFERENT_VALUES: both (the rows are there but some of their values differ);
- NO_RESULT: the answer has no result set and its text does not state the expected values;
- TEXT_MISMATCH: the result set is right but the final text states other figures.

Columns are matched by their values: each expected column is paired with an answer column
(candidates ordered by how many values they share), and the pairing that matches the most
rows wins.
"""

import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

from .models import Reason

# At most this many expected values are looked for in the final text (a longer result is
# shown as a table, and its text is not expected to repeat it).
TEXT_CHECK_MAX_VALUES = 20
# Column pairings tried at most (in order of shared values) before the best one is kept.
MAX_PAIRINGS = 64
EXAMPLES = 3

_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00(?::?00)?)?)?$")


def normalise(value):
    """One cell as compared: numbers as floats (numeric strings too: exact numbers may come
    as strings), dates without a midnight time, text trimmed and case-folded."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        return None if math.isnan(number) else number
    if isinstance(value, datetime):
        value = value.isoformat()
    elif isinstance(value, date):
        value = value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, default=str)
    text = str(value).strip()
    if _NUMBER.match(text):
        return float(text)
    midnight = _MIDNIGHT.match(text)
    if midnight:
        return midnight.group(1)
    return text.casefold()


def _is_number(value) -> bool:
    return isinstance(value, float)


def numbers_match(expected: float, actual: float, tolerance: float) -> bool:
    return abs(expected - actual) <= max(tolerance * abs(expected), 1e-9 * max(1.0, abs(expected)))


def _coarse(value):
    """A key under which values equal within a small tolerance usually meet (for ranking
    column pairings only; the match itself is exact within the tolerance)."""
    if _is_number(value):
        return float(f"{value:.3g}")
    return value


@dataclass
class Verdict:
    passed: bool
    reason: str = ""
    detail: str = ""
    text_matches: bool | None = None


def _match_rows(expected_rows, actual_rows, tolerance):
    """(unmatched expected rows, unmatched actual rows). Rows meet by their non-numeric
    cells, then their numbers are paired within the tolerance."""
    buckets = defaultdict(list)
    for row in actual_rows:
        buckets[tuple(None if _is_number(v) else ("v", v) for v in row)].append(row)
    for rows in buckets.values():
        rows.sort(key=lambda r: [v for v in r if _is_number(v)])
    missing = []
    for row in sorted(expected_rows, key=lambda r: [v for v in r if _is_number(v)]):
        key = tuple(None if _is_number(v) else ("v", v) for v in row)
        candidates = buckets.get(key, [])
        numbers = [(i, v) for i, v in enumerate(row) if _is_number(v)]
        for position, candidate in enumerate(candidates):
            if all(numbers_match(v, candidate[i], tolerance) for i, v in numbers):
                del candidates[position]
                break
        else:
            missing.append(row)
    extra = [row for rows in buckets.values() for row in rows]
    return missing, extra


def _pairings(expected_columns, actual_columns):
    """Assignments of an answer column to each expected column, the most promising first."""
    shared = [
        sorted(
            range(len(actual_columns)),
            key=lambda a: -sum((Counter(map(_coarse, e)) & Counter(map(_coarse, actual_columns[a]))).values()),
        )
        for e in expected_columns
    ]

    def extend(position, used):
        if position == len(expected_columns):
            yield []
            return
        for candidate in shared[position]:
            if candidate not in used:
                for rest in extend(position + 1, used | {candidate}):
                    yield [candidate, *rest]

    return islice(extend(0, frozenset()), MAX_PAIRINGS)


def _show(rows) -> str:
    shown = "; ".join("(" + ", ".join("null" if v is None else f"{v:g}" if _is_number(v) else str(v) for v in row) + ")" for row in rows[:EXAMPLES])
    return shown + (" …" if len(rows) > EXAMPLES else "")


def compare_results(expected: dict, actual: dict | None, tolerance: float = 0.0) -> Verdict:
    """The verdict on an answer's result set (None: the answer had none)."""
    if actual is None:
        return Verdict(False, Reason.NO_RESULT, "The answer has no result set.")
    expected_rows = [[normalise(v) for v in row] for row in expected["rows"]]
    actual_rows = [[normalise(v) for v in row] for row in actual["rows"]]
    width = len(expected["columns"]) or max((len(r) for r in expected_rows), default=0)
    actual_width = len(actual["columns"]) or max((len(r) for r in actual_rows), default=0)
    if actual_width < width:
        return Verdict(False, Reason.MISSING_COLUMNS, f"{width} columns were expected, the answer has {actual_width}.")
    expected_columns = [[row[i] for row in expected_rows] for i in range(width)]
    actual_columns = [[row[i] if i < len(row) else None for row in actual_rows] for i in range(actual_width)]
    best = None
    for pairing in _pairings(expected_columns, actual_columns):
        projected = [[row[i] if i < len(row) else None for i in pairing] for row in actual_rows]
        missing, extra = _match_rows(expected_rows, projected, tolerance)
        if best is None or len(missing) + len(extra) < len(best[0]) + len(best[1]):
            best = (missing, extra)
        if not missing and not extra:
            break
    missing, extra = best if best is not None else (expected_rows, actual_rows)
    if not missing and not extra:
        return Verdict(True)
    truncated = " The answer's result was truncated." if actual.get("truncated") else ""
    if missing and extra:
        return Verdict(
            False, Reason.DIFFERENT_VALUES,
            f"{len(missing)} of {len(expected_rows)} expected rows differ: expected {_show(missing)}, got {_show(extra)}.{truncated}",
        )
    if missing:
        return Verdict(False, Reason.MISSING_ROWS, f"{len(missing)} of {len(expected_rows)} expected rows are missing: {_show(missing)}.{truncated}")
    return Verdict(False, Reason.EXTRA_ROWS, f"{len(extra)} rows were not expected: {_show(extra)}.")


# -- numbers in the final text --------------------------------------------------------------

_TEXT_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:[,\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(\s?%)?")


def numbers_in_text(text: str) -> list[tuple[float, float]]:
    """(value, the precision it is written with) for each number of a text: "12,345" and
    "12 345" are thousands, "12.5" and "12,5" decimals; "45%" is also 0.45."""
    found = []
    for match in _TEXT_NUMBER.finditer(text or ""):
        token, percent = match.group(1), match.group(2)
        grouped = re.fullmatch(r"\d{1,3}(?:[,\u00a0\u202f ]\d{3})+((?:[.,]\d+)?)", token)
        if grouped:
            decimals = grouped.group(1)
            integer = re.sub(r"[,\u00a0\u202f ]", "", token[: len(token) - len(decimals)])
            token = integer + ("." + decimals[1:] if decimals else "")
        else:
            token = token.replace(",", ".")
        value = float(token)
        places = len(token.split(".")[1]) if "." in token else 0
        precision = 0.5 * 10 ** -places
        found.append((value, precision))
        if percent:
            found.append((value / 100, precision / 100))
    return found


def _in_text(value, numbers, text, tolerance) -> bool:
    if _is_number(value):
        return any(abs(value - n) <= precision + tolerance * abs(value) + 1e-9 for n, precision in numbers)
    if value is None or isinstance(value, bool):
        return True  # not something a text states
    return str(value) in text


def check_text(expected: dict, text: str, tolerance: float = 0.0, strings: bool = False) -> bool | None:
    """Whether the final text states every expected number (and, with `strings`, every
    expected text value); None when not checked: too many values, or a text that states no
    number (the result is then read from its table)."""
    cells = list(dict.fromkeys(normalise(v) for row in expected["rows"] for v in row))
    cells = [c for c in cells if _is_number(c) or (strings and isinstance(c, str))]
    numbers = numbers_in_text(text)
    if not cells or len(cells) > TEXT_CHECK_MAX_VALUES or (not numbers and not strings):
        return None
    folded = (text or "").casefold()
    return all(_in_text(c, numbers, folded, tolerance) for c in cells)


def grade(expected: dict, actual: dict | None, text: str, tolerance: float = 0.0) -> Verdict:
    """The verdict on an answer: its result set, then its text. An answer without a result
    set passes when its text states every expected value."""
    if actual is None:
        stated = check_text(expected, text, tolerance, strings=True)
        if stated:
            return Verdict(True, text_matches=True)
        return Verdict(False, Reason.NO_RESULT, "The answer has no result set and its text does not state the expected values.", stated)
    verdict = compare_results(expected, actual, tolerance)
    verdict.text_matches = check_text(expected, text, tolerance)
    if verdict.passed and verdict.text_matches is False:
        verdict.passed, verdict.reason = False, Reason.TEXT_MISMATCH
        verdict.detail = "The result set is right, but the final text does not state the expected figures."
    return verdict
