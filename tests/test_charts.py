"""create_chart: the spec allow-list (hostile specs), the query run by the server, what the model sees."""

import json
import secrets
from types import SimpleNamespace

import pytest
from django.test import override_settings

from hexa.assistant.data_policy import for_model
from hexa.assistant.executors.chart_spec import SPEC_MAX_CHARS, check_spec
from hexa.assistant.executors.charts import UserChartTools
from hexa.assistant.errors import AssistantError
from hexa.assistant.tool_executors import run_tool
from hexa.assistant.tools import TOOLS
from hexa.databases import api as databases
from hexa.user_management.models import User
from hexa.workspaces.models import Workspace, WorkspaceMembership, WorkspaceMembershipRole

LINE = {"mark": "line", "encoding": {"x": {"field": "period", "type": "temporal"}, "y": {"field": "cases", "type": "quantitative"}}}


def refusal(spec) -> tuple[str, str]:
    with pytest.raises(AssistantError) as raised:
        check_spec(spec)
    return raised.value.code, raised.value.message


# -- the allow-list ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        LINE,
        {"mark": {"type": "bar", "tooltip": True}, "encoding": {"x": {"field": "district", "type": "nominal", "sort": "-y"},
                                                              "y": {"field": "cases", "type": "quantitative", "axis": {"format": ","}}}},
        {"mark": "rect", "encoding": {"x": {"field": "month", "type": "ordinal", "timeUnit": "month"}, "y": {"field": "district", "type": "nominal"},
                                      "color": {"field": "cases", "type": "quantitative", "scale": {"scheme": "reds"}}}},
        {"mark": "geoshape", "projection": {"type": "mercator"}, "encoding": {"shape": None} if False else
         {"color": {"field": "cases", "type": "quantitative"}, "tooltip": [{"field": "name", "type": "nominal"}]}},
        {"layer": [{"mark": "line", "encoding": LINE["encoding"]}, {"mark": {"type": "point", "filled": True}, "encoding": LINE["encoding"]}],
         "title": {"text": "Cases", "subtitle": "per month"}, "width": "container", "data": {"name": "table"}},
        {"mark": "bar", "transform": [{"filter": {"field": "year", "gte": 2023}}, {"aggregate": [{"op": "sum", "field": "cases", "as": "total"}], "groupby": ["district"]}],
         "encoding": {"x": {"field": "district", "type": "nominal"}, "y": {"field": "total", "type": "quantitative"}}},
    ],
)
def test_ordinary_specs_pass_unchanged(spec):
    assert check_spec(spec) is spec


@pytest.mark.parametrize(
    "spec, code, words",
    [
        ({**LINE, "data": {"url": "https://evil.example/data.csv"}}, "CHART_EXTERNAL_CONTENT", "spec.data.url"),
        ({**LINE, "data": {"values": [{"a": 1}]}}, "CHART_EXTERNAL_CONTENT", "spec.data"),
        ({**LINE, "data": {"name": "other"}}, "CHART_EXTERNAL_CONTENT", "spec.data"),
        ({"mark": "image", "encoding": {"url": {"field": "u", "type": "nominal"}}}, "CHART_EXTERNAL_CONTENT", "url"),
        ({"mark": "image"}, "CHART_EXTERNAL_CONTENT", "'image'"),
        ({**LINE, "encoding": {**LINE["encoding"], "href": {"field": "link", "type": "nominal"}}}, "CHART_EXTERNAL_CONTENT", "href"),
        ({**LINE, "usermeta": {"embedOptions": {"loader": {"baseURL": "https://evil"}}}}, "CHART_EXTERNAL_CONTENT", "usermeta"),
        ({"layer": [{**LINE, "data": {"url": "x.json"}}]}, "CHART_EXTERNAL_CONTENT", "spec.layer[0].data.url"),
        ({**LINE, "transform": [{"calculate": "alert(1)", "as": "x"}]}, "CHART_EXPRESSION", "calculate"),
        ({**LINE, "transform": [{"filter": "datum.x > 1"}]}, "CHART_EXPRESSION", "filter"),
        ({**LINE, "mark": {"type": "line", "color": {"expr": "constructor.constructor('x')()"}}}, "CHART_EXPRESSION", "expr"),
        ({**LINE, "params": [{"name": "p", "bind": {"input": "range"}}]}, "CHART_EXPRESSION", "params"),
        ({**LINE, "encoding": {"x": {"field": "a", "type": "nominal", "axis": {"labelExpr": "datum.label"}}}}, "CHART_EXPRESSION", "labelExpr"),
        ({**LINE, "encoding": {"color": {"condition": {"test": "datum.a", "value": "red"}, "value": "blue"}}}, "CHART_EXPRESSION", "test"),
        ({**LINE, "width": {"signal": "1e9"}}, "CHART_EXPRESSION", "signal"),
        ({**LINE, "title": "x" * 2_000}, "CHART_SPEC_TOO_LARGE", "1000 characters"),
        ({**LINE, "config": {"axis": {"labelColor": "#000" * 8_000}}}, "CHART_SPEC_TOO_LARGE", f"{SPEC_MAX_CHARS:,}"),
        ({"mark": "line", "config": json.loads('{"a":' * 20 + "1" + "}" * 20)}, "CHART_SPEC_TOO_LARGE", "deeper"),
        ({"mark": "bar", "encoding": {"x": {"field": "a", "scale": {"domain": [0] * 2_100}}}}, "CHART_SPEC_TOO_LARGE", "values"),
        ({"mark": "sankey"}, "INVALID_CHART_SPEC", "'sankey'"),
        ({"encoding": LINE["encoding"]}, "INVALID_CHART_SPEC", "needs a `mark`"),
        ({**LINE, "autosize": {"type": "fit"}, "vconcat": []}, "INVALID_CHART_SPEC", "vconcat"),
        ({**LINE, "encoding": {"x": {"field": "a", "type": "quantitative", "formatType": "custom"}}}, "CHART_EXPRESSION", "formatType"),
        ({**LINE, "encoding": {"x": {"field": "a", "type": "weird"}}}, "INVALID_CHART_SPEC", "type"),
        ({**LINE, "encoding": {"key": {"field": "a", "type": "nominal"}}}, "INVALID_CHART_SPEC", "key"),
        ({**LINE, "transform": [{"lookup": "a", "from": {"key": "b"}}]}, "INVALID_CHART_SPEC", "transform"),
        ({**LINE, "projection": {"type": "fancyGlobe"}}, "INVALID_CHART_SPEC", "projection"),
        ({**LINE, "mark": {"type": "line", "color": {"gradient": "linear", "stops": []}}}, "INVALID_CHART_SPEC", "plain value"),
        (["not", "an", "object"], "INVALID_CHART_SPEC", "JSON object"),
        # what froze vega for 5-12 s
        ({**LINE, "transform": [{"impute": "cases", "key": "period", "keyvals": {"start": 0, "stop": 1e9}}]},
         "CHART_TOO_COSTLY", "impute"),
        ({**LINE, "encoding": {**LINE["encoding"], "y": {"field": "cases", "type": "quantitative", "impute": {"value": 0}}}},
         "CHART_TOO_COSTLY", "impute"),
        ({**LINE, "transform": [{"density": "cases", "steps": 100000}]}, "CHART_TOO_COSTLY", "density"),
        ({**LINE, "transform": [{"quantile": "cases", "step": 0.00001}]}, "CHART_TOO_COSTLY", "quantile"),
        ({**LINE, "transform": [{"loess": "cases", "on": "period"}]}, "CHART_TOO_COSTLY", "loess"),
        ({**LINE, "width": 100000}, "CHART_TOO_COSTLY", "spec.width"),
        ({**LINE, "height": 30000}, "CHART_TOO_COSTLY", "spec.height"),
        ({**LINE, "width": {"step": 10000}}, "CHART_TOO_COSTLY", "step"),
        ({**LINE, "padding": {"left": 50000}}, "CHART_TOO_COSTLY", "padding"),
        ({**LINE, "config": {"view": {"continuousWidth": 50000}}}, "CHART_TOO_COSTLY", "continuousWidth"),
        ({"layer": [{**LINE, "width": 90000}]}, "CHART_TOO_COSTLY", "spec.layer[0].width"),
        ({**LINE, "encoding": {"x": {"field": "cases", "type": "quantitative", "bin": {"maxbins": 1000000}}}},
         "CHART_TOO_COSTLY", "maxbins"),
        ({**LINE, "encoding": {"x": {"field": "cases", "type": "quantitative", "bin": {"step": 0.000001}}}},
         "CHART_TOO_COSTLY", "maxbins"),
    ],
)
def test_hostile_specs_are_refused_naming_the_rule(spec, code, words):
    refused_code, message = refusal(spec)
    assert refused_code == code
    assert words in message


# -- the tool, on a real database ------------------------------------------------------------

SCHEMA = """
CREATE TABLE cases (district text, period date, cases numeric, geometry_geojson text);
INSERT INTO cases
SELECT 'D' || (i % 4), date '2024-01-01' + (i % 12) * interval '1 month', i * 1.5,
       '{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}'
FROM generate_series(1, 48) AS i;
CREATE TABLE points AS SELECT i AS x, (i * 7) % 1000 AS y FROM generate_series(1, 20000) AS i;
"""


@pytest.fixture(scope="module")
def shared(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        user = User.objects.create_user(f"charts-{secrets.token_hex(4)}@example.org", "pw", is_staff=True)
        outsider = User.objects.create_user(f"outsider-{secrets.token_hex(4)}@example.org", "pw")
        workspace = Workspace.objects.create_if_has_perm(user, name="Charts")
    connection = databases.connect(workspace, read_only=False)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA)
    connection.close()
    yield SimpleNamespace(user=user, outsider=outsider, workspace=workspace)
    with django_db_blocker.unblock():
        workspace.delete_if_has_perm(user)
        user.delete()
        outsider.delete()


@pytest.fixture
def charts(shared, db):
    return UserChartTools(shared.user, shared.workspace)


MONTHLY = "SELECT period, SUM(cases) AS cases FROM cases GROUP BY period ORDER BY period"


def test_a_chart_stores_its_spec_and_rows_and_the_model_gets_a_summary(charts, shared):
    output = run_tool(shared.user, shared.workspace, "create_chart", {"spec": LINE, "query": MONTHLY, "title": "Cases per month"})
    assert "error" not in output, output
    assert output["title"] == "Cases per month"
    assert output["row_count"] == 12 and output["truncated"] is False
    assert output["page"]["spec"]["data"] == {"name": "table"}
    assert output["page"]["columns"] == ["period", "cases"]
    assert output["page"]["rows"][0] == ["2024-01-01", 180.0]  # exact numerics become numbers for the chart
    assert output["ranges"]["cases"]["min"] == 114.0 and output["ranges"]["period"]["max"] == "2024-12-01"
    assert output["description"].startswith("Line chart of cases by period, 12 rows.")
    # the same caption as data, which the page writes in the reader's language
    assert output["page"]["caption"] == {
        "mark": "line", "y": "cases", "x": "period", "color": None, "rows": 12,
        "ranges": [
            {"name": "period", "min": "2024-01-01", "max": "2024-12-01", "temporal": True},
            {"name": "cases", "min": 114.0, "max": output["ranges"]["cases"]["max"], "temporal": False},
        ],
    }
    assert output["description"].endswith(f"period from 2024-01-01 to 2024-12-01; cases from 114 to {output['ranges']['cases']['max']:,.0f}.")
    assert len(output["sample"]) == 5
    tool_input = {"spec": LINE, "query": MONTHLY}
    sent = for_model(TOOLS["create_chart"], tool_input, output, send_rows=True)
    assert "page" not in sent and sent["row_count"] == 12  # the model sees the summary, not the points
    # a workspace that sends no row values: not even the ranges, samples or caption
    sent = for_model(TOOLS["create_chart"], tool_input, output, send_rows=False)
    assert set(sent) == {"title", "row_count", "truncated", "columns", "withheld"}
    assert "114" not in json.dumps(sent)


def test_geojson_columns_reach_the_chart_as_objects(charts):
    spec = {"mark": "geoshape", "projection": {"type": "identity"},
            "encoding": {"shape": {"field": "geometry_geojson", "type": "geojson"}, "color": {"field": "district", "type": "nominal"}}}
    output = charts.create_chart(spec, "SELECT DISTINCT ON (district) district, geometry_geojson FROM cases")
    assert "error" not in output, output
    assert output["page"]["rows"][0][1]["type"] == "Polygon"
    # seeded counterclockwise (GeoJSON's rule), turned clockwise for d3-geo
    assert output["page"]["rows"][0][1]["coordinates"] == [[[0, 0], [1, 1], [1, 0], [0, 0]]]
    # the page makes each row a Feature of this column: a projection fits GeoJSON data, not a field
    assert output["page"]["geometry"] == "geometry_geojson"
    assert "shape" not in output["page"]["spec"]["encoding"] and "color" in output["page"]["spec"]["encoding"]
    assert output["sample"][0][1] == "(GeoJSON)"
    assert output["description"].startswith("Map")


def test_points_are_capped_by_the_setting(charts):
    spec = {"mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}}}
    with override_settings(ASSISTANT_CHART_MAX_POINTS=10_000):
        output = charts.create_chart(spec, "SELECT x, y FROM points")
    assert output["row_count"] == 10_000 and output["truncated"] is True
    assert "aggregate in SQL" in output["note"]
    assert output["page"]["caption"]["charted_at_most"] == 10_000 and output["page"]["caption"]["rows"] == 10_000
    assert len(json.dumps(for_model(TOOLS["create_chart"], {}, output, send_rows=True))) < 3_000


@pytest.mark.parametrize(
    "tool_input, code",
    [
        ({"spec": LINE, "query": "DELETE FROM cases"}, "NOT_READ_ONLY"),
        ({"spec": LINE, "query": "EXPLAIN SELECT 1"}, "INVALID_SQL"),
        ({"spec": LINE, "query": "SELECT nope FROM cases"}, "QUERY_ERROR"),
        ({"spec": LINE, "query": "SELECT 1 AS other"}, "INVALID_CHART_SPEC"),
        ({"spec": {**LINE, "data": {"url": "http://x"}}, "query": MONTHLY}, "CHART_EXTERNAL_CONTENT"),
        ({"spec": LINE, "query": MONTHLY, "source": "elsewhere"}, "INVALID_INPUT"),
        ({"spec": "line", "query": MONTHLY}, "INVALID_INPUT"),
    ],
)
def test_bad_queries_and_specs_are_typed_errors(shared, db, tool_input, code):
    output = run_tool(shared.user, shared.workspace, "create_chart", tool_input)
    assert output["error"]["code"] == code, output


def test_a_facet_per_row_is_refused_on_the_rows(charts):
    facet = {"mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"},
                                           "y": {"field": "y", "type": "quantitative"},
                                           "row": {"field": "x", "type": "nominal"}}}
    refused = charts.create_chart(facet, "SELECT x, y FROM points WHERE x <= 500")["error"]
    assert refused["code"] == "CHART_TOO_COSTLY" and "500 subplots" in refused["message"]
    few = charts.create_chart({**facet, "encoding": {**facet["encoding"], "row": {"field": "g", "type": "nominal"}}},
                              "SELECT x, y, x % 3 AS g FROM points WHERE x <= 500")
    assert few["row_count"] == 500


def test_ordinary_sizes_and_bins_pass():
    for spec in (
        {**LINE, "width": 800, "height": 400, "padding": 10},
        {**LINE, "width": {"step": 20}, "config": {"view": {"continuousWidth": 600}}},
        {**LINE, "encoding": {"x": {"field": "cases", "type": "quantitative", "bin": {"maxbins": 40}}}},
    ):
        assert check_spec(spec) is spec


def test_only_members_may_chart(shared, db):
    output = run_tool(shared.outsider, shared.workspace, "create_chart", {"spec": LINE, "query": MONTHLY})
    assert output["error"]["code"] == "PERMISSION_DENIED"
    WorkspaceMembership.objects.create(workspace=shared.workspace, user=shared.outsider, role=WorkspaceMembershipRole.VIEWER)
    try:
        assert "error" not in run_tool(shared.outsider, shared.workspace, "create_chart", {"spec": LINE, "query": MONTHLY})
    finally:
        WorkspaceMembership.objects.filter(user=shared.outsider).delete()


def test_the_tool_is_declared_with_its_permission():
    assert TOOLS["create_chart"].permission == "databases.query_database"
    assert "Vega-Lite" in TOOLS["create_chart"].definition()["description"]


POINTS_MAP = {
    "projection": {"type": "identity"},
    "mark": "circle",
    "encoding": {"longitude": {"field": "x", "type": "quantitative"}, "latitude": {"field": "y", "type": "quantitative"}},
}


def test_a_map_of_points_gets_the_outlines_its_data_holds(charts, shared):
    output = charts.create_chart(
        POINTS_MAP, "SELECT x, y FROM points WHERE x <= 3", outlines="SELECT district, geometry_geojson FROM cases LIMIT 2"
    )
    assert "error" not in output, output
    # the first column of GeoJSON, as d3-geo draws it; the points' own data is unchanged
    assert output["outline_count"] == 2 and len(output["page"]["outlines"]) == 2
    assert output["page"]["outlines"][0] == {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 0]]]}
    assert output["page"]["columns"] == ["x", "y"] and "geometry" not in output["page"]
    # the model learns how many outlines were drawn, not their coordinates, whatever the data policy
    for send_rows in (True, False):
        sent = for_model(TOOLS["create_chart"], {}, output, send_rows=send_rows)
        assert sent["outline_count"] == 2 and "outlines" not in json.dumps(sent).replace("outline_count", "")


def test_outlines_only_where_the_data_has_boundaries(charts):
    # a query without geometry: the map is drawn, without outlines, and says so
    output = charts.create_chart(POINTS_MAP, "SELECT x, y FROM points WHERE x <= 3", outlines="SELECT district FROM cases")
    assert output["outline_count"] == 0 and "outlines" not in output["page"]
    assert "no GeoJSON geometry" in output["note"]
    assert output["page"]["caption"]["no_outlines"] is True  # the page says so too, in the reader's language


@pytest.mark.parametrize(
    "spec, outlines, code",
    [
        (LINE, "SELECT geometry_geojson FROM cases", "INVALID_INPUT"),  # not a map
        (POINTS_MAP, ["SELECT 1"], "INVALID_INPUT"),
        (POINTS_MAP, "DELETE FROM cases", "NOT_READ_ONLY"),  # as read-only as the chart's own query
        (POINTS_MAP, "SELECT nope FROM cases", "QUERY_ERROR"),
    ],
)
def test_bad_outlines_are_typed_errors(shared, db, spec, outlines, code):
    query = MONTHLY if spec is LINE else "SELECT x, y FROM points WHERE x <= 3"
    output = run_tool(shared.user, shared.workspace, "create_chart", {"spec": spec, "query": query, "outlines": outlines})
    assert output["error"]["code"] == code, output
