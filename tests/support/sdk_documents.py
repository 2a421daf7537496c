"""The GraphQL documents the openhexa-sdk sends for datasets, read from its own source (every
string literal it passes to `graphql(…)`), so that tests send exactly what it sends."""

import ast
import inspect
import re

import openhexa.sdk.datasets.dataset
import openhexa.sdk.workspaces.current_workspace

MODULES = (openhexa.sdk.datasets.dataset, openhexa.sdk.workspaces.current_workspace)
_NAME = re.compile(r"^\s*(?:query|mutation)\s+(\w+)")


def sdk_documents() -> dict[str, str]:
    """{operation name: document} of the SDK's dataset operations."""
    documents = {}
    for module in MODULES:
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if (
                isinstance(node, ast.Call) and getattr(node.func, "id", None) == "graphql"
                and node.args and isinstance(node.args[0], ast.Constant)
            ):
                document = node.args[0].value
                name = _NAME.match(document).group(1)
                if "ataset" in document or "VersionFile" in document:
                    documents[name] = document
    return documents
