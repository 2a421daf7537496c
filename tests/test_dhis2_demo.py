"""The DHIS2 demo server (hexa.dhis2_demo) over HTTP: authentication, DHIS2's shapes for
metadata, analytics and data values, periods, hostile parameters, and agreement with the
demo database it is a snapshot of."""

import base64
import json
import subprocess
import sys
from datetime import date

import httpx
import pytest

from hexa.core.demo import DISTRICTS, _seed_database
from hexa.core.demo_connections import dhis2_snapshot
from hexa.databases import api as databases
from hexa.dhis2_demo import DEMO_PASSWORD, DEMO_TOKEN, DEMO_USERNAME, LABEL, DHIS2DemoServer, build
from hexa.dhis2_demo.instance import CONFIRMED, DATA_SET, DEATHS, POSITIVITY, ROOT, TESTED

AUTH = (DEMO_USERNAME, DEMO_PASSWORD)


@pytest.fixture(scope="module")
def snapshot(demo_database):
    return dhis2_snapshot(demo_database)


@pytest.fixture(scope="module")
def server(snapshot):
    with DHIS2DemoServer(build(snapshot)) as running:
        yield running


@pytest.fixture(scope="module")
def dhis2(server):
    with httpx.Client(base_url=server.url, auth=AUTH, timeout=10) as client:
        yield client


def get(dhis2, path, **params):
    response = dhis2.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def district(dhis2, name):
    found = get(dhis2, "/api/organisationUnits", filter=f"name:eq:{name}", fields="id,name,level")["organisationUnits"]
    assert len(found) == 1 and found[0]["level"] == 2
    return found[0]["id"]


def assert_dhis2_error(response, status):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["httpStatusCode"] == status and body["status"] == "ERROR"
    assert isinstance(body["httpStatus"], str) and body["message"]
    return body


class TestAuthentication:
    def test_no_credentials_wrong_password_and_garbage_are_refused(self, server):
        assert_dhis2_error(httpx.get(f"{server.url}/api/system/info"), 401)
        assert_dhis2_error(httpx.get(f"{server.url}/api/me", auth=(DEMO_USERNAME, "wrong")), 401)
        for header in ("Basic %%%not-base64", "ApiToken d2pat_wrong", "Bearer " + DEMO_TOKEN, "Basic " + base64.b64encode(b"\xff\xfe").decode()):
            assert_dhis2_error(httpx.get(f"{server.url}/api/me", headers={"Authorization": header}), 401)

    def test_basic_auth_and_personal_access_token(self, server):
        assert httpx.get(f"{server.url}/api/me", auth=AUTH).json()["username"] == DEMO_USERNAME
        token = httpx.get(f"{server.url}/api/me", headers={"Authorization": f"ApiToken {DEMO_TOKEN}"})
        assert token.status_code == 200 and token.json()["organisationUnits"] == [{"id": ROOT}]

    def test_it_says_it_is_a_demo(self, dhis2):
        info = get(dhis2, "/api/system/info")
        assert info["systemName"] == LABEL == "DHIS2 demo server — not a real instance"
        assert info["version"].startswith("2.") and info["serverDate"].startswith("2025-01-15")

    def test_only_reads(self, dhis2):
        assert_dhis2_error(dhis2.post("/api/dataValueSets", json={"dataValues": []}), 405)


class TestMetadata:
    def test_organisation_units_are_the_country_its_districts_and_facilities_paged(self, dhis2, server):
        first = get(dhis2, "/api/organisationUnits")
        assert first["pager"] == {
            "page": 1, "pageCount": 5, "total": 1 + 16 + 192, "pageSize": 50,
            "nextPage": f"{server.url}/api/organisationUnits?page=2&pageSize=50",
        }
        assert set(first["organisationUnits"][0]) == {"id", "displayName"}  # DHIS2's default fields
        last = get(dhis2, "/api/organisationUnits", page=5)
        assert len(last["organisationUnits"]) == 9 and "nextPage" not in last["pager"]
        everything = get(dhis2, "/api/organisationUnits", paging="false", fields="id")
        assert "pager" not in everything and len(everything["organisationUnits"]) == 209

    def test_filter_by_level_gives_the_demo_districts(self, dhis2):
        districts = get(dhis2, "/api/organisationUnits", filter="level:eq:2", fields="id,name,level,parent[id]", paging="false")
        assert sorted(d["name"] for d in districts["organisationUnits"]) == sorted(name for name, _, _ in DISTRICTS)
        assert {d["parent"]["id"] for d in districts["organisationUnits"]} == {ROOT}
        by_level = get(dhis2, "/api/organisationUnits", level="3", paging="false", fields="name")["organisationUnits"]
        assert len(by_level) == 192 and by_level[0]["name"].startswith("Bo ")

    def test_filters_combine_and_order(self, dhis2):
        found = get(
            dhis2, "/api/organisationUnits.json", filter=["level:eq:2", "name:ilike:western"], fields="name", order="name:desc"
        )["organisationUnits"]
        assert found == [{"name": "Western Area Urban"}, {"name": "Western Area Rural"}]
        either = get(dhis2, "/api/organisationUnits", filter=["name:eq:Bo", "name:eq:Kono"], rootJunction="OR", fields="name")
        assert sorted(u["name"] for u in either["organisationUnits"]) == ["Bo", "Kono"]

    def test_levels_elements_indicators_and_data_sets(self, dhis2):
        levels = get(dhis2, "/api/organisationUnitLevels", fields="name,level")["organisationUnitLevels"]
        assert [(lv["level"], lv["name"]) for lv in levels] == [(1, "National"), (2, "District"), (3, "Facility")]
        elements = get(dhis2, "/api/dataElements", fields="id,name,valueType,aggregationType")["dataElements"]
        assert {e["id"] for e in elements} == {TESTED, CONFIRMED, DEATHS}
        indicator = get(dhis2, f"/api/indicators/{POSITIVITY}", fields="name,numerator,denominator,indicatorType[factor]")
        assert indicator["numerator"] == f"#{{{CONFIRMED}}}" and indicator["indicatorType"] == {"factor": 100}
        data_set = get(dhis2, f"/api/40/dataSets/{DATA_SET}")
        assert data_set["periodType"] == "Monthly" and len(data_set["organisationUnits"]) == 192
        assert_dhis2_error(dhis2.get("/api/dataElements/doesNotExist"), 404)


class TestAnalytics:
    def test_shape_of_an_answer(self, dhis2):
        answer = get(dhis2, "/api/analytics", dimension=[f"dx:{CONFIRMED};{TESTED}", "pe:202410", "ou:LEVEL-2"])
        assert [h["name"] for h in answer["headers"]] == ["dx", "pe", "ou", "value"]
        assert answer["headers"][3] == {"name": "value", "column": "Value", "valueType": "NUMBER", "type": "java.lang.Double", "hidden": False, "meta": False}
        assert answer["height"] == len(answer["rows"]) == 2 * 16 and answer["width"] == 4
        dimensions = answer["metaData"]["dimensions"]
        assert dimensions["dx"] == [CONFIRMED, TESTED] and dimensions["pe"] == ["202410"] and len(dimensions["ou"]) == 16
        assert answer["metaData"]["items"]["202410"] == {"name": "October 2024"}
        assert all(isinstance(row[3], str) and row[3].isdigit() for row in answer["rows"])

    def test_agrees_with_the_demo_database_for_a_month_and_a_district(self, dhis2, demo_database):
        bo = district(dhis2, "Bo")
        answer = get(dhis2, "/api/analytics", dimension=[f"dx:{CONFIRMED};{TESTED};{POSITIVITY}", f"ou:{bo}"], filter="pe:202410")
        values = {row[0]: row[2] for row in answer["rows"]}
        assert [h["name"] for h in answer["headers"]] == ["dx", "ou", "value"]
        connection = databases.connect(demo_database)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT tested, confirmed_cases FROM district_monthly_cases WHERE district = 'Bo' AND period = '2024-10-01'"
                )
                tested, confirmed = cursor.fetchone()
        finally:
            connection.close()
        assert (int(values[TESTED]), int(values[CONFIRMED])) == (tested, confirmed)
        assert float(values[POSITIVITY]) == round(100 * confirmed / tested, 1)

    def test_relative_periods_count_from_the_servers_date(self, dhis2):
        answer = get(dhis2, "/api/analytics", dimension=[f"dx:{CONFIRMED}", "pe:LAST_12_MONTHS"], filter=f"ou:{ROOT}")
        assert answer["metaData"]["dimensions"]["pe"] == [f"2024{m:02d}" for m in range(1, 13)]
        assert len(answer["rows"]) == 12
        last_month = get(dhis2, "/api/analytics", dimension=[f"dx:{CONFIRMED}", "pe:LAST_MONTH"])
        assert [row[1] for row in last_month["rows"]] == ["202412"]
        this_year = get(dhis2, "/api/analytics", dimension=f"dx:{CONFIRMED}", filter="pe:THIS_YEAR")
        assert this_year["rows"] == []  # 2025: no data yet, as DHIS2 answers an empty period

    def test_a_year_and_a_quarter_are_the_sums_of_their_months(self, dhis2):
        def total(period):
            rows = get(dhis2, "/api/analytics", dimension=f"dx:{DEATHS}", filter=[f"pe:{period}", f"ou:{ROOT}"])["rows"]
            return int(rows[0][1])

        months = sum(total(f"2024{m:02d}") for m in range(1, 13))
        assert total("2024") == months
        assert total("2024Q4") == total("202410") + total("202411") + total("202412")
        several = get(dhis2, "/api/analytics", dimension=[f"dx:{DEATHS}", "pe:202401;2024Q1;LAST_YEAR"])["rows"]
        assert {row[1] for row in several} == {"202401", "2024Q1", "2024"}

    def test_skip_meta_and_versioned_path(self, dhis2):
        answer = get(dhis2, "/api/40/analytics.json", dimension=[f"dx:{TESTED}", "pe:2024"], skipMeta="true")
        assert "metaData" not in answer and len(answer["rows"]) == 1


class TestDataValueSets:
    def test_a_districts_facilities_for_a_month(self, dhis2, snapshot):
        bo = district(dhis2, "Bo")
        values = get(dhis2, "/api/dataValueSets", dataSet=DATA_SET, period="202410", orgUnit=bo, children="true")["dataValues"]
        assert len(values) == 12 * 3
        assert set(values[0]) >= {"dataElement", "period", "orgUnit", "categoryOptionCombo", "attributeOptionCombo", "value"}
        tested = sum(int(v["value"]) for v in values if v["dataElement"] == TESTED)
        expected = sum(row[2] for row in snapshot["values"] if row[1] == "202410" and row[0] <= 12)  # Bo: facilities 1-12
        assert tested == expected

    def test_without_children_a_district_has_no_values_of_its_own(self, dhis2):
        bo = district(dhis2, "Bo")
        assert get(dhis2, "/api/dataValueSets", dataElement=TESTED, period="202410", orgUnit=bo)["dataValues"] == []

    def test_start_and_end_dates(self, dhis2):
        bo = district(dhis2, "Bo")
        values = get(dhis2, "/api/dataValueSets", dataElement=DEATHS, startDate="2024-01-01", endDate="2024-03-31", orgUnit=bo, children="true")
        assert {v["period"] for v in values["dataValues"]} == {"202401", "202402", "202403"}


class TestHostileParameters:
    @pytest.mark.parametrize(
        "path, params, status",
        [
            ("/api/organisationUnits", {"pageSize": "0"}, 409),
            ("/api/organisationUnits", {"pageSize": "100000"}, 409),
            ("/api/organisationUnits", {"page": "-1"}, 409),
            ("/api/organisationUnits", {"page": "9" * 40}, 409),
            ("/api/organisationUnits", {"filter": "level"}, 400),
            ("/api/organisationUnits", {"filter": "level:explode:2"}, 400),
            ("/api/organisationUnits", {"filter": ["level:eq:2"] * 21}, 409),
            ("/api/organisationUnits", {"fields": "parent[id"}, 400),
            ("/api/organisationUnits", {"fields": "id]"}, 400),
            ("/api/organisationUnits", {"order": "name;drop:sideways"}, 400),
            ("/api/organisationUnits", {"level": "abc"}, 409),
            ("/api/analytics", {}, 409),
            ("/api/analytics", {"dimension": "pe:202410"}, 409),
            ("/api/analytics", {"dimension": f"dx:{TESTED}"}, 409),
            ("/api/analytics", {"dimension": ["xx:1", "pe:2024"]}, 409),
            ("/api/analytics", {"dimension": ["dx:nope", "pe:2024"]}, 409),
            ("/api/analytics", {"dimension": [f"dx:{TESTED}", "pe:2024W1"]}, 409),
            ("/api/analytics", {"dimension": [f"dx:{TESTED}", "pe:"]}, 409),
            ("/api/analytics", {"dimension": [f"dx:{TESTED}", "pe:2024", "ou:nope"]}, 409),
            ("/api/analytics", {"dimension": [f"dx:{TESTED}", "pe:2024", "pe:2023"]}, 409),
            ("/api/analytics", {"dimension": [f"dx:{TESTED}", "pe:" + ";".join(["2024"] * 501)]}, 409),
            ("/api/analytics", {"dimension": [f"dx:{TESTED};{CONFIRMED};{DEATHS};{POSITIVITY}", "pe:" + ";".join(f"{y}{m:02d}" for y in range(2010, 2027) for m in range(1, 13)), "ou:LEVEL-3"]}, 409),
            ("/api/analytics", {"dimension": "pe:2024", "filter": f"dx:{TESTED};{CONFIRMED}"}, 409),
            ("/api/dataValueSets", {}, 409),
            ("/api/dataValueSets", {"dataSet": DATA_SET, "period": "202410"}, 409),
            ("/api/dataValueSets", {"dataSet": "nope", "period": "202410", "orgUnit": ROOT}, 409),
            ("/api/dataValueSets", {"dataSet": DATA_SET, "startDate": "yesterday", "endDate": "x", "orgUnit": ROOT}, 409),
            ("/api/dataValueSets", {"dataSet": DATA_SET, "period": "202410", "orgUnit": "nope"}, 409),
            ("/api/users", {}, 404),
            ("/api/../../etc/passwd", {}, 404),
            ("/api/organisationUnits/a/b", {}, 404),
            ("/elsewhere", {}, 404),
        ],
    )
    def test_bad_requests_get_dhis2_error_bodies(self, dhis2, path, params, status):
        assert_dhis2_error(dhis2.get(path, params=params), status)

    def test_too_many_query_parameters_and_broken_encoding(self, dhis2):
        query = "&".join(f"p{n}=1" for n in range(300))
        assert_dhis2_error(dhis2.get(f"/api/organisationUnits?{query}"), 400)
        garbled = dhis2.get("/api/organisationUnits?filter=name:eq:%ff%fe&fields=%c3%28")
        assert garbled.status_code == 200 and garbled.json()["organisationUnits"] == []


def test_command_line_server_with_a_snapshot(tmp_path, snapshot):
    """`python -m hexa.dhis2_demo` (what `make run` starts), on a free port, without Django."""
    data = tmp_path / "dhis2_demo.json"
    data.write_text(json.dumps(snapshot))
    process = subprocess.Popen(
        [sys.executable, "-m", "hexa.dhis2_demo", "--port", "0", "--data", str(data), "--today", "2024-11-20"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith(LABEL)
        url = line.split()[-1]
        answer = httpx.get(f"{url}/api/analytics", params={"dimension": [f"dx:{TESTED}", "pe:LAST_MONTH"]}, auth=AUTH)
        assert [row[1] for row in answer.json()["rows"]] == ["202410"]
        assert httpx.get(f"{url}/api/system/info", auth=AUTH).json()["serverDate"].startswith(str(date(2024, 11, 20)))
    finally:
        process.terminate()
        process.wait(timeout=5)


class TestDemoSeed:
    def test_seed_writes_the_snapshot_and_a_connection_that_works(self, roles, settings, tmp_path):
        from hexa.core.demo_connections import seed_connections
        from hexa.dhis2_demo import load
        from hexa.workspaces.models import Connection

        settings.DHIS2_URL, settings.DHIS2_DEMO_DATA = "", tmp_path / "dhis2_demo.json"
        workspace = roles["workspace"]
        _seed_database(workspace)
        seed_connections(workspace, roles["admin"])
        seed_connections(workspace, roles["admin"])  # again: nothing more
        connection = Connection.objects.get(workspace=workspace)
        fields = {f.code: (f.value, f.secret) for f in connection.fields.all()}
        assert (connection.slug, connection.connection_type) == ("dhis2-demo", "DHIS2")
        assert fields == {
            "url": (f"http://127.0.0.1:{settings.DHIS2_DEMO_PORT}", False),
            "username": (DEMO_USERNAME, False),
            "password": (DEMO_PASSWORD, True),
        }
        with DHIS2DemoServer(load(settings.DHIS2_DEMO_DATA)) as server:
            me = httpx.get(f"{server.url}/api/me", auth=(fields["username"][0], fields["password"][0]))
            assert me.status_code == 200
            units = httpx.get(f"{server.url}/api/organisationUnits", params={"level": "3", "paging": "false"}, auth=AUTH)
            assert len(units.json()["organisationUnits"]) == 192

    def test_with_a_real_dhis2_url_the_connection_points_there_and_no_snapshot_is_written(self, roles, settings, tmp_path):
        from hexa.core.demo_connections import seed_connections
        from hexa.workspaces.models import Connection

        settings.DHIS2_URL, settings.DHIS2_USERNAME, settings.DHIS2_PASSWORD = "https://dhis2.example.org", "me", "s3cret"
        settings.DHIS2_DEMO_DATA = tmp_path / "dhis2_demo.json"
        seed_connections(roles["workspace"], roles["admin"])
        fields = {f.code: f.value for f in Connection.objects.get(workspace=roles["workspace"]).fields.all()}
        assert fields == {"url": "https://dhis2.example.org", "username": "me", "password": "s3cret"}
        assert not settings.DHIS2_DEMO_DATA.exists()


def test_the_sdk_reaches_the_demo_server_through_the_seeded_connection(gql, roles, settings, tmp_path):
    """The SDK's client fetches `dhis2-demo` from our GraphQL API as an editor, builds its own
    DHIS2Connection from the fields (as get_connection does), and its credentials open the server."""
    from openhexa.graphql.graphql_client import Client
    from openhexa.sdk.workspaces.connection import ConnectionClasses

    from hexa.core.demo_connections import seed_connections
    from hexa.dhis2_demo import load

    from .test_connections import _DjangoTransport

    settings.DHIS2_URL, settings.DHIS2_DEMO_DATA = "", tmp_path / "dhis2_demo.json"
    _seed_database(roles["workspace"])
    seed_connections(roles["workspace"], roles["admin"])
    gql.login(roles["editor"])
    sdk = Client(url="http://testserver/graphql/", http_client=httpx.Client(transport=_DjangoTransport(gql.client)))
    found = sdk.get_connection(workspace_slug=roles["workspace"].slug, connection_slug="dhis2-demo")
    connection = ConnectionClasses[found.type.value](identifier="dhis2-demo", **{f.code: f.value for f in found.fields})
    assert DEMO_PASSWORD not in repr(connection)
    with DHIS2DemoServer(load(settings.DHIS2_DEMO_DATA)) as server:  # on a free port, not the one `make run` uses
        assert connection.url == f"http://127.0.0.1:{settings.DHIS2_DEMO_PORT}"
        info = httpx.get(f"{server.url}/api/system/info", auth=(connection.username, connection.password))
        assert info.status_code == 200 and info.json()["systemName"] == LABEL
