"""Tool executors, scoped to one user and one workspace (contract: see README).

    fs = UserFileSystemTools(user, workspace)   # the workspace bucket
    db = UserDatabaseTools(user, workspace)     # the workspace database, read-only

`run_tool(user, workspace, name, tool_input)` checks the model's input against the tool's
schema and calls the right executor. Every result is a JSON-serialisable dict; every
failure is `{"error": {"code", "message"}}`.
"""

import logging

from .executors.database import UserDatabaseTools
from .errors import AssistantError, error_result, is_error
from .executors.files import UserFileSystemTools
from .tools import TOOL_NAMES, tool_definitions

__all__ = ["UserFileSystemTools", "UserDatabaseTools", "run_tool", "validate_input", "AssistantError", "is_error", "error_result"]

logger = logging.getLogger(__name__)

_JSON_TYPES = {"string": str, "integer": int, "object": dict, "boolean": bool}


def validate_input(name: str, tool_input) -> dict | None:
    """An INVALID_INPUT error dict if `tool_input` does not fit the tool's schema, else None.

    Model output is untrusted: wrong types, missing or unknown arguments get a clear error
    the model can learn from, not an exception."""
    schema = next((t["input_schema"] for t in tool_definitions() if t["name"] == name), None)
    if schema is None:
        return error_result("UNKNOWN_TOOL", f"There is no tool named {str(name)[:100]!r}. Tools: {', '.join(TOOL_NAMES)}.")
    if not isinstance(tool_input, dict):
        return error_result("INVALID_INPUT", "The tool input must be a JSON object.")
    properties = schema["properties"]
    unknown = sorted(set(tool_input) - set(properties))
    if unknown:
        return error_result("INVALID_INPUT", f"Unknown argument(s) for {name}: {', '.join(unknown)[:200]}.")
    missing = [key for key in schema.get("required", []) if key not in tool_input]
    if missing:
        return error_result("INVALID_INPUT", f"Missing argument(s) for {name}: {', '.join(missing)}.")
    for key, value in tool_input.items():
        expected = properties[key]["type"]
        if value is None and key not in schema.get("required", []):
            continue
        # bool is an int in Python; JSON does not think so
        if not isinstance(value, _JSON_TYPES[expected]) or (expected == "integer" and isinstance(value, bool)):
            return error_result("INVALID_INPUT", f"Argument {key!r} of {name} must be a {expected}.")
        if expected == "integer":
            low, high = properties[key].get("minimum"), properties[key].get("maximum")
            if (low is not None and value < low) or (high is not None and value > high):
                bounds = f"at least {low}" + (f" and at most {high}" if high is not None else "")
                return error_result("INVALID_INPUT", f"Argument {key!r} of {name} must be {bounds}.")
    return None


def run_tool(user, workspace, name: str, tool_input) -> dict:
    invalid = validate_input(name, tool_input)
    if invalid:
        return invalid
    arguments = {k: v for k, v in tool_input.items() if v is not None}
    try:
        if name in ("query_database", "describe_tables"):
            return getattr(UserDatabaseTools(user, workspace), name)(**arguments)
        return getattr(UserFileSystemTools(user, workspace), name)(**arguments)
    except AssistantError as error:
        return error.as_dict()
    except Exception:  # an executor bug must not end the turn: the model gets a typed error
        logger.exception("Tool %s failed", name)
        return error_result("INTERNAL_ERROR", f"The {name} tool failed unexpectedly. Try another approach.")
