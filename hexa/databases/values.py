"""Values read from a workspace database, as JSON-safe data.

    register(connection)          # once per connection: the types below arrive as text
    cells = Cells(cap)            # then cells(value) for each fetched value,
    cells.server_cut(text, size)  # or for a value the server cut ('5000 chars')
"""

import json
import math
from datetime import date, datetime, time as clock_time
from decimal import Decimal

import psycopg2.extensions as ext

# psycopg2's default conversions lose information or crash: 'infinity'::date becomes
# 9999-12-31, a BC date raises ValueError, interval '1 mon' becomes 30 days, numeric becomes
# Decimal (not JSON). Per connection, these types are therefore read from PostgreSQL's own
# text output (ISO dates, ISO-8601 intervals, exact numerics), which is already what the
# model should see.


def _as_text(value, cursor):
    return value


def _as_number(value, cursor=None):
    """numeric/float text -> int; float when nothing is lost; else the exact text ("NaN", 40 digits…)."""
    if value is None or value in ("NaN", "Infinity", "-Infinity"):
        return value
    if value.lstrip("-").isdigit():
        return int(value) if len(value) <= 40 else value
    number = float(value)
    return number if math.isfinite(number) and Decimal(repr(number)) == Decimal(value) else value


TEXT_TYPES = {  # oid: array oid
    1082: 1182, 1083: 1183, 1266: 1270, 1114: 1115, 1184: 1185, 1186: 1187,  # date, time(tz), timestamp(tz), interval
    17: 1001, 2950: 2951, 790: 791,  # bytea, uuid, money
    869: 1041, 650: 651, 829: 1040, 774: 775,  # inet, cidr, macaddr, macaddr8
    3904: 3905, 3906: 3907, 3908: 3909, 3910: 3911, 3912: 3913, 3926: 3927,  # ranges
    4451: 6150, 4532: 6151, 4533: 6152, 4534: 6153, 4535: 6155, 4536: 6157,  # multiranges
}
NUMBER_TYPES = {1700: 1231, 700: 1021, 701: 1022}  # numeric, float4, float8
_TEXT = ext.new_type(tuple(TEXT_TYPES), "HEXA_TEXT", _as_text)
_NUMBER = ext.new_type(tuple(NUMBER_TYPES), "HEXA_NUMBER", _as_number)
CASTERS = (
    _TEXT,
    ext.new_array_type(tuple(TEXT_TYPES.values()), "HEXA_TEXT_ARRAY", _TEXT),
    _NUMBER,
    ext.new_array_type(tuple(NUMBER_TYPES.values()), "HEXA_NUMBER_ARRAY", _NUMBER),
)


def _scalar(value):
    """A JSON-safe scalar. Most types already arrive as text (CASTERS); the rest covers values
    from json/jsonb (floats: 1e400 parses as inf) and from typecasters registered globally."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Decimal):
        return _as_number(str(value))
    if isinstance(value, (datetime, date, clock_time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\x" + bytes(value).hex()
    return str(value)  # timedelta, Range, UUID, ipaddress…


def _plain(value):
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return _scalar(value)


def cut(text: str, cap: int) -> str:
    return text if len(text) <= cap else f"{text[:cap]}… [truncated, {len(text)} chars]"


class Cells:
    """Turns fetched values into JSON-safe ones no longer than `cap` characters, counting cuts."""

    def __init__(self, cap: int):
        self.cap = cap
        self.cut = 0

    def server_cut(self, text: str, size: str) -> str:
        """A value the server already cut to its first characters; `size` says how long it was
        ('5000 chars', '600000000 bytes', 'array of 20000000 elements')."""
        self.cut += 1
        return f"{text[: self.cap]}… [truncated, {size}]"

    def __call__(self, value):
        if isinstance(value, (list, tuple, dict)):  # arrays, json, jsonb: cut as a whole, as JSON text
            value = _plain(value)
            text = json.dumps(value, ensure_ascii=False, allow_nan=False)
            if len(text) <= self.cap:
                return value
            value = text
        value = _scalar(value)
        if isinstance(value, str) and len(value) > self.cap:
            self.cut += 1
            return cut(value, self.cap)
        return value


def register(connection) -> None:
    """Read this connection's values as described above (CASTERS)."""
    for caster in CASTERS:
        ext.register_type(caster, connection)
