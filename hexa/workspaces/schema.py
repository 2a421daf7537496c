from ariadne import ObjectType, QueryType

from hexa.core.pagination import result_page

from .models import Workspace, WorkspaceMembership

workspace_queries = QueryType()
workspace_object = ObjectType("Workspace")


@workspace_queries.field("workspace")
def resolve_workspace(_, info, slug):
    user = info.context["request"].user
    return Workspace.objects.filter_for_user(user).filter(slug=slug).first()


@workspace_queries.field("workspaces")
def resolve_workspaces(_, info, page=None, per_page=None):
    user = info.context["request"].user
    return result_page(Workspace.objects.filter_for_user(user).order_by("name"), page, per_page)


@workspace_object.field("myRole")
def resolve_my_role(workspace, info):
    return workspace.role_of(info.context["request"].user)


@workspace_object.field("bucket")
def resolve_bucket(workspace, _):
    return {"name": workspace.bucket_name}


@workspace_object.field("database")
def resolve_database(workspace, _):
    return {"name": workspace.db_name}


@workspace_object.field("members")
def resolve_members(workspace, info, page=None, per_page=None):
    memberships = WorkspaceMembership.objects.filter(workspace=workspace).select_related("user")
    return result_page(memberships.order_by("user__email"), page, per_page)


@workspace_object.field("permissions")
def resolve_permissions(workspace, info):
    user = info.context["request"].user
    return {
        "update": user.has_perm("workspaces.update_workspace", workspace),
        "manage_members": user.has_perm("workspaces.manage_members", workspace),
        "delete": user.has_perm("workspaces.delete_workspace", workspace),
        "create_connection": user.has_perm("workspaces.create_connection", workspace),
        "workspace": workspace,  # for the fields other apps add (e.g. createDataset)
    }


bindables = [workspace_queries, workspace_object]
