"""The `create_chart` tool."""

from ..data_policy import withheld
from ..executors.chart_spec import MARKS, SPEC_MAX_CHARS
from ..executors.charts import UserChartTools, max_points
from ..executors.sources import SOURCES
from .arguments import Arguments, Field, JsonObject
from .base import Tool


def _description() -> str:
    return (
        "Draw a chart or a map for the user from a read-only SQL query on the workspace database (or, with "
        '`source: "files"` and `files`, on bucket files as query_files reads them). Give a '
        "Vega-Lite v6 spec WITHOUT data (no `data`, no `url`: the server runs `query` itself and feeds its "
        "rows to the chart, so field names in the spec are the query's column names) and the query. "
        f"Marks: {', '.join(sorted(MARKS))}. Line/bar/area for trends and comparisons, point/circle for "
        "scatter plots, rect for heatmaps; a map of points uses `longitude`/`latitude` channels with a "
        "`projection` (e.g. mercator); a map of shapes uses the `geoshape` mark with a column of GeoJSON "
        "geometries encoded as {\"shape\": {\"field\": \"geometry\", \"type\": \"geojson\"}} (e.g. "
        "`districts.geometry_geojson`). No map tiles or images. Vega expressions are refused (`calculate`, "
        "filter strings, `expr`, `signal`, `labelExpr`, `params`): compute in SQL instead. "
        f"At most {max_points():,} rows are charted (aggregate in SQL: GROUP BY, date_trunc); the spec at most "
        f"{SPEC_MAX_CHARS:,} characters. You get back a summary (row count, columns, min/max, a few rows), not "
        "the points; the user sees the chart with a table view and downloads. Example: "
        '{"query": "SELECT period, SUM(confirmed_cases) AS cases FROM district_monthly_cases GROUP BY period '
        'ORDER BY period", "spec": {"mark": "line", "encoding": {"x": {"field": "period", "type": "temporal"}, '
        '"y": {"field": "cases", "type": "quantitative"}}}}.'
    )


class CreateChartArguments(Arguments):
    spec: JsonObject = Field(description="A Vega-Lite spec without data (the query's rows are its data).")
    query: str = Field(description="One SQL SELECT statement whose rows the chart draws.")
    # the executor checks the source, with its own message; Claude is told the choices
    source: str | None = Field(
        None, description="Where the query runs (default: database).", json_schema_extra={"enum": sorted(SOURCES)}
    )
    title: str | None = Field(None, description="The chart's title, shown above it.")
    files: JsonObject | None = Field(
        None,
        description='With source "files": the tables `query` reads, as query_files takes them '
        '({table name: path or glob}).',
    )
    outlines: str | None = Field(
        None,
        # kept short: every request carries the tools' definitions
        description="Boundaries drawn under a map: a SELECT of GeoJSON.",
    )
    dhis2: JsonObject | None = Field(
        None,
        description='With source "dhis2": a query_dhis2 input; `query` reads its answer as the table dhis2 '
        "(DuckDB's SQL).",
    )


def _without_values(tool_input, output) -> dict:
    """Under a workspace's data policy the model learns that the chart was drawn and its
    shape, not the values: its ranges, sample rows and caption are read off the rows."""
    if "error" in output:  # the generic rule: an error is its kind and place only
        return withheld(tool_input, output)
    kept = {key: output[key] for key in ("title", "row_count", "truncated", "columns", "note", "outline_count") if key in output}
    return {**kept, "withheld": "Values are not sent to you in this workspace; the user sees the chart and its data."}


TOOL = Tool(
    name="create_chart",
    description=_description,
    arguments=CreateChartArguments,
    executor=UserChartTools,
    for_model=_without_values,
)
