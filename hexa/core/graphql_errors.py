"""GraphQL errors with a stable `extensions.code`, for cases that are not business errors
(business errors are data: `{ success, errors: [ENUM] }`)."""

from graphql import GraphQLError


class Unauthenticated(GraphQLError):
    def __init__(self):
        super().__init__("You must be logged in.", extensions={"code": "UNAUTHENTICATED"})


class BadRequest(GraphQLError):
    def __init__(self, message):
        super().__init__(message, extensions={"code": "BAD_REQUEST"})


def payload(errors=(), **fields) -> dict:
    """A mutation's answer, errors as data: `success` is true exactly when there is no error
    code, and the other fields (the object changed, or None) ride beside them."""
    return {"success": not errors, "errors": list(errors), **fields}
