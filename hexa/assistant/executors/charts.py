"""Charts: `UserChartTools(user, workspace).create_chart(spec, query, source="database", title=None)`.

The model gives a Vega-Lite spec and the query that feeds it; the server checks the spec
against an allow-list (chart_spec.py), runs the query itself through its source (read-only
and bounded, sources.py) and stores the chart with its rows:

    -> {"title", "description" (a text summary, also the chart's caption), "row_count", "truncated",
        "columns": [{"name", "type"}], "ranges": {column: {"min", "max"}}, "sample": [first rows],
        "note"?, "outline_count"?, "page": {"spec", "columns": [names], "rows": [[…]], "geometry"?: the GeoJSON
        column, "outlines"?: [GeoJSON geometries], "caption": {"mark", "x", "y", "color", "rows",
        "ranges": [{"name", "min", "max", "temporal"}], "charted_at_most"?, "unreadable"?, "no_outlines"?}: the caption as
        data, which the page writes in the reader's language}}

A map may have `outlines`: a second query (same source) returning boundaries as GeoJSON, drawn
as outlines under the chart's marks (district boundaries under facility points). They come from
the workspace's own data, never from elsewhere: a workspace without boundaries has no outlines.

`page` is for the page only: the model is sent the rest (data_policy.for_model), a summary
rather than thousands of points.
"""

import json
import math

from django.conf import settings

from ..errors import AssistantError, ToolErrorCode
from .chart_spec import DATA_NAME, MAX_FACETS, check_spec
from .errors import requires, tool_method
from .sources import SOURCES, chart_query

CELL_MAX_CHARS = 50_000  # one value: a district's simplified boundary as GeoJSON fits
DATA_MAX_CHARS = 4_000_000  # a chart's rows as JSON (the source's own byte cap is lower still)
SAMPLE_ROWS = 5
# boundaries drawn under a map (a country's districts, or its chiefdoms: hundreds at most)
MAX_OUTLINES = 1000
GEOMETRY_TYPES = {"Polygon", "MultiPolygon", "LineString", "MultiLineString", "GeometryCollection"}
TITLE_MAX_CHARS = 200
NUMERIC_TYPES = {"smallint", "integer", "bigint", "numeric", "real", "double precision"}
TEMPORAL_TYPES = {"date", "timestamp without time zone", "timestamp with time zone"}

_tool = tool_method(hint="Check the spec and the query, or try a simpler chart.")


def max_points() -> int:
    return max(1, int(settings.ASSISTANT_CHART_MAX_POINTS))


def _views(spec: dict):
    yield spec
    for layer in spec.get("layer") or []:
        yield from _views(layer)


def _encoded_fields(spec: dict) -> dict[str, str | None]:
    """field -> its declared type, over every view and channel."""
    fields = {}
    for view in _views(spec):
        for definition in (view.get("encoding") or {}).values():
            for item in definition if isinstance(definition, list) else [definition]:
                if isinstance(item, dict) and isinstance(item.get("field"), str):
                    fields.setdefault(item["field"], item.get("type"))
    return fields


def _check_facets(spec: dict, names: list, rows: list):
    """One subplot per distinct value of a row/column/facet field: bounded on the rows themselves."""
    for view in _views(spec):
        for channel in ("row", "column", "facet"):
            definition = (view.get("encoding") or {}).get(channel)
            field = definition.get("field") if isinstance(definition, dict) else None
            if field in names:
                index = names.index(field)
                count = len({json.dumps(row[index], sort_keys=True, default=str) for row in rows})
                if count > MAX_FACETS:
                    raise AssistantError(
                        ToolErrorCode.CHART_TOO_COSTLY,
                        f"encoding.{channel} on {field!r} would draw {count:,} subplots; at most {MAX_FACETS}. "
                        "Facet on a field with fewer values, or use color for the rest.",
                    )


def _has_transforms(spec: dict) -> bool:
    return any(view.get("transform") for view in _views(spec))


def _as_number(value):
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return value


def _signed_area(ring) -> float:
    try:
        return sum(x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:]))
    except (TypeError, ValueError):
        return 0.0


def _d3_winding(polygon):
    """Vega draws with d3-geo, which reads polygons on the sphere: an exterior ring must go
    clockwise (GeoJSON's own rule, RFC 7946, is the reverse), else the shape is the whole
    globe but a hole. Rings are turned to d3's way, whichever way they came."""
    if not isinstance(polygon, list):
        return polygon
    return [
        list(reversed(ring)) if isinstance(ring, list) and (_signed_area(ring) > 0) == (index == 0) else ring
        for index, ring in enumerate(polygon)
    ]


def _as_geometry(value):
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if not isinstance(value, dict):
        return None
    if value.get("type") == "Polygon":
        value = {**value, "coordinates": _d3_winding(value.get("coordinates"))}
    elif value.get("type") == "MultiPolygon" and isinstance(value.get("coordinates"), list):
        value = {**value, "coordinates": [_d3_winding(polygon) for polygon in value["coordinates"]]}
    return value


def _features(spec: dict, fields: dict) -> tuple[dict, str | None]:
    """Vega-Lite fits a projection to GeoJSON data, not to a field of it: the geometry
    column's `shape` channels are taken out of the spec, and the page makes each row a
    Feature of that geometry (its columns beside it). Returns the spec and the column."""
    column = next((name for name, kind in fields.items() if kind == "geojson"), None)
    if column is None:
        return spec, None

    def without_shape(view):
        view = dict(view)
        encoding = view.get("encoding")
        if isinstance(encoding, dict) and isinstance(encoding.get("shape"), dict) and encoding["shape"].get("type") == "geojson":
            view["encoding"] = {k: v for k, v in encoding.items() if k != "shape"}
        if isinstance(view.get("layer"), list):
            view["layer"] = [without_shape(layer) for layer in view["layer"]]
        return view

    return without_shape(spec), column


def _chart_rows(result: dict, fields: dict) -> tuple[list[list], int]:
    """The rows as the chart reads them: numbers as numbers (an exact numeric arrives as a
    string), GeoJSON as objects. Returns them and how many geometries could not be read."""
    columns = result["columns"]
    numeric = [c["type"] in NUMERIC_TYPES for c in columns]
    geometry = [fields.get(c["name"]) == "geojson" or c["type"] in ("json", "jsonb") for c in columns]
    unreadable = 0
    rows = []
    for row in result["rows"]:
        converted = list(row)
        for i, value in enumerate(converted):
            if value is None:
                continue
            if numeric[i]:
                converted[i] = _as_number(value)
            elif geometry[i]:
                converted[i] = _as_geometry(value)
                unreadable += converted[i] is None
        rows.append(converted)
    return rows, unreadable


def _ranges(columns: list[dict], rows: list[list]) -> dict:
    ranges = {}
    for i, column in enumerate(columns):
        if column["type"] in NUMERIC_TYPES or column["type"] in TEMPORAL_TYPES:
            values = [row[i] for row in rows if row[i] is not None]
            if values:
                ranges[column["name"]] = {"min": min(values), "max": max(values)}
    return ranges


def _marks(spec: dict) -> list[str]:
    marks = []
    for view in _views(spec):
        mark = view.get("mark")
        kind = mark.get("type") if isinstance(mark, dict) else mark
        if kind and kind not in marks:
            marks.append(kind)
    return marks


def _title(title, spec) -> str:
    if isinstance(title, str) and title.strip():
        return title.strip()[:TITLE_MAX_CHARS]
    spec_title = spec.get("title")
    if isinstance(spec_title, dict):
        spec_title = spec_title.get("text")
    if isinstance(spec_title, list):
        spec_title = " ".join(map(str, spec_title))
    return str(spec_title).strip()[:TITLE_MAX_CHARS] if spec_title else "Chart"


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{int(value):,}" if isinstance(value, (int, float)) else str(value)


# a mark's kind of chart, as the English caption names it (the page has its own words for each)
CHART_KINDS = {"geoshape": "Map", "circle": "Point chart", "point": "Point chart", "rect": "Heatmap chart"}
CAPTION_RANGES = 4


def _caption(spec: dict, row_count: int, ranges: dict, columns: list[dict]) -> dict:
    """What the chart's caption says, as data: the page writes it in the reader's language,
    `_description` in English (for the model and older pages)."""
    marks = _marks(spec)
    encoding = spec.get("encoding") or next((v.get("encoding") for v in _views(spec) if v.get("encoding")), {}) or {}

    def named(channel):
        definition = encoding.get(channel)
        if isinstance(definition, dict):
            return definition.get("title") if isinstance(definition.get("title"), str) else definition.get("field")
        return None

    temporal = {column["name"] for column in columns if column["type"] in TEMPORAL_TYPES}
    return {
        "mark": marks[0] if marks else None,
        "y": named("y") or named("latitude"),
        "x": named("x") or named("longitude"),
        "color": named("color"),
        "rows": row_count,
        "ranges": [
            {"name": name, "min": span["min"], "max": span["max"], "temporal": name in temporal}
            for name, span in list(ranges.items())[:CAPTION_RANGES]
        ],
    }


def _description(caption: dict) -> str:
    """One or two sentences saying what the chart shows, in English."""
    mark = caption["mark"]
    parts = [CHART_KINDS.get(mark, f"{mark.capitalize()} chart") if mark else "Chart"]
    if caption["y"] and caption["x"]:
        parts.append(f"of {caption['y']} by {caption['x']}")
    if caption["color"]:
        parts.append(f"coloured by {caption['color']}")
    rows = caption["rows"]
    text = " ".join(parts) + f", {rows:,} row{'s' if rows != 1 else ''}."
    spans = [f"{span['name']} from {_number(span['min'])} to {_number(span['max'])}" for span in caption["ranges"]]
    return text + (f" {'; '.join(spans)}." if spans else "")


class UserChartTools:
    """Charts of the workspace's data, on behalf of one of its members. The permission is
    the source's: with the database as the only source, `databases.query_database`, checked
    here and again by the source at each run."""

    def __init__(self, user, workspace):
        self.user = user
        self.workspace = workspace

    @_tool
    @requires("databases.query_database", "The user is not (or no longer) a member of this workspace.")
    def create_chart(self, spec, query, source="database", title=None, files=None, dhis2=None, outlines=None) -> dict:
        if source not in SOURCES:
            raise AssistantError(
                ToolErrorCode.INVALID_INPUT, f"`source` must be one of: {', '.join(SOURCES)} (got {str(source)[:50]!r})."
            )
        spec = check_spec(spec)
        if outlines is not None and (not isinstance(outlines, str) or not isinstance(spec.get("projection"), dict)):
            raise AssistantError(
                ToolErrorCode.INVALID_INPUT,
                "`outlines` is one SQL SELECT returning GeoJSON boundaries, drawn under a map: the spec needs a "
                "top-level `projection`.",
            )
        limit = max_points()
        asked = chart_query({"source": source, "query": query, "files": files, "dhis2": dhis2})
        result = SOURCES[source].rows(self.user, self.workspace, asked, limit, CELL_MAX_CHARS, DATA_MAX_CHARS)
        names = [c["name"] for c in result["columns"]]
        fields = _encoded_fields(spec)
        missing = [f for f in fields if f not in names]
        if missing and not _has_transforms(spec):
            raise AssistantError(
                ToolErrorCode.INVALID_CHART_SPEC,
                f"The spec encodes field(s) the query does not return: {', '.join(missing)[:200]}. The query's "
                f"columns are: {', '.join(names)[:500]}. Rename a column in SQL (AS) or fix the field.",
            )
        rows, unreadable = _chart_rows(result, fields)
        _check_facets(spec, names, rows)
        ranges = _ranges(result["columns"], rows)
        drawn, geometry = _features(spec, fields)
        stored_spec = {**drawn, "data": {"name": DATA_NAME}}
        caption = _caption(spec, len(rows), ranges, result["columns"])
        output = {
            "title": _title(title, spec),
            "description": _description(caption),
            "row_count": len(rows),
            "truncated": result["truncated"],
            "columns": result["columns"],
            "ranges": ranges,
            "sample": [
                ["(GeoJSON)" if isinstance(v, dict) else v for v in row] for row in rows[:SAMPLE_ROWS]
            ],
        }
        notes = []
        if result["truncated"]:
            caption["charted_at_most"] = limit
            notes.append(
                f"Only the first {len(rows):,} rows are charted (at most {limit:,} points, about 1 MB of data): "
                "aggregate in SQL (GROUP BY, date_trunc) for a complete chart."
            )
        if unreadable:
            caption["unreadable"] = unreadable
            notes.append(f"{unreadable} GeoJSON value(s) could not be read (not JSON, or cut for size) and are left out.")
        if notes:
            output["note"] = " ".join(notes)
        output["shown_to_user"] = "The chart is shown to the user with its data; describe what it shows, briefly."
        # the page writes the caption and its notes from `caption`, in the reader's language
        # (charts stored before it have only the English `description` and `note`)
        output["page"] = {"spec": stored_spec, "columns": names, "rows": rows, "caption": caption}
        if geometry:
            output["page"]["geometry"] = geometry
        if outlines is not None:
            shapes = self._outlines(source, outlines, files, dhis2)
            output["outline_count"] = len(shapes)
            if shapes:
                output["page"]["outlines"] = shapes
            else:
                output["page"]["caption"]["no_outlines"] = True
                note = "The outlines query returned no GeoJSON geometry: the map is drawn without outlines."
                output["note"] = f"{output['note']} {note}" if "note" in output else note
        return output

    def _outlines(self, source, query, files, dhis2) -> list:
        """The boundaries `query` returns: the geometries of its first column that holds GeoJSON
        (a json/jsonb column, or text that parses as a geometry)."""
        asked = chart_query({"source": source, "query": query, "files": files, "dhis2": dhis2})
        result = SOURCES[source].rows(self.user, self.workspace, asked, MAX_OUTLINES, CELL_MAX_CHARS, DATA_MAX_CHARS)
        for index in range(len(result["columns"])):
            shapes = [_as_geometry(row[index]) for row in result["rows"] if row[index] is not None]
            shapes = [shape for shape in shapes if isinstance(shape, dict) and shape.get("type") in GEOMETRY_TYPES]
            if shapes:
                return shapes
        return []
