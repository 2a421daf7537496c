"""The offline stand-in's charts: "plot …", "chart …", "map …" become a create_chart call
over the demo tables (hexa/core/demo.py), and its result a sentence.

    pick_chart(text, available) -> ("create_chart", input) or None
    summarise_chart(data) -> Markdown
"""

from __future__ import annotations

import re

_ASKS = re.compile(r"\b(plot|chart|graph|map|visuali[sz]e|heat ?map|draw)\b", re.IGNORECASE)


def _has(text: str, *words: str) -> bool:
    return any(re.search(rf"\b{word}", text, re.IGNORECASE) for word in words)


def _x_period(title="Month"):
    return {"field": "period", "type": "temporal", "title": title}


FACILITY_MAP = (
    "Health facilities",
    "SELECT name, facility_type, latitude, longitude FROM health_facilities WHERE latitude IS NOT NULL",
    {
        "projection": {"type": "mercator"},
        "mark": {"type": "circle", "size": 40, "opacity": 0.8},
        "encoding": {
            "longitude": {"field": "longitude", "type": "quantitative"},
            "latitude": {"field": "latitude", "type": "quantitative"},
            "color": {"field": "facility_type", "type": "nominal", "title": "Type"},
            "tooltip": [{"field": "name", "type": "nominal"}, {"field": "facility_type", "type": "nominal"}],
        },
    },
    # the seeded districts' boundaries, drawn under the points
    "SELECT geometry_geojson FROM districts",
)
DISTRICT_MAP = (
    "Confirmed malaria cases per district, 2022–2024",
    "SELECT d.name AS district, d.geometry_geojson AS geometry, SUM(c.confirmed_cases) AS cases "
    "FROM districts d JOIN district_monthly_cases c ON c.district = d.name GROUP BY d.name, d.geometry_geojson",
    {
        "projection": {"type": "mercator"},
        "mark": {"type": "geoshape", "stroke": "white", "strokeWidth": 1},
        "encoding": {
            "shape": {"field": "geometry", "type": "geojson"},
            "color": {"field": "cases", "type": "quantitative", "title": "Cases", "scale": {"scheme": "reds"}},
            "tooltip": [{"field": "district", "type": "nominal"}, {"field": "cases", "type": "quantitative", "format": ","}],
        },
    },
)
HEATMAP = (
    "Confirmed cases per district and month",
    "SELECT district, period, confirmed_cases FROM district_monthly_cases ORDER BY district, period",
    {
        "mark": "rect",
        "encoding": {
            "x": {"field": "period", "type": "ordinal", "timeUnit": "yearmonth", "title": "Month"},
            "y": {"field": "district", "type": "nominal", "title": "District"},
            "color": {"field": "confirmed_cases", "type": "quantitative", "title": "Cases", "scale": {"scheme": "reds"}},
        },
    },
)
SCATTER = (  # every monthly report: more rows than a chart takes, so it shows the cap
    "Tested and confirmed, per facility report",
    "SELECT tested, confirmed_cases, age_group FROM malaria_cases ORDER BY id",
    {
        "mark": {"type": "point", "filled": True, "opacity": 0.4, "size": 12},
        "encoding": {
            "x": {"field": "tested", "type": "quantitative", "title": "Tested"},
            "y": {"field": "confirmed_cases", "type": "quantitative", "title": "Confirmed cases"},
            "color": {"field": "age_group", "type": "nominal", "title": "Age group"},
        },
    },
)
DISTRICT_TRENDS = (
    "Confirmed malaria cases per district and month",
    "SELECT district, period, confirmed_cases FROM district_monthly_cases ORDER BY period, district",
    {
        "mark": "line",
        "encoding": {
            "x": _x_period(),
            "y": {"field": "confirmed_cases", "type": "quantitative", "title": "Confirmed cases"},
            "color": {"field": "district", "type": "nominal", "title": "District"},
        },
    },
)
DISTRICT_BARS = (
    "Confirmed malaria cases per district, 2022–2024",
    "SELECT district, SUM(confirmed_cases) AS cases FROM district_monthly_cases GROUP BY district ORDER BY cases DESC",
    {
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "district", "type": "nominal", "sort": "-y", "title": "District"},
            "y": {"field": "cases", "type": "quantitative", "title": "Confirmed cases", "axis": {"format": ","}},
        },
    },
)
MONTHLY = (
    "Confirmed malaria cases per month",
    "SELECT period, SUM(confirmed_cases) AS cases, SUM(tested) AS tested FROM district_monthly_cases "
    "GROUP BY period ORDER BY period",
    {
        "mark": {"type": "area", "line": True, "opacity": 0.3},
        "encoding": {"x": _x_period(), "y": {"field": "cases", "type": "quantitative", "title": "Confirmed cases"}},
    },
)


def _choice(text: str):
    if _has(text, "map"):
        return FACILITY_MAP if _has(text, "facilit", "clinic", "hospital", "point") else DISTRICT_MAP
    if _has(text, "heat"):
        return HEATMAP
    if _has(text, "scatter", "tested against", "versus", "vs"):
        return SCATTER
    over_time = _has(text, "trend", "over time", "month", "year", "per period", "line")
    if _has(text, "district"):
        return DISTRICT_TRENDS if over_time else DISTRICT_BARS
    return MONTHLY


def pick_chart(text: str, available) -> tuple[str, dict] | None:
    if "create_chart" not in available or not _ASKS.search(text):
        return None
    title, query, spec, *outlines = _choice(text)
    return "create_chart", {"title": title, "query": query, "spec": spec, **({"outlines": outlines[0]} if outlines else {})}


def summarise_chart(data: dict) -> str:
    text = f"Here is the chart **{data.get('title', 'Chart')}**: {data.get('description', '')}"
    if data.get("note"):
        text += f"\n\n{data['note']}"
    return text
