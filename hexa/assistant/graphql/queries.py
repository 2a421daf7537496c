from ariadne import QueryType

from ..service import get_conversation

assistant_queries = QueryType()


@assistant_queries.field("assistantConversation")
def resolve_conversation(_, info, id):
    return get_conversation(info.context["request"].user, id)


bindables = [assistant_queries]
