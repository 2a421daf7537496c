"""DHIS2 periods, as far as the demo's monthly data needs: fixed monthly (202410), quarterly
(2024Q4) and yearly (2024) periods, and the relative periods analysts use (LAST_12_MONTHS,
THIS_YEAR…), which resolve against the server's date. Each period is the months it covers."""

import re
from dataclasses import dataclass
from datetime import date

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    id: str  # DHIS2's ISO id: 202410, 2024Q4, 2024
    name: str
    months: tuple[str, ...]  # the monthly ids it covers, for the demo's monthly data


def month(year: int, number: int) -> Period:
    return Period(f"{year}{number:02d}", f"{MONTH_NAMES[number - 1]} {year}", (f"{year}{number:02d}",))


def quarter(year: int, number: int) -> Period:
    months = tuple(f"{year}{m:02d}" for m in range(3 * number - 2, 3 * number + 1))
    return Period(f"{year}Q{number}", f"{MONTH_NAMES[3 * number - 3]} - {MONTH_NAMES[3 * number - 1]} {year}", months)


def year(number: int) -> Period:
    return Period(str(number), str(number), tuple(f"{number}{m:02d}" for m in range(1, 13)))


def _months_back(today: date, count: int, include_current=False) -> list[Period]:
    index = today.year * 12 + today.month - 1 - (0 if include_current else 1)
    return [month(i // 12, i % 12 + 1) for i in range(index - count + 1, index + 1)]


def _quarters_back(today: date, count: int, include_current=False) -> list[Period]:
    index = today.year * 4 + (today.month - 1) // 3 - (0 if include_current else 1)
    return [quarter(i // 4, i % 4 + 1) for i in range(index - count + 1, index + 1)]


def _relative(today: date) -> dict:
    this_quarter = (today.month - 1) // 3 + 1
    return {
        "THIS_MONTH": lambda: _months_back(today, 1, include_current=True),
        "LAST_MONTH": lambda: _months_back(today, 1),
        "LAST_3_MONTHS": lambda: _months_back(today, 3),
        "LAST_6_MONTHS": lambda: _months_back(today, 6),
        "LAST_12_MONTHS": lambda: _months_back(today, 12),
        "MONTHS_THIS_YEAR": lambda: [month(today.year, m) for m in range(1, 13)],
        "MONTHS_LAST_YEAR": lambda: [month(today.year - 1, m) for m in range(1, 13)],
        "THIS_QUARTER": lambda: [quarter(today.year, this_quarter)],
        "LAST_QUARTER": lambda: _quarters_back(today, 1),
        "LAST_4_QUARTERS": lambda: _quarters_back(today, 4),
        "QUARTERS_THIS_YEAR": lambda: [quarter(today.year, q) for q in range(1, 5)],
        "QUARTERS_LAST_YEAR": lambda: [quarter(today.year - 1, q) for q in range(1, 5)],
        "THIS_YEAR": lambda: [year(today.year)],
        "LAST_YEAR": lambda: [year(today.year - 1)],
        "LAST_5_YEARS": lambda: [year(y) for y in range(today.year - 5, today.year)],
    }


RELATIVE_PERIODS = sorted(_relative(date(2000, 1, 1)))
_FIXED = [
    (re.compile(r"^(\d{4})(0[1-9]|1[0-2])$"), lambda m: month(int(m[1]), int(m[2]))),
    (re.compile(r"^(\d{4})Q([1-4])$"), lambda m: quarter(int(m[1]), int(m[2]))),
    (re.compile(r"^(\d{4})$"), lambda m: year(int(m[1]))),
]


def parse_fixed(text: str) -> Period | None:
    for pattern, make in _FIXED:
        matched = pattern.match(text)
        if matched and 1900 <= int(matched[1]) <= 2100:
            return make(matched)
    return None


def resolve(item: str, today: date) -> list[Period]:
    """The fixed periods an item stands for: itself, or a relative period's periods."""
    relative = _relative(today).get(item)
    if relative is not None:
        return relative()
    fixed = parse_fixed(item)
    if fixed is None:
        raise PeriodError(item)
    return [fixed]
