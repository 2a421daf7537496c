import uuid
from datetime import datetime

from ariadne import QueryType, ScalarType, SchemaDirectiveVisitor
from django.utils.dateparse import parse_datetime
from graphql import GraphQLError, default_field_resolver

from .graphql_errors import Unauthenticated

core_query = QueryType()


@core_query.field("ping")
def resolve_ping(*_):
    return True


uuid_scalar = ScalarType("UUID")


@uuid_scalar.serializer
def serialize_uuid(value):
    return str(value)


@uuid_scalar.value_parser
def parse_uuid(value):
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise GraphQLError(f"Not a valid UUID: {str(value)[:64]!r}")


datetime_scalar = ScalarType("DateTime")


@datetime_scalar.serializer
def serialize_datetime(value: datetime):
    return value.isoformat()


@datetime_scalar.value_parser
def parse_datetime_value(value):
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None or parsed.tzinfo is None:
        raise GraphQLError(f"Not an ISO-8601 date-time with a time zone: {str(value)[:64]!r}")
    return parsed


json_scalar = ScalarType("JSON")


class LoginRequiredDirective(SchemaDirectiveVisitor):
    def visit_field_definition(self, field, object_type):
        resolve = field.resolve or default_field_resolver

        def resolve_if_logged_in(obj, info, **kwargs):
            if not info.context["request"].user.is_authenticated:
                raise Unauthenticated()
            return resolve(obj, info, **kwargs)

        field.resolve = resolve_if_logged_in
        return field

    def visit_object(self, object_):
        for field in object_.fields.values():
            self.visit_field_definition(field, object_)
        return object_


bindables = [core_query, uuid_scalar, datetime_scalar, json_scalar]
directives = {"loginRequired": LoginRequiredDirective}
