"""The GraphQL schema: every app's SDL and bindables, with camelCase names."""

from pathlib import Path

from ariadne import load_schema_from_path, make_executable_schema

import hexa.assistant.graphql.clients
import hexa.assistant.graphql.follow_ups
import hexa.assistant.graphql.mutations
import hexa.assistant.graphql.queries
import hexa.assistant.graphql.settings
import hexa.assistant.graphql.types
import hexa.assistant.graphql.usage
import hexa.assistant.evaluations.graphql
import hexa.assistant.verified.graphql
import hexa.core.schema
import hexa.datasets.schema
import hexa.pipelines.schema
import hexa.user_management.schema
import hexa.workspaces.graphql.connections
import hexa.workspaces.schema
from hexa.core.graphql_limits import GraphQLLimits

HEXA = Path(__file__).resolve().parent.parent / "hexa"
APPS = [
    hexa.core.schema,
    hexa.user_management.schema,
    hexa.workspaces.schema,
    hexa.workspaces.graphql.connections,
    hexa.datasets.schema,
    hexa.pipelines.schema,
    hexa.assistant.graphql.types,
    hexa.assistant.graphql.queries,
    hexa.assistant.graphql.mutations,
    hexa.assistant.graphql.usage,
    hexa.assistant.graphql.settings,
    hexa.assistant.graphql.follow_ups,
    hexa.assistant.evaluations.graphql,
    hexa.assistant.verified.graphql,
    hexa.assistant.graphql.clients,
]
SDL_FILES = [
    HEXA / "core" / "graphql" / "schema.graphql",
    HEXA / "user_management" / "graphql" / "schema.graphql",
    HEXA / "workspaces" / "graphql" / "schema.graphql",
    HEXA / "workspaces" / "graphql" / "connections.graphql",
    HEXA / "datasets" / "graphql" / "schema.graphql",
    HEXA / "pipelines" / "graphql" / "schema.graphql",
    HEXA / "assistant" / "schema.graphql",
    HEXA / "assistant" / "evaluations" / "schema.graphql",
    HEXA / "assistant" / "verified" / "schema.graphql",
    HEXA / "assistant" / "graphql" / "clients.graphql",
]

type_defs = [load_schema_from_path(path) for path in SDL_FILES]

schema = make_executable_schema(
    type_defs,
    *[bindable for app in APPS for bindable in app.bindables],
    directives=hexa.core.schema.directives,
    convert_names_case=True,
)

# Mutations that authenticate or create, at most this many per request (aliases count; see
# hexa/core/graphql_limits.py), and at most MAX_MUTATIONS mutation fields in all.
MUTATION_LIMITS = {
    "login": 1,
    "sendAssistantMessage": 1,
    "setAssistantWorkspaceBudget": 1,
    "createAssistantConversation": 3,
    "approveAssistantToolExecution": 5,
    "rejectAssistantToolExecution": 5,
    "createConnection": 3,
    "runAssistantEvaluation": 1,
    "createAssistantClientToken": 1,
}
MAX_MUTATIONS = 10

limits = GraphQLLimits(schema, mutation_limits=MUTATION_LIMITS, max_mutations=MAX_MUTATIONS)
