"""What a tool is: one declaration from which the schema sent to Claude, the input
validation, the permission check and the dispatch all come.

A tool is run by the executor method of the same name (`UserFileSystemTools.read_file`, …),
which checks its permission through `user.has_perm` (the `@requires` decorator records
which one). A tool that `awaits` something is not run at once: its call is held until then
(waiting.WAITS says how, by kind), e.g. write_file until the user approves it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import AssistantError, ToolErrorCode, error_result

logger = logging.getLogger(__name__)

_JSON_TYPES = {"string": str, "integer": int, "object": dict, "boolean": bool, "array": list}

def _fits(value, expected: str) -> bool:
    # bool is an int in Python; JSON does not think so
    return isinstance(value, _JSON_TYPES[expected]) and not (expected == "integer" and isinstance(value, bool))


def _resolved(value):
    return value() if callable(value) else value


@dataclass(frozen=True)
class Tool:
    name: str
    # Written for the model. A callable when it quotes settings (read at call time).
    description: str | Callable[[], str]
    input_schema: dict | Callable[[], dict]
    # UserFileSystemTools or UserDatabaseTools: its method named like the tool runs it.
    executor: type
    # for_model(tool_input, output) -> what the model may see of a result when the workspace
    # sends no rows to the model; None: the generic rule of data_policy.py.
    for_model: Callable | None = None
    # What a call waits for before its result, a kind of waiting.WAITS ("approval", "answer"):
    # the turn holds the call and waits. None: the executor runs it at once.
    awaits: str | None = None

    @property
    def awaits_user(self) -> bool:
        return self.awaits is not None

    @property
    def needs_approval(self) -> bool:
        return self.awaits == "approval"

    @property
    def permission(self) -> str | None:
        """The permission `user.has_perm` must grant, as declared on the executor method."""
        return getattr(getattr(self.executor, self.name), "permission", None)

    def definition(self) -> dict:
        """The tool as Claude sees it."""
        return {
            "name": self.name,
            "description": _resolved(self.description),
            "input_schema": _resolved(self.input_schema),
        }

    def validate(self, tool_input) -> dict | None:
        """An INVALID_INPUT error if `tool_input` does not fit the schema, else None.

        Model output is untrusted: wrong types, missing or unknown arguments get a clear
        error the model can learn from, not an exception."""
        name, schema = self.name, _resolved(self.input_schema)
        if not isinstance(tool_input, dict):
            return error_result(ToolErrorCode.INVALID_INPUT, "The tool input must be a JSON object.")
        properties, required = schema["properties"], schema.get("required", [])
        unknown = sorted(set(tool_input) - set(properties))
        if unknown:
            return error_result(
                ToolErrorCode.INVALID_INPUT, f"Unknown argument(s) for {name}: {', '.join(unknown)[:200]}."
            )
        missing = [key for key in required if key not in tool_input]
        if missing:
            return error_result(ToolErrorCode.INVALID_INPUT, f"Missing argument(s) for {name}: {', '.join(missing)}.")
        for key, value in tool_input.items():
            expected = properties[key]["type"]
            if value is None and key not in required:
                continue
            if isinstance(expected, list):  # one of several types, e.g. a sheet name or index
                if not any(_fits(value, one) for one in expected):
                    return error_result(
                        ToolErrorCode.INVALID_INPUT, f"Argument {key!r} of {name} must be a {' or '.join(expected)}."
                    )
                continue
            if not _fits(value, expected):
                return error_result(ToolErrorCode.INVALID_INPUT, f"Argument {key!r} of {name} must be a {expected}.")
            if expected == "integer":
                low, high = properties[key].get("minimum"), properties[key].get("maximum")
                if (low is not None and value < low) or (high is not None and value > high):
                    bounds = f"at least {low}" + (f" and at most {high}" if high is not None else "")
                    return error_result(ToolErrorCode.INVALID_INPUT, f"Argument {key!r} of {name} must be {bounds}.")
        return None

    def run(self, user, workspace, tool_input) -> dict:
        """Validate, then run the executor method. Never raises: failures are data."""
        invalid = self.validate(tool_input)
        if invalid:
            return invalid
        arguments = {k: v for k, v in tool_input.items() if v is not None}
        try:
            return getattr(self.executor(user, workspace), self.name)(**arguments)
        except AssistantError as error:
            return error.as_dict()
        except Exception:  # an executor bug must not end the turn: the model gets a typed error
            logger.exception("Tool %s failed", self.name)
            return error_result(
                ToolErrorCode.INTERNAL_ERROR, f"The {self.name} tool failed unexpectedly. Try another approach."
            )
