"""The GraphQL schema: every app's SDL and bindables, with camelCase names."""

from pathlib import Path

from ariadne import load_schema_from_path, make_executable_schema

import hexa.core.schema
import hexa.user_management.schema
import hexa.workspaces.schema

HEXA = Path(__file__).resolve().parent.parent / "hexa"
APPS = [hexa.core.schema, hexa.user_management.schema, hexa.workspaces.schema]
SDL_FILES = ["core", "user_management", "workspaces"]

type_defs = [load_schema_from_path(HEXA / app / "graphql" / "schema.graphql") for app in SDL_FILES]

schema = make_executable_schema(
    type_defs,
    *[bindable for app in APPS for bindable in app.bindables],
    directives=hexa.core.schema.directives,
    convert_names_case=True,
)
