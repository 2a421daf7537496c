import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from hexa.workspaces.models import Workspace, WorkspaceMembership

WORKSPACE = "query($slug: String!) { workspace(slug: $slug) { slug name myRole permissions { update manageMembers } } }"


class TestFilterForUser:
    def test_member_sees_only_their_workspaces(self, roles, make_workspace):
        other = make_workspace(roles["outsider"], name="Elsewhere")
        for role in ("admin", "editor", "viewer"):
            assert list(Workspace.objects.filter_for_user(roles[role])) == [roles["workspace"]]
        assert list(Workspace.objects.filter_for_user(roles["outsider"])) == [other]

    def test_non_member_sees_nothing(self, roles, make_user):
        assert not Workspace.objects.filter_for_user(make_user()).exists()

    def test_anonymous_sees_nothing(self, roles):
        assert not Workspace.objects.filter_for_user(AnonymousUser()).exists()

    def test_superuser_sees_everything(self, roles, make_workspace, make_user):
        make_workspace(roles["outsider"], name="Elsewhere")
        assert Workspace.objects.filter_for_user(make_user(is_superuser=True)).count() == 2

    def test_memberships_follow_workspace_visibility(self, roles):
        assert WorkspaceMembership.objects.filter_for_user(roles["viewer"]).count() == 3
        assert WorkspaceMembership.objects.filter_for_user(roles["outsider"]).count() == 0


class TestWorkspaceQueries:
    def test_member_gets_workspace_with_role_and_permissions(self, gql, roles):
        gql.login(roles["viewer"])
        result = gql(WORKSPACE, {"slug": roles["workspace"].slug})
        assert result["data"]["workspace"] == {
            "slug": roles["workspace"].slug,
            "name": "Malaria",
            "myRole": "VIEWER",
            "permissions": {"update": False, "manageMembers": False},
        }

    def test_unknown_slug_and_other_users_workspace_are_both_null(self, gql, roles):
        gql.login(roles["outsider"])
        assert gql(WORKSPACE, {"slug": "does-not-exist"}) == {"data": {"workspace": None}}
        assert gql(WORKSPACE, {"slug": roles["workspace"].slug}) == {"data": {"workspace": None}}

    def test_anonymous_gets_unauthenticated(self, gql, roles):
        result = gql(WORKSPACE, {"slug": roles["workspace"].slug})
        assert result["data"] == {"workspace": None}
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        result = gql("{ workspaces { totalItems } }")
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    def test_workspaces_are_paginated(self, gql, make_user, make_workspace):
        user = make_user()
        for name in ("Charlie", "Alpha", "Bravo"):
            make_workspace(user, name=name)
        gql.login(user)
        query = "query($p: Int, $n: Int) { workspaces(page: $p, perPage: $n) { pageNumber totalPages totalItems items { name } } }"
        result = gql(query, {"p": 2, "n": 2})["data"]["workspaces"]
        assert result == {"pageNumber": 2, "totalPages": 2, "totalItems": 3, "items": [{"name": "Charlie"}]}

    @pytest.mark.parametrize("page,per_page", [(0, 10), (-1, 10), (1, 0), (1, 10_000)])
    def test_bad_pagination_is_a_typed_error(self, gql, roles, page, per_page):
        gql.login(roles["admin"])
        result = gql("query($p: Int, $n: Int) { workspaces(page: $p, perPage: $n) { totalItems } }", {"p": page, "n": per_page})
        assert result["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_database_passwords_are_encrypted_at_rest(roles):
    workspace = Workspace.objects.get(pk=roles["workspace"].pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT db_password, db_ro_password FROM workspaces_workspace WHERE id = %s", [workspace.id])
        stored_password, stored_ro_password = cursor.fetchone()
    assert len(workspace.db_password) >= 20 and len(workspace.db_ro_password) >= 20
    assert workspace.db_password not in stored_password
    assert workspace.db_ro_password not in stored_ro_password
    assert stored_password.startswith("gAAAA")  # a Fernet token


def test_workspace_creation_needs_permission(make_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        Workspace.objects.create_if_has_perm(make_user(), name="Not allowed")
    assert not Workspace.objects.exists()
