"""GraphQL errors with a stable `extensions.code`, for cases that are not business errors
(business errors are data: `{ success, errors: [ENUM] }`)."""

from graphql import GraphQLError


class Unauthenticated(GraphQLError):
    def __init__(self):
        super().__init__("You must be logged in.", extensions={"code": "UNAUTHENTICATED"})


class BadRequest(GraphQLError):
    def __init__(self, message):
        super().__init__(message, extensions={"code": "BAD_REQUEST"})
