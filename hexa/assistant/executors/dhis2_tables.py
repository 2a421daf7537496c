"""DHIS2 answers as tables: columns with types and rows, as query_database returns them.

    table = as_table(path, body)   # {"columns": [{"name", "type"}], "rows": [[…]], "pager"?}

- analytics: one column per header (`dx`, `pe`, `ou`, … and `value`), each dimension followed
  by its name from `metaData.items` (`dx_name`, `pe_name`, `ou_name`); values as numbers;
- dataValueSets: one row per data value (`dataElement`, `period`, `orgUnit`, …, `value` as a
  number when every value is one);
- a metadata collection: one row per object, one column per property met (nested objects
  and lists as JSON text), and DHIS2's `pager`;
- one object (`<collection>/<uid>`): one row.

Types are spelled as PostgreSQL's (`bigint`, `double precision`, `boolean`, `text`), so that
charts, downloads and the page read them as they read a database result.
"""

import json

from ..errors import AssistantError

MAX_COLUMNS = 200
NUMERIC_VALUE_TYPES = {
    "NUMBER", "INTEGER", "INTEGER_POSITIVE", "INTEGER_NEGATIVE", "INTEGER_ZERO_OR_POSITIVE", "PERCENTAGE", "UNIT_INTERVAL",
}


def as_table(path: str, body) -> dict:
    resource = path.split("/")[0]
    if not isinstance(body, dict):
        raise AssistantError("DHIS2_INVALID_RESPONSE", "DHIS2's answer is not a JSON object, as its Web API answers.")
    if resource == "analytics":
        return _analytics(body)
    if resource == "dataValueSets":
        return _objects(body.get("dataValues") or [], numeric_text=("value",))
    if "/" in path:
        return _objects([body])
    items = body.get(resource)
    if not isinstance(items, list):
        items = next((value for key, value in body.items() if key != "pager" and isinstance(value, list)), [])
    table = _objects(items)
    if isinstance(body.get("pager"), dict):
        table["pager"] = {k: v for k, v in body["pager"].items() if k in ("page", "pageCount", "total", "pageSize")}
    return table


def _analytics(body: dict) -> dict:
    headers = body.get("headers")
    rows = body.get("rows")
    if not isinstance(headers, list) or not isinstance(rows, list):
        raise AssistantError("DHIS2_INVALID_RESPONSE", "DHIS2's analytics answer has no `headers` and `rows`.")
    items = ((body.get("metaData") or {}).get("items") or {}) if isinstance(body.get("metaData"), dict) else {}
    columns, cells = [], []  # cells: per output column, (index in the row, "name" lookup or None, numeric)
    for index, header in enumerate(headers[:MAX_COLUMNS]):
        if not isinstance(header, dict):
            raise AssistantError("DHIS2_INVALID_RESPONSE", "DHIS2's analytics headers are not objects.")
        name = str(header.get("name") or f"column{index + 1}")[:100]
        numeric = header.get("valueType") in NUMERIC_VALUE_TYPES and not header.get("meta")
        columns.append({"name": name, "type": "double precision" if numeric else "text"})
        cells.append((index, False, numeric))
        if header.get("meta") and items:
            columns.append({"name": f"{name}_name", "type": "text"})
            cells.append((index, True, False))
    table = []
    for row in rows:
        if not isinstance(row, list):
            raise AssistantError("DHIS2_INVALID_RESPONSE", "A row of DHIS2's analytics answer is not a list.")
        out = []
        for index, lookup, numeric in cells:
            value = row[index] if index < len(row) else None
            if lookup:
                item = items.get(value) if isinstance(value, str) else None
                value = item.get("name") if isinstance(item, dict) else None
            elif numeric:
                value = _number(value)
            out.append(_scalar(value))
        table.append(out)
    _integers(columns, table)
    return {"columns": columns, "rows": table}


def _objects(objects: list, numeric_text=()) -> dict:
    names: dict[str, None] = {}
    for obj in objects:
        if not isinstance(obj, dict):
            raise AssistantError("DHIS2_INVALID_RESPONSE", "DHIS2's answer lists something other than objects.")
        for key in obj:
            if len(names) >= MAX_COLUMNS:
                break
            names.setdefault(str(key)[:100], None)
    order = list(names)
    rows = [[_scalar(obj.get(name)) for name in order] for obj in objects]
    columns = []
    for position, name in enumerate(order):
        values = [row[position] for row in rows if row[position] is not None]
        if name in numeric_text and values and all(_number(v) is not None for v in values):
            for row in rows:
                row[position] = _number(row[position])
            values = [row[position] for row in rows if row[position] is not None]
        columns.append({"name": name, "type": _type(values)})
    _integers(columns, rows)
    return {"columns": columns, "rows": rows}


def _type(values) -> str:
    if values and all(isinstance(v, bool) for v in values):
        return "boolean"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "double precision"
    return "text"


def _integers(columns, rows):
    """A numeric column whose values are all whole is `bigint`, its values ints."""
    for position, column in enumerate(columns):
        if column["type"] != "double precision":
            continue
        values = [row[position] for row in rows if row[position] is not None]
        if all(float(v).is_integer() and abs(v) < 2**53 for v in values):
            column["type"] = "bigint"
            for row in rows:
                if row[position] is not None:
                    row[position] = int(row[position])


def _number(value):
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _scalar(value):
    """A cell: numbers, booleans and text as they are; objects and lists as JSON text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return json.dumps(value, ensure_ascii=False)
