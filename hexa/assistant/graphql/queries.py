from ariadne import QueryType

from ..sharing import viewable_conversation

assistant_queries = QueryType()


@assistant_queries.field("assistantConversation")
def resolve_conversation(_, info, id):
    return viewable_conversation(info.context["request"].user, id)


bindables = [assistant_queries]
