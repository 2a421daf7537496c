"""Workspace connections over GraphQL (upstream OpenHEXA's names), their permissions, their
secrets at rest, and the openhexa-sdk's own query answered through its own client."""

import logging
import uuid

import httpx
import pytest
from django.db import connection as db

from hexa.core.encryption import decrypt
from hexa.workspaces.models import Connection, ConnectionField, ConnectionType

FIELDS = "fields { code value secret }"
CREATE = (
    "mutation($input: CreateConnectionInput!) { createConnection(input: $input) "
    f"{{ success errors connection {{ id slug name type __typename {FIELDS} permissions {{ update delete }} }} }} }}"
)
UPDATE = (
    "mutation($input: UpdateConnectionInput!) { updateConnection(input: $input) "
    f"{{ success errors connection {{ slug name description {FIELDS} }} }} }}"
)
DELETE = "mutation($input: DeleteConnectionInput!) { deleteConnection(input: $input) { success errors } }"
LIST = f"query($slug: String!) {{ workspace(slug: $slug) {{ connections {{ id slug name type {FIELDS} }} }} }}"
BY_SLUG = (
    "query($w: String!, $c: String!) { connectionBySlug(workspaceSlug: $w, connectionSlug: $c) "
    f"{{ id slug type __typename {FIELDS} permissions {{ update delete }} }} }}"
)
PASSWORD = "district-pa55word-do-not-leak"
DHIS2_FIELDS = [
    {"code": "url", "value": "https://play.dhis2.org", "secret": False},
    {"code": "username", "value": "admin", "secret": False},
    {"code": "password", "value": PASSWORD, "secret": True},
]


def create(gql, workspace, **overrides):
    payload = {"workspaceSlug": workspace.slug, "name": "National DHIS2", "type": "DHIS2", "fields": DHIS2_FIELDS}
    return gql(CREATE, {"input": {**payload, **overrides}})["data"]["createConnection"]


@pytest.fixture
def dhis2(roles):
    """A DHIS2 connection made by the workspace's editor through the model."""
    return Connection.objects.create_if_has_perm(
        roles["editor"], roles["workspace"], name="National DHIS2", connection_type=ConnectionType.DHIS2,
        fields=DHIS2_FIELDS,
    )


class TestCrud:
    def test_editor_creates_a_dhis2_connection_and_reads_its_secret(self, gql, roles):
        gql.login(roles["editor"])
        result = create(gql, roles["workspace"])
        assert result["success"] is True and result["errors"] == []
        created = result["connection"]
        assert (created["slug"], created["type"], created["__typename"]) == ("national-dhis2", "DHIS2", "DHIS2Connection")
        assert created["fields"] == DHIS2_FIELDS
        assert created["permissions"] == {"update": True, "delete": True}

    def test_slug_from_the_name_is_made_unique_and_a_given_taken_slug_is_refused(self, gql, roles):
        gql.login(roles["admin"])
        first, second = create(gql, roles["workspace"]), create(gql, roles["workspace"])
        assert first["connection"]["slug"] == "national-dhis2"
        assert second["connection"]["slug"].startswith("national-dhis2-") and second["success"]
        taken = create(gql, roles["workspace"], slug="national-dhis2")
        assert taken == {"success": False, "errors": ["INVALID_SLUG"], "connection": None}
        assert create(gql, roles["workspace"], slug="Not a slug!")["errors"] == ["INVALID_SLUG"]

    def test_every_type_answers_with_its_own_graphql_type(self, gql, roles):
        gql.login(roles["admin"])
        names = {"DHIS2": "DHIS2Connection", "IASO": "IASOConnection", "POSTGRESQL": "PostgreSQLConnection",
                 "S3": "S3Connection", "GCS": "GCSConnection", "CUSTOM": "CustomConnection"}
        for kind, typename in names.items():
            made = create(gql, roles["workspace"], name=f"A {kind}", type=kind, fields=[])
            assert (made["connection"]["type"], made["connection"]["__typename"]) == (kind, typename)

    def test_workspace_lists_its_connections(self, gql, roles, dhis2):
        gql.login(roles["admin"])
        listed = gql(LIST, {"slug": roles["workspace"].slug})["data"]["workspace"]["connections"]
        assert [(c["id"], c["slug"], c["type"]) for c in listed] == [(str(dhis2.id), "national-dhis2", "DHIS2")]
        assert listed[0]["fields"] == DHIS2_FIELDS

    def test_update_keeps_a_secret_left_null_and_removes_fields_not_given(self, gql, roles, dhis2):
        gql.login(roles["editor"])
        fields = [
            {"code": "url", "value": "https://dhis2.example.org", "secret": False},
            {"code": "password", "value": None, "secret": True},
        ]
        result = gql(UPDATE, {"input": {"id": str(dhis2.id), "name": "Renamed", "description": "HMIS", "fields": fields}})
        updated = result["data"]["updateConnection"]
        assert updated["success"] is True
        assert (updated["connection"]["name"], updated["connection"]["description"]) == ("Renamed", "HMIS")
        assert updated["connection"]["slug"] == "national-dhis2"  # not given: kept
        assert updated["connection"]["fields"] == [
            {"code": "url", "value": "https://dhis2.example.org", "secret": False},
            {"code": "password", "value": PASSWORD, "secret": True},
        ]
        assert not ConnectionField.objects.filter(connection=dhis2, code="username").exists()

    def test_delete(self, gql, roles, dhis2):
        gql.login(roles["editor"])
        assert gql(DELETE, {"input": {"id": str(dhis2.id)}})["data"]["deleteConnection"] == {"success": True, "errors": []}
        assert not Connection.objects.filter(pk=dhis2.pk).exists()
        assert not ConnectionField.objects.filter(connection_id=dhis2.pk).exists()


class TestPermissions:
    def test_viewer_sees_the_connection_but_no_secret_value(self, gql, roles, dhis2):
        gql.login(roles["viewer"])
        found = gql(BY_SLUG, {"w": roles["workspace"].slug, "c": "national-dhis2"})["data"]["connectionBySlug"]
        assert found["fields"] == [
            {"code": "url", "value": "https://play.dhis2.org", "secret": False},
            {"code": "username", "value": "admin", "secret": False},
            {"code": "password", "value": None, "secret": True},
        ]
        assert found["permissions"] == {"update": False, "delete": False}
        listed = gql(LIST, {"slug": roles["workspace"].slug})["data"]["workspace"]["connections"]
        assert PASSWORD not in str(listed)

    def test_viewer_cannot_create_update_or_delete(self, gql, roles, dhis2):
        gql.login(roles["viewer"])
        assert create(gql, roles["workspace"]) == {"success": False, "errors": ["PERMISSION_DENIED"], "connection": None}
        updated = gql(UPDATE, {"input": {"id": str(dhis2.id), "name": "Mine now"}})["data"]["updateConnection"]
        assert updated == {"success": False, "errors": ["PERMISSION_DENIED"], "connection": None}
        deleted = gql(DELETE, {"input": {"id": str(dhis2.id)}})["data"]["deleteConnection"]
        assert deleted == {"success": False, "errors": ["PERMISSION_DENIED"]}
        dhis2.refresh_from_db()
        assert dhis2.name == "National DHIS2"
        permissions = gql(
            "query($s: String!) { workspace(slug: $s) { permissions { createConnection } } }", {"s": roles["workspace"].slug}
        )
        assert permissions["data"]["workspace"]["permissions"] == {"createConnection": False}

    def test_outsider_finds_nothing(self, gql, roles, dhis2):
        gql.login(roles["outsider"])
        assert gql(BY_SLUG, {"w": roles["workspace"].slug, "c": "national-dhis2"})["data"]["connectionBySlug"] is None
        one = gql("query($id: UUID!) { connection(id: $id) { id } }", {"id": str(dhis2.id)})
        assert one["data"]["connection"] is None
        assert create(gql, roles["workspace"])["errors"] == ["WORKSPACE_NOT_FOUND"]
        assert gql(UPDATE, {"input": {"id": str(dhis2.id), "name": "x"}})["data"]["updateConnection"]["errors"] == ["NOT_FOUND"]
        assert gql(DELETE, {"input": {"id": str(dhis2.id)}})["data"]["deleteConnection"]["errors"] == ["NOT_FOUND"]

    def test_anonymous_is_unauthenticated(self, gql, roles, dhis2):
        result = gql(BY_SLUG, {"w": roles["workspace"].slug, "c": "national-dhis2"})
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    def test_has_perm_answers_by_role(self, roles, dhis2):
        for role, allowed in (("admin", True), ("editor", True), ("viewer", False), ("outsider", False)):
            user = roles[role]
            assert user.has_perm("workspaces.create_connection", roles["workspace"]) is allowed
            assert user.has_perm("workspaces.update_connection", dhis2) is allowed
            assert user.has_perm("workspaces.delete_connection", dhis2) is allowed
            assert user.has_perm("workspaces.view_connection_secrets", dhis2) is allowed
        assert list(Connection.objects.filter_for_user(roles["viewer"])) == [dhis2]
        assert not Connection.objects.filter_for_user(roles["outsider"]).exists()


class TestSecretsAtRest:
    def test_values_are_stored_encrypted(self, roles, dhis2):
        with db.cursor() as cursor:
            cursor.execute(f"SELECT code, value FROM {ConnectionField._meta.db_table} WHERE connection_id = %s", [dhis2.pk])
            stored = dict(cursor.fetchall())
        assert PASSWORD not in stored["password"] and "play.dhis2.org" not in stored["url"]
        assert decrypt(stored["password"]) == PASSWORD
        assert ConnectionField.objects.get(connection=dhis2, code="password").value == PASSWORD

    def test_a_field_never_shows_its_value_in_its_repr(self, roles, dhis2):
        field = ConnectionField.objects.get(connection=dhis2, code="password")
        assert PASSWORD not in repr(field) and PASSWORD not in str(field)

    def test_nothing_logged_holds_the_secret(self, gql, roles, caplog):
        caplog.set_level(logging.DEBUG)
        gql.login(roles["editor"])
        assert create(gql, roles["workspace"], slug="Not a slug!")["success"] is False
        created = create(gql, roles["workspace"])
        gql(BY_SLUG, {"w": roles["workspace"].slug, "c": created["connection"]["slug"]})
        assert PASSWORD not in caplog.text


    def test_a_refused_document_is_logged_without_the_values_it_held(self, gql, roles, caplog):
        caplog.set_level(logging.DEBUG)
        gql.login(roles["editor"])
        fields = [{"code": "password", "value": PASSWORD, "secret": True}]
        missing_name = gql(CREATE, {"input": {"workspaceSlug": roles["workspace"].slug, "type": "DHIS2", "fields": fields}})
        assert missing_name["errors"] and missing_name.get("data") is None
        inline = f'mutation {{ createConnection(input: {{workspaceSlug: "x", name: "n", type: DHIS2, fields: [{{code: "p", value: {PASSWORD[:8]!r}, secret: 1}}]}}) {{ success }} }}'
        gql(inline.replace("'", '"'))
        enum = gql(CREATE, {"input": {"workspaceSlug": "x", "name": "n", "type": PASSWORD}})
        assert enum["errors"]
        assert "GraphQL document refused" in caplog.text
        assert PASSWORD not in caplog.text and PASSWORD[:8] not in caplog.text


class TestErrorsAsData:
    @pytest.mark.parametrize(
        "fields",
        [
            [{"code": "not a code", "value": "x", "secret": False}],
            [{"code": "url", "value": "a", "secret": False}, {"code": "url", "value": "b", "secret": False}],
            [{"code": "password", "value": "x" * 10_001, "secret": True}],
            [{"code": f"f{n}", "value": "x", "secret": False} for n in range(51)],
            [{"code": "c" * 31, "value": "x", "secret": False}],
        ],
        ids=["bad-code", "duplicate-code", "value-too-long", "too-many-fields", "code-too-long"],
    )
    def test_bad_fields_are_refused_and_nothing_is_stored(self, gql, roles, fields):
        gql.login(roles["editor"])
        result = create(gql, roles["workspace"], fields=fields)
        assert result == {"success": False, "errors": ["INVALID_FIELDS"], "connection": None}
        assert not Connection.objects.exists()

    def test_too_long_name_and_empty_name(self, gql, roles):
        gql.login(roles["editor"])
        assert create(gql, roles["workspace"], name="n" * 256)["errors"] == ["INVALID_FIELDS"]
        assert create(gql, roles["workspace"], name="", slug="empty")["errors"] == ["INVALID_FIELDS"]

    def test_update_to_a_taken_slug_or_with_bad_fields_changes_nothing(self, gql, roles, dhis2):
        Connection.objects.create_if_has_perm(roles["admin"], roles["workspace"], name="Other", connection_type="CUSTOM")
        gql.login(roles["editor"])
        taken = gql(UPDATE, {"input": {"id": str(dhis2.id), "slug": "other"}})["data"]["updateConnection"]
        assert taken["errors"] == ["INVALID_SLUG"]
        bad = gql(UPDATE, {"input": {"id": str(dhis2.id), "name": "Renamed", "fields": [{"code": "a b", "secret": True}]}})
        assert bad["data"]["updateConnection"]["errors"] == ["INVALID_FIELDS"]
        dhis2.refresh_from_db()
        assert (dhis2.slug, dhis2.name, dhis2.fields.count()) == ("national-dhis2", "National DHIS2", 3)

    def test_text_postgresql_cannot_store_is_a_typed_error_and_nothing_is_stored(self, gql, roles):
        gql.login(roles["editor"])
        assert create(gql, roles["workspace"], name="a\x00b")["errors"] == ["INVALID_FIELDS"]
        assert create(gql, roles["workspace"], description="\ud800")["errors"] == ["INVALID_FIELDS"]
        bad_value = [{"code": "password", "value": "pa\x00ss", "secret": True}]
        assert create(gql, roles["workspace"], fields=bad_value)["errors"] == ["INVALID_FIELDS"]
        assert create(gql, roles["workspace"], slug="a\x00")["errors"] == ["INVALID_SLUG"]
        assert create(gql, roles["workspace"], workspaceSlug="x\x00")["errors"] == ["WORKSPACE_NOT_FOUND"]
        assert gql(BY_SLUG, {"w": "x\x00", "c": "\ud800"}) == {"data": {"connectionBySlug": None}}
        assert not Connection.objects.exists()

    def test_malformed_and_unknown_ids_are_not_found(self, gql, roles):
        gql.login(roles["admin"])
        for bad in ("not-a-uuid", str(uuid.uuid4()), "'; DROP TABLE x; --"):
            assert gql(DELETE, {"input": {"id": bad}})["data"]["deleteConnection"]["errors"] == ["NOT_FOUND"]
            assert gql(UPDATE, {"input": {"id": bad, "name": "x"}})["data"]["updateConnection"]["errors"] == ["NOT_FOUND"]

    def test_unknown_type_is_a_graphql_validation_error(self, gql, roles):
        gql.login(roles["admin"])
        result = gql(CREATE, {"input": {"workspaceSlug": roles["workspace"].slug, "name": "x", "type": "FTP"}})
        assert "errors" in result and result.get("data") is None
        assert not Connection.objects.exists()


class _DjangoTransport(httpx.BaseTransport):
    """Hands the SDK's HTTP requests to Django's test client (the logged-in session), so that
    the SDK's own client sends its own document and parses our answer with its own models."""

    def __init__(self, client):
        self.client = client

    def handle_request(self, request):
        response = self.client.generic(
            request.method, request.url.raw_path.decode(), request.read(), content_type=request.headers["content-type"]
        )
        return httpx.Response(response.status_code, headers=dict(response.items()), content=response.content)


class TestOpenHexaSdk:
    def test_the_sdks_get_connection_is_answered(self, gql, roles, dhis2):
        from openhexa.graphql.graphql_client import Client

        gql.login(roles["editor"])
        sdk = Client(url="http://testserver/graphql/", http_client=httpx.Client(transport=_DjangoTransport(gql.client)))
        found = sdk.get_connection(workspace_slug=roles["workspace"].slug, connection_slug="national-dhis2")
        assert found.typename__ == "DHIS2Connection" and found.type.value == "DHIS2"
        assert {f.code: f.value for f in found.fields} == {
            "url": "https://play.dhis2.org", "username": "admin", "password": PASSWORD,
        }
        assert sdk.get_connection(workspace_slug=roles["workspace"].slug, connection_slug="unknown") is None

    def test_the_sdks_connection_documents_validate_against_our_schema(self):
        """Every connection operation the SDK ships (its queries.graphql) is valid here."""
        from pathlib import Path

        import openhexa.graphql
        from graphql import DocumentNode, OperationDefinitionNode, parse, validate

        from config.schema import schema

        document = parse((Path(openhexa.graphql.__file__).parent / "queries.graphql").read_text())
        wanted = {"getConnection", "CreateConnection", "UpdateConnection", "DeleteConnection"}
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode) and d.name.value in wanted]
        assert {o.name.value for o in operations} == wanted
        for operation in operations:
            assert validate(schema, DocumentNode(definitions=(operation,))) == [], operation.name.value
