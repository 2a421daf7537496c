import pytest


def test_get_shows_an_explorer_with_local_assets_only(client):
    response = client.get("/graphql/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "graphiql.min.js" in html
    assert "http://" not in html and "https://" not in html  # nothing from a CDN
    for asset in ("/static/explorer/graphiql/graphiql.min.js", "/static/explorer/react/umd/react.production.min.js"):
        assert asset in html


@pytest.mark.parametrize(
    "body,content_type,status",
    [
        ("{not json", "application/json", 400),
        ("[]", "application/json", 400),
        ('{"query": 3}', "application/json", 400),
        ('{"query": "{ ping }", "variables": [1]}', "application/json", 400),
        ("query={ping}", "application/x-www-form-urlencoded", 415),
        ("\xff\xfe", "application/json", 400),
    ],
)
def test_malformed_requests_get_a_json_error(client, body, content_type, status):
    response = client.post("/graphql/", body, content_type=content_type)
    assert response.status_code == status
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_syntax_errors_and_unknown_fields_are_graphql_errors(gql):
    assert gql("{ ping ")["errors"][0]["message"].startswith("Syntax Error")
    assert "Cannot query field" in gql("{ nope }")["errors"][0]["message"]
    assert gql("{ ping }") == {"data": {"ping": True}}


def test_other_methods_are_refused(client):
    assert client.put("/graphql/", "{}", content_type="application/json").status_code == 405
