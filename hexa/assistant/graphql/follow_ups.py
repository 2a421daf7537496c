"""A conversation's follow-up questions (those of its last answer), at the conversation's
level: the page reads them once, not on every message of a page of messages."""

from ariadne import ObjectType

from .. import follow_ups

conversation_object = ObjectType("AssistantConversation")


@conversation_object.field("followUps")
def resolve_follow_ups(conversation, _):
    return follow_ups.of_conversation(conversation)


bindables = [conversation_object]
