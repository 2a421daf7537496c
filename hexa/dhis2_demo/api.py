"""The DHIS2 Web API subset of the demo server: what one GET answers, as (status, JSON body).

Metadata lists (`/api/organisationUnits`, `organisationUnitLevels`, `dataElements`,
`indicators`, `dataSets`, and `/api/<collection>/<id>`) with `fields`, `filter`, `order`,
`page`/`pageSize`/`paging`; `/api/analytics` with `dimension=` and `filter=` (dx, pe, ou);
`/api/dataValueSets`; `/api/system/info` and `/api/me`. Errors have DHIS2's body: httpStatus,
httpStatusCode, status, message (and errorCode where DHIS2 gives one). Every size is bounded.
"""

import functools
import re
from datetime import date

from . import instance as model
from .periods import RELATIVE_PERIODS, PeriodError, resolve

LABEL = "DHIS2 demo server — not a real instance"
VERSION = "2.40.4"
COLLECTIONS = ("organisationUnits", "organisationUnitLevels", "dataElements", "indicators", "dataSets")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
MAX_ITEMS_PER_DIMENSION = 500
MAX_ANALYTICS_CELLS = 100_000  # rows an analytics answer may hold: dx × pe × ou
MAX_FILTERS = 20
MAX_DATA_VALUES = 50_000
STATUS_TEXT = {400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict"}
FIELD_PRESETS = {
    ":identifiable": ["id", "name", "code", "created", "lastUpdated"],
    ":nameable": ["id", "name", "shortName", "code", "created", "lastUpdated"],
}


class ApiError(Exception):
    def __init__(self, status, message, code=None):
        super().__init__(message)
        self.status, self.message, self.code = status, message, code

    def body(self) -> dict:
        body = {"httpStatus": STATUS_TEXT[self.status], "httpStatusCode": self.status, "status": "ERROR", "message": self.message}
        if self.code:
            body["errorCode"] = self.code
        return body


def error_body(status, message, code=None) -> dict:
    return ApiError(status, message, code).body()


def _one(params, name, default=None):
    values = params.get(name)
    return values[-1] if values else default


def _int(params, name, default, low, high):
    raw = _one(params, name)
    if raw is None:
        return default
    if not re.fullmatch(r"\d{1,9}", raw) or not low <= int(raw) <= high:
        raise ApiError(409, f"`{name}` must be a whole number from {low} to {high}, not {raw[:40]!r}")
    return int(raw)


def _true(params, name):
    return (_one(params, name) or "").lower() == "true"


# -- metadata ------------------------------------------------------------------------------


def _split_top_level(text):
    """`id,name,parent[id,name]` → ["id", "name", "parent[id,name]"]."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
            if depth < 0:
                raise ApiError(400, f"Unbalanced brackets in fields: {text[:80]!r}")
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    if depth:
        raise ApiError(400, f"Unbalanced brackets in fields: {text[:80]!r}")
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def select(obj, fields_text):
    """An object with only the requested fields, as DHIS2's `fields=` (`*`, presets, nesting)."""
    if not isinstance(obj, dict):
        return obj
    result = {}
    for spec in _split_top_level(fields_text):
        if spec in ("*", ":all", ":owner"):
            result.update(obj)
        elif spec in FIELD_PRESETS:
            result.update({k: obj[k] for k in FIELD_PRESETS[spec] if k in obj})
        elif spec.startswith("!"):
            result.pop(spec[1:], None)
        else:
            name, _, nested = spec.partition("[")
            name = name.strip()
            if name not in obj:
                continue  # DHIS2 leaves out what an object does not have
            value = obj[name]
            if nested:
                inner = nested.rstrip("]")
                value = [select(v, inner) for v in value] if isinstance(value, list) else select(value, inner)
            result[name] = value
    return result


def _property(obj, path):
    for part in path.split("."):
        if isinstance(obj, list):  # e.g. children.id: any of them
            return [_property(o, part) for o in obj]
        obj = obj.get(part) if isinstance(obj, dict) else None
    return obj


def _compare(value, op, operand):
    if isinstance(value, list):
        return any(_compare(v, op, operand) for v in value)
    if op == "null":
        return value is None
    if op == "!null":
        return value is not None
    text = "" if value is None else str(value)
    if op in ("in", "!in"):
        items = operand.strip("[]").split(",")
        return (text in items) == (op == "in")
    if op in ("gt", "ge", "lt", "le"):
        try:
            left, right = float(value), float(operand)
        except (TypeError, ValueError):
            left, right = text, operand
        return {"gt": left > right, "ge": left >= right, "lt": left < right, "le": left <= right}[op]
    lowered, needle = text.lower(), operand.lower()
    return {
        "eq": text == operand, "!eq": text != operand, "ne": text != operand, "ieq": lowered == needle,
        "like": operand in text, "!like": operand not in text, "ilike": needle in lowered, "!ilike": needle not in lowered,
        "$like": text.startswith(operand), "$ilike": lowered.startswith(needle),
        "like$": text.endswith(operand), "ilike$": lowered.endswith(needle),
    }[op]


FILTER_OPERATORS = {
    "eq", "!eq", "ne", "ieq", "like", "!like", "ilike", "!ilike", "$like", "$ilike", "like$", "ilike$",
    "in", "!in", "gt", "ge", "lt", "le", "null", "!null",
}


def _parse_filter(text):
    parts = text.split(":", 2)
    if len(parts) < 2 or not re.fullmatch(r"[A-Za-z][A-Za-z0-9.]{0,60}", parts[0]) or parts[1] not in FILTER_OPERATORS:
        raise ApiError(400, f"Invalid filter: {text[:80]!r} (property:operator:value, with eq, ilike, in, gt… )")
    if parts[1] not in ("null", "!null") and len(parts) < 3:
        raise ApiError(400, f"Filter {text[:80]!r} needs a value")
    return parts[0], parts[1], parts[2] if len(parts) == 3 else ""


def metadata_list(instance, collection, params, base_url):
    filters = params.get("filter", [])
    if len(filters) > MAX_FILTERS:
        raise ApiError(409, f"At most {MAX_FILTERS} filters")
    parsed = [_parse_filter(f) for f in filters]
    any_of = (_one(params, "rootJunction") or "AND").upper() == "OR"
    objects = instance.collection(collection)
    if collection == "organisationUnits" and _one(params, "level") is not None:
        level = _int(params, "level", None, 1, 10)
        objects = [o for o in objects if o["level"] == level]
    if parsed:
        test = any if any_of else all
        objects = [o for o in objects if test(_compare(_property(o, p), op, v) for p, op, v in parsed)]
    order = _one(params, "order")
    if order:
        name, _, direction = order.partition(":")
        if not re.fullmatch(r"[A-Za-z]{1,40}", name) or direction.lower() not in ("", "asc", "desc", "iasc", "idesc"):
            raise ApiError(400, f"Invalid order: {order[:80]!r}")
        objects = sorted(objects, key=lambda o: str(o.get(name, "")).lower(), reverse=direction.lower().endswith("desc"))
    fields = _one(params, "fields") or "id,displayName"
    body = {}
    if (_one(params, "paging") or "true").lower() != "false":
        page_size = _int(params, "pageSize", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
        page = _int(params, "page", 1, 1, 10**6)
        total = len(objects)
        page_count = max(1, -(-total // page_size))
        pager = {"page": page, "pageCount": page_count, "total": total, "pageSize": page_size}
        if page < page_count:
            pager["nextPage"] = f"{base_url}/api/{collection}?page={page + 1}&pageSize={page_size}"
        if page > 1:
            pager["prevPage"] = f"{base_url}/api/{collection}?page={page - 1}&pageSize={page_size}"
        body["pager"] = pager
        objects = objects[(page - 1) * page_size: page * page_size]
    body[collection] = [select(o, fields) for o in objects]
    return body


def metadata_object(instance, collection, id_, params):
    found = next((o for o in instance.collection(collection) if o["id"] == id_), None)
    if found is None:
        raise ApiError(404, f"{collection[:-1][0].upper()}{collection[1:-1]} with id {id_[:20]} could not be found.", "E1005")
    return select(found, _one(params, "fields") or "*")


# -- analytics -----------------------------------------------------------------------------

HEADER = {
    "dx": ("Data", "TEXT", "java.lang.String"),
    "pe": ("Period", "TEXT", "java.lang.String"),
    "ou": ("Organisation unit", "TEXT", "java.lang.String"),
}


def _dimension(text):
    name, _, items = text.partition(":")
    if name not in HEADER:
        raise ApiError(409, f"Dimension `{name[:40]}` is not valid (the demo server knows dx, pe and ou)", "E7125")
    items = [i for i in items.split(";") if i]
    if not items:
        raise ApiError(409, f"Dimension `{name}` is present in query without any valid dimension options", "E7114")
    if len(items) > MAX_ITEMS_PER_DIMENSION:
        raise ApiError(409, f"At most {MAX_ITEMS_PER_DIMENSION} items per dimension", "E7131")
    return name, items


def _data_items(instance, items):
    found = []
    for item in items:
        data = instance.data_item(item)
        if data is None:
            raise ApiError(409, f"Data item does not exist: `{item[:40]}`", "E7143")
        found.append(data)
    return found


def _org_units(instance, items, user_root):
    """Organisation units from uids, LEVEL-N (below the uids given, else the user's), USER_ORGUNIT."""
    boundaries, levels, units = [], [], []
    for item in items:
        if item in ("USER_ORGUNIT", "USER_ORGUNIT_CHILDREN"):
            root = instance.unit(user_root)
            units.extend([root] if item == "USER_ORGUNIT" else [instance.unit(c["id"]) for c in root["children"]])
        elif re.fullmatch(r"LEVEL-\d{1,2}", item):
            levels.append(int(item[6:]))
        elif instance.unit(item) is not None:
            boundaries.append(instance.unit(item))
        else:
            raise ApiError(409, f"Organisation unit or organisation unit level is not valid: `{item[:40]}`", "E7124")
    if levels:
        within = boundaries or [instance.unit(user_root)]
        units.extend(
            u for u in instance.organisation_units
            if u["level"] in levels and any(u["path"].startswith(b["path"]) for b in within)
        )
    else:
        units.extend(boundaries)
    return list({u["id"]: u for u in units}.values())


def _periods(items, today):
    periods = []
    for item in items:
        try:
            periods.extend(resolve(item, today))
        except PeriodError:
            raise ApiError(
                409, f"Period is not valid: `{item[:40]}` (fixed: 202410, 2024Q4, 2024; relative: "
                f"{', '.join(RELATIVE_PERIODS[:4])}…)", "E7131",
            ) from None
    return list({p.id: p for p in periods}.values())


def _number(value):
    return str(value) if isinstance(value, int) else f"{value:.10g}" if value != int(value) else f"{value:.1f}"


def analytics(instance, params, today, user_root):
    requested = [_dimension(d) for d in params.get("dimension", [])]
    filtered = [_dimension(f) for f in params.get("filter", [])]
    names = [name for name, _ in requested + filtered]
    duplicate = next((n for n in names if names.count(n) > 1), None)
    if duplicate:
        raise ApiError(409, f"Dimension `{duplicate}` is given more than once", "E7106")
    given = dict(requested + filtered)
    if "dx" not in given:
        raise ApiError(409, "At least one data dimension item or data element group set dimension item must be specified", "E7102")
    if "pe" not in given:
        raise ApiError(409, "At least one period must be specified as dimension or filter", "E7104")
    data = _data_items(instance, given["dx"])
    periods = _periods(given["pe"], today)
    units = _org_units(instance, given.get("ou", [user_root]), user_root)
    if not units:
        raise ApiError(409, "At least one organisation unit must be specified", "E7123")
    axes = {"dx": [d["id"] for d in data], "pe": [p.id for p in periods], "ou": [u["id"] for u in units]}
    dims = [name for name, _ in requested]
    cells = 1
    for name in dims:
        cells *= len(axes[name])
    if cells > MAX_ANALYTICS_CELLS:
        raise ApiError(409, f"Query result set exceeded max limit of {MAX_ANALYTICS_CELLS} (dx × pe × ou)", "E7131")
    period_months = {p.id: p.months for p in periods}
    rounding = not _true(params, "skipRounding")

    # each cell asks for the months of its periods and the facilities of its units: worked
    # out once per distinct set, not once per cell (up to MAX_ANALYTICS_CELLS of them)
    @functools.cache
    def months_of(ids):
        return [m for m in sorted({m for i in ids for m in period_months[i]}) if m in instance.values]

    @functools.cache
    def facilities_of(ids):
        return sorted({f for i in ids for f in instance.facilities_under.get(i, [])})

    rows = []
    if not _true(params, "skipData"):
        combos = [[]]
        for name in dims:
            combos = [combo + [item] for combo in combos for item in axes[name]]
        for combo in combos:
            chosen = dict(zip(dims, combo))
            items = {name: [chosen[name]] if name in chosen else axes[name] for name in ("dx", "pe", "ou")}
            if len(items["dx"]) != 1:
                raise ApiError(409, "Only one data item may be given as a filter", "E7108")
            months = months_of(tuple(items["pe"]))
            if not months:  # no data in these periods: no row, as DHIS2
                continue
            value = instance.value(items["dx"][0], months, facilities_of(tuple(items["ou"])), rounding)
            if value is not None:
                rows.append(combo + [_number(value)])
    headers = [
        {"name": n, "column": HEADER[n][0], "valueType": HEADER[n][1], "type": HEADER[n][2], "hidden": False, "meta": True}
        for n in dims
    ] + [{"name": "value", "column": "Value", "valueType": "NUMBER", "type": "java.lang.Double", "hidden": False, "meta": False}]
    body = {"headers": headers, "rows": rows, "height": len(rows), "width": len(headers), "headerWidth": len(headers)}
    if not _true(params, "skipMeta"):
        items = {"dx": {"name": "Data"}, "pe": {"name": "Period"}, "ou": {"name": "Organisation unit"}}
        items.update({d["id"]: {"name": d["name"], "code": d["code"]} for d in data})
        items.update({p.id: {"name": p.name} for p in periods})
        items.update({u["id"]: {"name": u["name"], "code": u["code"]} for u in units})
        for item in given["pe"]:  # a relative period keeps its own name too
            if item in RELATIVE_PERIODS:
                items[item] = {"name": item.replace("_", " ").title()}
        body["metaData"] = {"items": items, "dimensions": {**axes, "co": []}}
    return body


# -- data values ---------------------------------------------------------------------------


def data_value_sets(instance, params, today):
    data_sets, elements = params.get("dataSet", []), params.get("dataElement", [])
    if not data_sets and not elements:
        raise ApiError(409, "At least one valid data set or data element group must be specified", "E2001")
    wanted = set()
    for id_ in data_sets:
        if id_ != model.DATA_SET:
            raise ApiError(409, f"Data set does not exist: `{id_[:40]}`", "E2002")
        wanted.update(model.ELEMENT_INDEX)
    for id_ in elements:
        if id_ not in model.ELEMENT_INDEX:
            raise ApiError(409, f"Data element does not exist: `{id_[:40]}`", "E2002")
        wanted.add(id_)
    period_items = params.get("period", [])
    if period_items:
        if len(period_items) > MAX_ITEMS_PER_DIMENSION:
            raise ApiError(409, f"At most {MAX_ITEMS_PER_DIMENSION} periods", "E2003")
        months = sorted({m for p in _periods(period_items, today) for m in p.months})
    else:
        start, end = _one(params, "startDate"), _one(params, "endDate")
        if not start or not end:
            raise ApiError(409, "At least one valid period, start date and end date must be specified", "E2003")
        try:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
        except ValueError:
            raise ApiError(409, "Start date and end date must be dates (yyyy-MM-dd)", "E2003") from None
        months = sorted(m for m in instance.values if first.strftime("%Y%m") <= m <= last.strftime("%Y%m"))
    unit_ids = params.get("orgUnit", [])
    if not unit_ids:
        raise ApiError(409, "At least one valid organisation unit must be specified", "E2006")
    children = _true(params, "children")
    facilities = set()
    for id_ in unit_ids[:MAX_ITEMS_PER_DIMENSION]:
        unit = instance.unit(id_)
        if unit is None:
            raise ApiError(409, f"Organisation unit does not exist: `{id_[:40]}`", "E2006")
        if unit["level"] == 3:
            facilities.update(instance.facilities_under[id_])
        elif children:
            facilities.update(instance.facilities_under[id_])
    uid_of = instance.facility_uid
    values = []
    for month in months:
        reported = instance.values.get(month, {})
        for facility in sorted(facilities):
            numbers = reported.get(facility)
            if numbers is None:
                continue
            for element in sorted(wanted, key=list(model.ELEMENT_INDEX).index):
                values.append({
                    "dataElement": element, "period": month, "orgUnit": uid_of[facility],
                    "categoryOptionCombo": model.DEFAULT_CATEGORY_OPTION_COMBO,
                    "attributeOptionCombo": model.DEFAULT_CATEGORY_OPTION_COMBO,
                    "value": str(numbers[model.ELEMENT_INDEX[element]]), "storedBy": "demo",
                    "created": model.CREATED, "lastUpdated": model.CREATED, "followup": False,
                })
                if len(values) > MAX_DATA_VALUES:
                    raise ApiError(409, f"More than {MAX_DATA_VALUES} data values: ask for fewer periods or units", "E2010")
    body = {"dataValues": values}
    if len(data_sets) == 1:
        body["dataSet"] = data_sets[0]
    return body


# -- routing -------------------------------------------------------------------------------


def answer(instance, path, params, *, today, base_url, username, user_root=model.ROOT):
    """(status, body) for a GET of `path` (after /api, version and .json removed)."""
    try:
        if path == "/system/info":
            return 200, {
                "systemName": LABEL, "version": VERSION, "revision": "demo", "buildTime": model.CREATED,
                "serverDate": f"{today.isoformat()}T00:00:00.000", "calendar": "iso8601", "dateFormat": "yyyy-mm-dd",
                "contextPath": base_url, "instanceBaseUrl": base_url,
                "systemId": model.uid("system"), "emailConfigured": False,
            }
        if path == "/me":
            return 200, {
                "id": model.uid(f"user:{username}"), "username": username, "name": "Demo analyst",
                "displayName": "Demo analyst", "firstName": "Demo", "surname": "Analyst",
                "authorities": ["F_VIEW_DATABROWSER", "M_dhis-web-data-visualizer"],
                "organisationUnits": [{"id": user_root}], "dataViewOrganisationUnits": [{"id": user_root}],
                "settings": {"keyUiLocale": "en"},
            }
        if path == "/analytics":
            return 200, analytics(instance, params, today, user_root)
        if path == "/dataValueSets":
            return 200, data_value_sets(instance, params, today)
        parts = path.strip("/").split("/")
        if parts[0] in COLLECTIONS and len(parts) == 1:
            return 200, metadata_list(instance, parts[0], params, base_url)
        if parts[0] in COLLECTIONS and len(parts) == 2 and re.fullmatch(r"[A-Za-z0-9]{1,40}", parts[1]):
            return 200, metadata_object(instance, parts[0], parts[1], params)
        raise ApiError(404, f"The demo server does not serve /api{path[:200]}")
    except ApiError as error:
        return error.status, error.body()
