"""The permissions behind the assistant's tools: files.read_files, files.write_files and
databases.query_database, asked directly and through user.has_perm (the permissions backend)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from hexa.assistant.executors.charts import UserChartTools
from hexa.assistant.executors.database import UserDatabaseTools
from hexa.assistant.executors.files import UserFileSystemTools
from hexa.databases import permissions as database_permissions
from hexa.datasets import permissions as dataset_permissions
from hexa.files import permissions as file_permissions
from hexa.workspaces import permissions as workspace_permissions
from hexa.assistant.executors.pipelines import UserPipelineTools
from hexa.pipelines import permissions as pipeline_permissions
from hexa.workspaces.models import WorkspaceMembership, WorkspaceMembershipRole

# permission: the roles that have it
EXPECTED = {
    "files.read_files": {"admin", "editor", "viewer"},
    "files.write_files": {"admin", "editor"},
    "databases.query_database": {"admin", "editor", "viewer"},
    "workspaces.use_connections": {"admin", "editor", "viewer"},
    "datasets.read_datasets": {"admin", "editor", "viewer"},
    "pipelines.view_workspace_pipelines": {"admin", "editor", "viewer"},
    "pipelines.run_workspace_pipelines": {"admin", "editor"},
}
CHECKS = {
    "files.read_files": file_permissions.read_files,
    "files.write_files": file_permissions.write_files,
    "databases.query_database": database_permissions.query_database,
    "workspaces.use_connections": workspace_permissions.use_connections,
    "datasets.read_datasets": dataset_permissions.read_datasets,
    "pipelines.view_workspace_pipelines": pipeline_permissions.view_workspace_pipelines,
    "pipelines.run_workspace_pipelines": pipeline_permissions.run_workspace_pipelines,
}


@pytest.mark.parametrize("permission", EXPECTED)
@pytest.mark.parametrize("who", ["admin", "editor", "viewer", "outsider"])
def test_member_roles_and_outsiders(roles, permission, who, django_assert_num_queries):
    user, workspace = roles[who], roles["workspace"]
    expected = who in EXPECTED[permission]
    with django_assert_num_queries(1):  # the membership, read once
        assert CHECKS[permission](user, workspace) is expected
    assert user.has_perm(permission, workspace) is expected


@pytest.mark.parametrize("permission", EXPECTED)
def test_inactive_users_are_refused(roles, permission, django_assert_num_queries):
    admin, workspace = roles["admin"], roles["workspace"]
    admin.is_active = False
    with django_assert_num_queries(0):  # refused without reading the membership
        assert not CHECKS[permission](admin, workspace)
    assert admin.has_perm(permission, workspace) is False


@pytest.mark.parametrize("permission", EXPECTED)
def test_anonymous_users_are_refused(roles, permission):
    assert not CHECKS[permission](AnonymousUser(), roles["workspace"])
    assert AnonymousUser().has_perm(permission, roles["workspace"]) is False


def test_a_membership_counts_only_in_its_workspace(roles, make_workspace):
    other = make_workspace(roles["outsider"], name="Elsewhere")
    for permission, check in CHECKS.items():
        assert check(roles["admin"], roles["workspace"]) and not check(roles["admin"], other), permission
        assert check(roles["outsider"], other) and not check(roles["outsider"], roles["workspace"]), permission


def test_a_role_change_is_seen_at_once(roles):
    editor, workspace = roles["editor"], roles["workspace"]
    assert file_permissions.write_files(editor, workspace)
    WorkspaceMembership.objects.filter(user=editor, workspace=workspace).update(role=WorkspaceMembershipRole.VIEWER)
    assert not file_permissions.write_files(editor, workspace) and file_permissions.read_files(editor, workspace)


def test_each_tool_declares_the_permission_it_needs():
    assert {
        name: getattr(tools, name).permission
        for tools, names in (
            (UserFileSystemTools, ("list_files", "read_file", "search_files", "preview_write", "write_file")),
            (UserDatabaseTools, ("query_database", "describe_tables")),
            (UserChartTools, ("create_chart",)),
            (UserPipelineTools, ("list_pipelines", "get_pipeline_run", "preview_run", "run_pipeline", "preview_stop", "stop_pipeline_run")),
        )
        for name in names
    } == {
        "list_files": "files.read_files",
        "read_file": "files.read_files",
        "search_files": "files.read_files",
        "preview_write": "files.write_files",
        "write_file": "files.write_files",
        "query_database": "databases.query_database",
        "describe_tables": "databases.query_database",
        "create_chart": "databases.query_database",
        "list_pipelines": "pipelines.view_workspace_pipelines",
        "get_pipeline_run": "pipelines.view_workspace_pipelines",
        "preview_run": "pipelines.run_workspace_pipelines",
        "run_pipeline": "pipelines.run_workspace_pipelines",
        "preview_stop": "pipelines.run_workspace_pipelines",
        "stop_pipeline_run": "pipelines.run_workspace_pipelines",
    }


def test_the_write_refusal_names_the_role(roles):
    for who, phrase in (("viewer", "The user is a viewer of this workspace"), ("outsider", "The user is not a member")):
        result = UserFileSystemTools(roles[who], roles["workspace"]).write_file("notes/a.md", "x")
        assert result["error"]["code"] == "PERMISSION_DENIED" and phrase in result["error"]["message"]
    inactive = roles["admin"]
    inactive.is_active = False
    for result in (
        UserFileSystemTools(inactive, roles["workspace"]).write_file("notes/a.md", "x"),
        UserFileSystemTools(inactive, roles["workspace"]).read_file("notes/a.md"),
        UserDatabaseTools(inactive, roles["workspace"]).query_database("SELECT 1"),
    ):
        assert result["error"]["code"] == "PERMISSION_DENIED" and "not" in result["error"]["message"]


def test_superusers_have_every_permission_but_the_tools_act_for_members(roles, make_user):
    """Django grants an active superuser every permission; the tools still refuse one who is not
    a member of the workspace (as tests/test_tool_executors_database.py expects)."""
    superuser, workspace = make_user(is_superuser=True), roles["workspace"]
    assert all(superuser.has_perm(permission, workspace) for permission in EXPECTED)
    assert UserFileSystemTools(superuser, workspace).list_files()["error"]["code"] == "PERMISSION_DENIED"
    assert UserDatabaseTools(superuser, workspace).query_database("SELECT 1")["error"]["code"] == "PERMISSION_DENIED"
    chart = UserChartTools(superuser, workspace).create_chart({"mark": "bar"}, "SELECT 1")
    assert chart["error"]["code"] == "PERMISSION_DENIED"
