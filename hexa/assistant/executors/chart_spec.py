"""The allow-list a model-written Vega-Lite spec must pass before it is stored and drawn.

    check_spec(spec) -> the spec, unchanged, or AssistantError naming the rule it broke:
        CHART_SPEC_TOO_LARGE    over SPEC_MAX_CHARS of JSON, SPEC_MAX_DEPTH levels, SPEC_MAX_NODES values
        CHART_EXTERNAL_CONTENT  anything that loads or links elsewhere: `url`, `href`, the `image` mark,
                                `data` other than the rows the server inserts, `usermeta`, `loader`
        CHART_EXPRESSION        Vega expressions: `calculate`, `filter` strings, `expr`, `signal`,
                                `labelExpr`, `test`, `params`/selections
        CHART_TOO_COSTLY        what would keep the page's vega busy for seconds: the `impute`,
                                `density`, `quantile` and `loess` transforms (and `impute` in an
                                encoding), a width, height or padding past MAX_SIZE, a band step past
                                MAX_STEP, bins past MAX_BINS or by `step`;
                                too many facets is checked on the rows (charts.py, MAX_FACETS)
        INVALID_CHART_SPEC      anything else the allow-list does not know (a key, a mark, a channel,
                                a transform, a value of the wrong shape)

A spec is untrusted model output that the page renders. It is walked, not trusted: only the
keys listed here are accepted, at each level, and the rules are about shapes, not about
Vega-Lite's whole grammar. Expressions are refused rather than confined: what they compute
is better computed in the SQL that feeds the chart (where it is checked, bounded and
read-only), and refusing them keeps the spec a declaration. The page also renders with
vega's expression interpreter (no `eval`, no `new Function`) as a second wall.
"""

import json

from ..errors import AssistantError, ToolErrorCode

SPEC_MAX_CHARS = 20_000
SPEC_MAX_DEPTH = 12
SPEC_MAX_NODES = 2_000
STRING_MAX_CHARS = 1_000
# What vega draws in well under a second with ASSISTANT_CHART_MAX_POINTS points; past these, a chart
# froze the page for 5-12 s (and it is stored: each time the conversation opened)
MAX_SIZE = 2_000  # pixels of width, height (config.view's too) and padding
MAX_STEP = 200  # pixels a band (one bar, one category) may take
MAX_BINS = 200
MAX_FACETS = 50  # subplots of a row/column/facet channel, counted on the rows
COSTLY_TRANSFORMS = {"impute", "density", "quantile", "loess"}
SIZE_KEYS = {"width", "height", "continuousWidth", "continuousHeight", "discreteWidth", "discreteHeight", "padding"}
DATA_NAME = "table"  # the one dataset a chart has: the rows of its query, inserted by the server

MARKS = {"line", "bar", "area", "point", "circle", "square", "rect", "geoshape", "text", "tick", "rule", "arc", "trail"}
TOP_KEYS = {
    "$schema", "title", "description", "width", "height", "autosize", "padding", "background", "mark",
    "encoding", "transform", "layer", "projection", "config", "resolve", "view", "data",
}
LAYER_KEYS = {"title", "description", "width", "height", "mark", "encoding", "transform", "projection", "layer"}
MARK_KEYS = {
    "type", "color", "fill", "stroke", "opacity", "fillOpacity", "strokeOpacity", "strokeWidth", "strokeDash",
    "strokeCap", "strokeJoin", "size", "point", "line", "interpolate", "tooltip", "filled", "shape", "orient",
    "align", "baseline", "dx", "dy", "font", "fontSize", "fontWeight", "angle", "thickness", "cornerRadius",
    "cornerRadiusEnd", "clip", "binSpacing", "width", "height", "innerRadius", "outerRadius", "radius", "limit",
}
CHANNELS = {
    "x", "y", "x2", "y2", "xOffset", "yOffset", "color", "fill", "stroke", "opacity", "fillOpacity",
    "strokeOpacity", "strokeWidth", "strokeDash", "size", "shape", "text", "tooltip", "detail", "order", "row",
    "column", "facet", "latitude", "longitude", "latitude2", "longitude2", "theta", "theta2", "radius", "angle",
}
FIELD_KEYS = {
    "field", "type", "aggregate", "bin", "timeUnit", "title", "axis", "legend", "scale", "sort", "stack", "format",
    "value", "datum", "header", "band", "bandPosition", "columns", "spacing",
}
TYPES = {"quantitative", "temporal", "ordinal", "nominal", "geojson"}
AGGREGATES = {
    "count", "valid", "values", "missing", "distinct", "sum", "product", "mean", "average", "variance", "variancep",
    "stdev", "stdevp", "stderr", "median", "q1", "q3", "ci0", "ci1", "min", "max", "argmin", "argmax",
}
TRANSFORMS = {
    "aggregate", "bin", "timeUnit", "fold", "window", "joinaggregate", "stack", "flatten", "pivot", "regression",
    "filter", "sort",
}
FILTER_PREDICATES = {"field", "timeUnit", "equal", "lt", "lte", "gt", "gte", "range", "oneOf", "valid"}
PROJECTIONS = {
    "mercator", "equalEarth", "identity", "equirectangular", "naturalEarth1", "albers", "conicEqualArea",
    "transverseMercator", "orthographic",
}
# Refused wherever they appear, whatever the level: they load, link or compute.
EXTERNAL_KEYS = {"url", "href", "usermeta", "loader", "image", "datasets"}
EXPRESSION_KEYS = {"expr", "signal", "labelExpr", "test", "calculate", "params", "selection", "bind", "on", "update", "formatType"}


def _refuse(code, message: str):
    raise AssistantError(code, f"{message} See the create_chart description for what a spec may contain.")


def _at(path: list) -> str:
    return "spec" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path)


def _too_costly(message: str):
    _refuse(ToolErrorCode.CHART_TOO_COSTLY, f"{message} It would keep the page busy drawing it.")


def _cost(key, item, path):
    """Sizes, steps and bins, wherever they are (a view, config.view, an axis, a bin)."""
    numbers = [item] if isinstance(item, (int, float)) and not isinstance(item, bool) else []
    if key == "padding" and isinstance(item, dict):
        numbers = [v for v in item.values() if isinstance(v, (int, float))]
    if key in SIZE_KEYS and any(abs(n) > MAX_SIZE for n in numbers):
        _too_costly(f"{_at(path + [key])} is larger than {MAX_SIZE:,} pixels.")
    if key == "step" and isinstance(item, (int, float)) and path and path[-1] in ("width", "height", "view"):
        if item > MAX_STEP:
            _too_costly(f"{_at(path + [key])}: a band step is at most {MAX_STEP} pixels.")
    if key == "maxbins" and isinstance(item, (int, float)) and item > MAX_BINS:
        _too_costly(f"{_at(path + [key])}: at most {MAX_BINS} bins.")
    if key in ("step", "steps", "minstep") and path and path[-1] == "bin":
        _too_costly(f"{_at(path + [key])}: bins are set by `maxbins` (at most {MAX_BINS}), not by their step.")
    if key in COSTLY_TRANSFORMS or (key == "impute" and "encoding" in path):
        _too_costly(
            f"{_at(path + [key])} is refused: compute it in the SQL query instead (percentile_cont for "
            "quantiles, a histogram with width_bucket for densities, a calendar joined for missing values)."
        )


def _walk(value, path: list, counter: list):
    """Size, depth, cost and the keys refused anywhere; strings bounded."""
    counter[0] += 1
    if counter[0] > SPEC_MAX_NODES:
        _refuse(ToolErrorCode.CHART_SPEC_TOO_LARGE, f"The spec has more than {SPEC_MAX_NODES} values.")
    if len(path) > SPEC_MAX_DEPTH:
        _refuse(ToolErrorCode.CHART_SPEC_TOO_LARGE, f"The spec nests deeper than {SPEC_MAX_DEPTH} levels ({_at(path)}).")
    if isinstance(value, str) and len(value) > STRING_MAX_CHARS:
        _refuse(ToolErrorCode.CHART_SPEC_TOO_LARGE, f"{_at(path)} is longer than {STRING_MAX_CHARS} characters.")
    if isinstance(value, dict):
        for key, item in value.items():
            if key in EXTERNAL_KEYS:
                _refuse(
                    ToolErrorCode.CHART_EXTERNAL_CONTENT,
                    f"{_at(path + [key])} is refused: a chart may not load, link or embed anything; its data "
                    "is the result of its query, inserted by the server.",
                )
            if key in EXPRESSION_KEYS:
                _refuse(
                    ToolErrorCode.CHART_EXPRESSION,
                    f"{_at(path + [key])} is refused: charts take no Vega expressions or selections. Compute "
                    "values in the SQL query instead (CASE, arithmetic, date_trunc…).",
                )
            _cost(key, item, path)
            _walk(item, path + [key], counter)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, path + [index], counter)


def _scalar(value) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _scalars(value, path, what):
    """A value made only of scalars and lists of scalars (mark properties): no object can hide a
    signal or an expression in it."""
    if _scalar(value) or (isinstance(value, list) and all(_scalar(v) for v in value)):
        return
    _refuse(ToolErrorCode.INVALID_CHART_SPEC, f"{_at(path)} must be a plain value ({what}).")


def _keys(obj, allowed, path, what):
    if not isinstance(obj, dict):
        _refuse(ToolErrorCode.INVALID_CHART_SPEC, f"{_at(path)} must be an object ({what}).")
    unknown = sorted(set(obj) - allowed)
    if unknown:
        _refuse(
            ToolErrorCode.INVALID_CHART_SPEC,
            f"{_at(path)} has keys a chart may not use: {', '.join(map(str, unknown))[:200]}. Allowed {what}: "
            f"{', '.join(sorted(allowed))}.",
        )


def _mark(mark, path):
    kind = mark.get("type") if isinstance(mark, dict) else mark
    if kind not in MARKS:
        code = ToolErrorCode.CHART_EXTERNAL_CONTENT if kind == "image" else ToolErrorCode.INVALID_CHART_SPEC
        _refuse(code, f"{_at(path)}: the mark {str(kind)[:50]!r} is not allowed; marks: {', '.join(sorted(MARKS))}.")
    if isinstance(mark, dict):
        _keys(mark, MARK_KEYS, path, "mark properties")
        for key, value in mark.items():
            if key == "tooltip" and isinstance(value, dict):
                _keys(value, {"content"}, path + [key], "tooltip")
            elif key in ("point", "line") and isinstance(value, dict):
                _keys(value, MARK_KEYS - {"type", "point", "line"}, path + [key], "point/line properties")
                for inner, item in value.items():
                    _scalars(item, path + [key, inner], "a number, text or boolean")
            else:
                _scalars(value, path + [key], "a number, text or boolean")


def _plain_object(value, path, what):
    """axis, legend, scale, header, sort, bin, impute: objects of plain values, one level of
    objects inside (e.g. a scale's `domain` list, an axis' `grid`)."""
    if value is None or _scalar(value) or (isinstance(value, list) and all(_scalar(v) for v in value)):
        return
    if not isinstance(value, dict):
        _refuse(ToolErrorCode.INVALID_CHART_SPEC, f"{_at(path)} must be a plain value or an object ({what}).")
    for key, item in value.items():
        if isinstance(item, dict):
            for inner, leaf in item.items():
                _scalars(leaf, path + [key, inner], what)
        else:
            _scalars(item, path + [key], what)


def _field_def(definition, path):
    _keys(definition, FIELD_KEYS, path, "encoding properties")
    for key, value in definition.items():
        here = path + [key]
        if key == "type" and value not in TYPES:
            _refuse(ToolErrorCode.INVALID_CHART_SPEC, f"{_at(here)} must be one of {', '.join(sorted(TYPES))}.")
        elif key == "aggregate" and value not in AGGREGATES:
            _refuse(ToolErrorCode.INVALID_CHART_SPEC, f"{_at(here)}: unknown aggregate {str(value)[:50]!r}.")
        elif key in ("field", "format", "timeUnit") and not isinstance(value, str):
            _refuse(ToolErrorCode.INVALID_CHART_SPEC, f"{_at(here)} must be a string.")
        elif key in ("title", "value", "datum", "stack", "band", "bandPosition", "columns", "spacing"):
            _scalars(value, here, "a number, text, boolean or list of them")
        else:
            _plain_object(value, here, key)


def _encoding(encoding, path):
    _keys(encoding, CHANNELS, path, "channels")
    for channel, definition in encoding.items():
        here = path + [channel]
        if isinstance(definition, list) and channel in ("tooltip", "detail", "order"):
            for index, item in enumerate(definition):
                _field_def(item, here + [index])
        else:
            _field_def(definition, here)


def _transform(transforms, path):
    if not isinstance(transforms, list):
        _refuse(ToolErrorCode.INVALID_CHART_SPEC, f"{_at(path)} must be a list of transforms.")
    for index, step in enumerate(transforms):
        here = path + [index]
        if not isinstance(step, dict) or not step:
            _refuse(ToolErrorCode.INVALID_CHART_SPEC, f"{_at(here)} must be a transform object.")
        kinds = [key for key in step if key in TRANSFORMS]
        if len(kinds) != 1:
            _refuse(
                ToolErrorCode.INVALID_CHART_SPEC,
                f"{_at(here)} is not a transform this tool accepts: {', '.join(sorted(TRANSFORMS))}.",
            )
        if "filter" in step:
            predicate = step["filter"]
            if isinstance(predicate, str):
                _refuse(
                    ToolErrorCode.CHART_EXPRESSION,
                    f"{_at(here + ['filter'])} is an expression: filter in the SQL query, or use a field "
                    'predicate such as {"field": "year", "gte": 2023}.',
                )
            _keys(predicate, FILTER_PREDICATES, here + ["filter"], "filter predicates")
            for key, value in predicate.items():
                _scalars(value, here + ["filter", key], "a value or a list of values")
            continue
        for key, value in step.items():  # aggregate lists, window lists, groupby, as…: plain data
            if isinstance(value, list):
                for n, item in enumerate(value):
                    if isinstance(item, dict):
                        for inner, leaf in item.items():
                            _scalars(leaf, here + [key, n, inner], "plain values")
                    else:
                        _scalars(item, here + [key, n], "plain values")
            else:
                _plain_object(value, here + [key], key)


def _view(spec, path, allowed):
    _keys(spec, allowed, path, "keys")
    if "layer" in spec:
        if not isinstance(spec["layer"], list) or not spec["layer"]:
            _refuse(ToolErrorCode.INVALID_CHART_SPEC, f"{_at(path + ['layer'])} must be a non-empty list of views.")
        for index, layer in enumerate(spec["layer"]):
            _view(layer, path + ["layer", index], LAYER_KEYS)
    elif "mark" not in spec:
        _refuse(ToolErrorCode.INVALID_CHART_SPEC, f"{_at(path)} needs a `mark` (or a `layer` of views with marks).")
    if "mark" in spec:
        _mark(spec["mark"], path + ["mark"])
    if "encoding" in spec:
        _encoding(spec["encoding"], path + ["encoding"])
    if "transform" in spec:
        _transform(spec["transform"], path + ["transform"])
    if "projection" in spec:
        projection = spec["projection"]
        _plain_object(projection, path + ["projection"], "projection")
        if not isinstance(projection, dict) or projection.get("type", "mercator") not in PROJECTIONS:
            _refuse(
                ToolErrorCode.INVALID_CHART_SPEC,
                f"{_at(path + ['projection'])} must be an object whose type is one of {', '.join(sorted(PROJECTIONS))}.",
            )
    for key in ("title", "description", "width", "height", "background", "padding", "autosize", "$schema"):
        if key in spec:
            _plain_object(spec[key], path + [key], key)
    for key in ("config", "resolve", "view"):
        if key in spec:
            _nested_plain(spec[key], path + [key])


def _nested_plain(value, path):
    """config, resolve, view: objects of objects of plain values (no signals: refused by _walk)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _nested_plain(item, path + [key])
    else:
        _scalars(value, path, "plain values")


def check_spec(spec) -> dict:
    if not isinstance(spec, dict):
        _refuse(ToolErrorCode.INVALID_CHART_SPEC, "`spec` must be a Vega-Lite spec: a JSON object.")
    size = len(json.dumps(spec, ensure_ascii=False, default=str))
    if size > SPEC_MAX_CHARS:
        _refuse(
            ToolErrorCode.CHART_SPEC_TOO_LARGE,
            f"The spec is {size:,} characters of JSON; at most {SPEC_MAX_CHARS:,}. The data comes from the query, "
            "not the spec.",
        )
    _walk(spec, [], [0])
    data = spec.get("data")
    if data is not None and data != {"name": DATA_NAME}:
        _refuse(
            ToolErrorCode.CHART_EXTERNAL_CONTENT,
            "spec.data is refused: leave it out, the chart's data is the result of its query (the dataset "
            f'{{"name": "{DATA_NAME}"}}).',
        )
    _view(spec, [], TOP_KEYS)
    return spec
