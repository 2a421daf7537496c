"""The GraphQL schema: every app's SDL and bindables, with camelCase names."""

from pathlib import Path

from ariadne import load_schema_from_path, make_executable_schema

import hexa.assistant.graphql.mutations
import hexa.assistant.graphql.queries
import hexa.assistant.graphql.types
import hexa.assistant.graphql.usage
import hexa.core.schema
import hexa.user_management.schema
import hexa.workspaces.schema

HEXA = Path(__file__).resolve().parent.parent / "hexa"
APPS = [
    hexa.core.schema,
    hexa.user_management.schema,
    hexa.workspaces.schema,
    hexa.assistant.graphql.types,
    hexa.assistant.graphql.queries,
    hexa.assistant.graphql.mutations,
    hexa.assistant.graphql.usage,
]
SDL_FILES = [
    HEXA / "core" / "graphql" / "schema.graphql",
    HEXA / "user_management" / "graphql" / "schema.graphql",
    HEXA / "workspaces" / "graphql" / "schema.graphql",
    HEXA / "assistant" / "schema.graphql",
]

type_defs = [load_schema_from_path(path) for path in SDL_FILES]

schema = make_executable_schema(
    type_defs,
    *[bindable for app in APPS for bindable in app.bindables],
    directives=hexa.core.schema.directives,
    convert_names_case=True,
)
