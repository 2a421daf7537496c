"""What a tool is: one declaration from which the schema sent to Claude, the input
validation, the permission check and the dispatch all come (its arguments: arguments.py).

A tool is run by the executor method of the same name (`UserFileSystemTools.read_file`, …),
which checks its permission through `user.has_perm` (the `@requires` decorator records
which one). A tool that `awaits` something is not run at once: its call is held until then
(waiting.WAITS says how, by kind), e.g. write_file until the user approves it.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError

from hexa.user_management.backends import has_member_perm

from ..errors import AssistantError, ToolErrorCode, error_result
from .arguments import Arguments, invalid_input

logger = logging.getLogger(__name__)



def _resolved(value):
    return value() if callable(value) else value


@dataclass(frozen=True)
class Tool:
    name: str
    # Written for the model. A callable when it quotes settings (read at call time).
    description: str | Callable[[], str]
    # The arguments (tools/arguments.py): the schema Claude is sent, the input check and
    # the executor method's keyword arguments.
    arguments: type[Arguments]
    # UserFileSystemTools or UserDatabaseTools: its method named like the tool runs it.
    executor: type
    # for_model(tool_input, output) -> what the model may see of a result when the workspace
    # sends no rows to the model; None: the generic rule of data_policy.py.
    for_model: Callable | None = None
    # What a call waits for before its result, a kind of waiting.WAITS ("approval", "answer"):
    # the turn holds the call and waits. None: the executor runs it at once.
    awaits: str | None = None
    # Offered to the model only when the user has the executor method's permission (a tool
    # that changes something the user may not change: viewers never see it).
    offered_only_with_permission: bool = False
    # What the workspace must have for the tool to be offered (a name of
    # workspace_sources: its pipelines, datasets…). None: always.
    offered_if: str | None = None

    def offered_to(self, user, workspace, sources: frozenset[str]) -> bool:
        """`sources`: what the workspace has (workspace_sources.workspace_sources)."""
        if self.offered_if is not None and self.offered_if not in sources:
            return False
        return not self.offered_only_with_permission or has_member_perm(user, self.permission, workspace)

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
            "input_schema": self.arguments.input_schema(),
        }

    def parse(self, tool_input) -> tuple[Arguments | None, dict | None]:
        """(the typed arguments, None), or (None, an INVALID_INPUT error) when `tool_input`
        does not fit them. Model output is untrusted: wrong types, missing or unknown
        arguments get a clear error the model can learn from, not an exception."""
        try:
            return self.arguments.model_validate(tool_input), None
        except ValidationError as error:
            return None, invalid_input(self.name, self.arguments, tool_input, error)

    def validate(self, tool_input) -> dict | None:
        """An INVALID_INPUT error if `tool_input` does not fit the arguments, else None."""
        return self.parse(tool_input)[1]

    def run(self, user, workspace, tool_input) -> dict:
        """Validate, then run the executor method. Never raises: failures are data."""
        try:
            arguments, invalid = self.parse(tool_input)
            if invalid:
                return invalid
            return getattr(self.executor(user, workspace), self.name)(**arguments.given())
        except AssistantError as error:
            return error.as_dict()
        except Exception:  # an executor bug must not end the turn: the model gets a typed error
            logger.exception("Tool %s failed", self.name)
            return error_result(
                ToolErrorCode.INTERNAL_ERROR, f"The {self.name} tool failed unexpectedly. Try another approach."
            )
