import pytest

from hexa.user_management.backends import PermissionsBackend

ME = "{ me { user { id email displayName } } }"


def test_login_then_me_returns_the_user(gql, make_user):
    user = make_user("ada@example.org", first_name="Ada", last_name="Lovelace")
    assert gql(ME) == {"data": {"me": {"user": None}}}
    gql.login(user)
    assert gql(ME)["data"]["me"]["user"] == {"id": str(user.id), "email": "ada@example.org", "displayName": "Ada Lovelace"}


def test_login_is_case_insensitive_on_email(gql, make_user):
    make_user("grace@example.org")
    result = gql(
        'mutation { login(input: {email: "  Grace@Example.org ", password: "correct horse battery"}) { success errors } }'
    )
    assert result["data"]["login"] == {"success": True, "errors": []}


@pytest.mark.parametrize(
    "email,password",
    [("ada@example.org", "wrong"), ("nobody@example.org", "correct horse battery"), ("", ""), ("ada@example.org", "")],
)
def test_bad_credentials_are_a_typed_error(gql, make_user, email, password):
    make_user("ada@example.org")
    result = gql(
        "mutation($input: LoginInput!) { login(input: $input) { success errors me { user { email } } } }",
        {"input": {"email": email, "password": password}},
    )
    assert result["data"]["login"] == {"success": False, "errors": ["INVALID_CREDENTIALS"], "me": None}
    assert gql(ME)["data"]["me"]["user"] is None


def test_inactive_user_cannot_log_in(gql, make_user):
    make_user("gone@example.org", is_active=False)
    result = gql('mutation { login(input: {email: "gone@example.org", password: "correct horse battery"}) { success errors } }')
    assert result["data"]["login"]["errors"] == ["INVALID_CREDENTIALS"]


def test_logout_ends_the_session(gql, make_user):
    user = make_user()
    gql.login(user)
    assert gql("mutation { logout { success } }")["data"]["logout"]["success"] is True
    assert gql(ME)["data"]["me"]["user"] is None


def test_missing_login_arguments_are_a_validation_error_not_a_500(gql):
    result = gql("mutation { login(input: {email: 3}) { success } }")
    assert "data" not in result  # validation failed: nothing was executed
    # graphql-core 3.2 lists the missing password first, 3.3 the wrong email type
    assert any("String cannot represent a non string value" in e["message"] for e in result["errors"])


class TestPermissionsBackend:
    def test_calls_the_function_in_the_app_permissions_module(self, roles):
        workspace = roles["workspace"]
        assert roles["admin"].has_perm("workspaces.manage_members", workspace)
        assert not roles["editor"].has_perm("workspaces.manage_members", workspace)
        assert roles["editor"].has_perm("workspaces.update_workspace", workspace)
        assert not roles["viewer"].has_perm("workspaces.update_workspace", workspace)
        assert roles["viewer"].has_perm("workspaces.view_workspace", workspace)
        assert not roles["outsider"].has_perm("workspaces.view_workspace", workspace)

    def test_permission_without_object(self, make_user):
        assert make_user(is_staff=True).has_perm("workspaces.create_workspace")
        assert not make_user().has_perm("workspaces.create_workspace")

    def test_superuser_has_every_permission(self, roles, make_user):
        superuser = make_user(is_superuser=True)
        assert superuser.has_perm("workspaces.manage_members", roles["workspace"])

    def test_inactive_user_has_none(self, roles):
        admin = roles["admin"]
        admin.is_active = False
        assert not admin.has_perm("workspaces.manage_members", roles["workspace"])

    @pytest.mark.parametrize("perm", ["workspaces.no_such_rule", "nosuchapp.anything", "noseparator", "os.system"])
    def test_unknown_permission_is_denied(self, make_user, perm):
        user = make_user()
        assert PermissionsBackend().has_perm(user, perm) is False


UPDATE_USER = """
mutation($input: UpdateUserInput!) { updateUser(input: $input) { success errors user { id language } } }
"""


class TestUpdateUserLanguage:
    def test_a_new_user_speaks_english(self, gql, make_user):
        gql.login(make_user())
        assert gql("{ me { user { language } } }")["data"]["me"]["user"] == {"language": "en"}

    def test_the_user_changes_their_own_language(self, gql, make_user):
        user = make_user()
        other = make_user("other@example.org")
        gql.login(user)
        result = gql(UPDATE_USER, {"input": {"language": "fr"}})["data"]["updateUser"]
        assert result == {"success": True, "errors": [], "user": {"id": str(user.id), "language": "fr"}}
        user.refresh_from_db()
        other.refresh_from_db()
        assert (user.language, other.language) == ("fr", "en")
        assert gql("{ me { user { language } } }")["data"]["me"]["user"] == {"language": "fr"}

    @pytest.mark.parametrize("language", ["de", "", "FR", "fr ", "f\x00", "x" * 10_000, "\ud800"])
    def test_a_language_the_page_does_not_speak_is_a_typed_error(self, gql, make_user, language):
        user = make_user()
        gql.login(user)
        result = gql(UPDATE_USER, {"input": {"language": language}})["data"]["updateUser"]
        assert result == {"success": False, "errors": ["INVALID_LANGUAGE"], "user": {"id": str(user.id), "language": "en"}}
        user.refresh_from_db()
        assert user.language == "en"

    def test_leaving_the_language_out_keeps_it(self, gql, make_user):
        user = make_user(language="fr")
        gql.login(user)
        result = gql(UPDATE_USER, {"input": {}})["data"]["updateUser"]
        assert result == {"success": True, "errors": [], "user": {"id": str(user.id), "language": "fr"}}

    def test_nobody_logged_in_is_denied(self, gql, make_user):
        user = make_user()
        result = gql(UPDATE_USER, {"input": {"language": "fr"}})["data"]["updateUser"]
        assert result == {"success": False, "errors": ["PERMISSION_DENIED"], "user": None}
        user.refresh_from_db()
        assert user.language == "en"

    def test_a_language_that_is_not_a_string_is_a_validation_error(self, gql, make_user):
        gql.login(make_user())
        result = gql("mutation { updateUser(input: {language: 3}) { success } }")
        assert "data" not in result
        assert "String cannot represent a non string value" in result["errors"][0]["message"]
