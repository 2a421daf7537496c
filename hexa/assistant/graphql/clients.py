"""The current user's MCP clients: personal tokens created and revoked here, every client
listed with its last use; what a user may grant; usage per client for workspace admins."""

from ariadne import MutationType, ObjectType

from hexa.core.graphql_errors import payload
from hexa.workspaces.models import Workspace, membership_role

from ..mcp import PATH as MCP_PATH
from ..mcp.grants import create_personal_token, grantable_tools, revoke_client
from ..models import AssistantClient

client_mutations = MutationType()
me_object = ObjectType("Me")
client_object = ObjectType("AssistantClient")


@me_object.field("assistantClients")
def resolve_my_clients(me, _):
    user = me["request"].user
    if not user.is_authenticated:
        return []
    return list(AssistantClient.objects.filter(user=user).prefetch_related("workspaces"))


@me_object.field("assistantGrantable")
def resolve_grantable(me, _):
    user = me["request"].user
    if not user.is_authenticated:
        return []
    workspaces = Workspace.objects.filter(memberships__user=user).order_by("name")
    return [{"workspace": w, "tools": tools} for w in workspaces if (tools := grantable_tools(user, w))]


@me_object.field("assistantMcpUrl")
def resolve_mcp_url(me, _):
    return me["request"].build_absolute_uri(MCP_PATH)


@client_object.field("workspaces")
def resolve_client_workspaces(client, _):
    return [w for w in client.workspaces.all() if membership_role(w.pk, client.user) is not None]


@client_mutations.field("createAssistantClientToken")
def resolve_create_token(_, info, input):
    user = info.context["request"].user
    client, token, errors = create_personal_token(user, input["name"], input["workspace_slugs"], input["tools"])
    return payload(errors, token=token, client=client)


@client_mutations.field("revokeAssistantClientToken")
def resolve_revoke_token(_, info, id):
    user = info.context["request"].user
    errors = revoke_client(user, id)
    return payload(errors, client=AssistantClient.objects.filter(pk=id, user=user).first())


bindables = [client_mutations, me_object, client_object]
