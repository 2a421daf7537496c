"""Tool failures are data: `{"error": {"code": "UPPER_CASE", "message": "..."}}`, never an exception."""

import functools
import inspect
import logging

logger = logging.getLogger(__name__)


class ToolError(Exception):
    """Raised inside an executor, turned into an error dict at its edge by `tool_error`."""

    def __init__(self, code: str, message: str, **details):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def as_dict(self) -> dict:
        return tool_error(self.code, self.message, **self.details)


def tool_error(code: str, message: str, **details) -> dict:
    error = {"code": code, "message": message}
    error.update(details)
    return {"error": error}


def is_error(result: dict) -> bool:
    return isinstance(result, dict) and "error" in result


def tool_method(hint: str = "Try another approach.", translate=None):
    """The edge of an executor's public method: wrong arguments, ToolError and unexpected
    exceptions become error dicts, so that no exception reaches the agent.

    `translate(exception)` may turn other exceptions into a ToolError (e.g. OS errors)."""

    def decorate(method):
        signature = inspect.signature(method)

        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                signature.bind(self, *args, **kwargs)
            except TypeError as error:
                return tool_error("INVALID_INPUT", f"Wrong arguments for {method.__name__}: {error}.")
            try:
                return method(self, *args, **kwargs)
            except ToolError as error:
                return error.as_dict()
            except Exception as error:
                translated = translate(error) if translate else None
                if translated is not None:
                    return translated.as_dict()
                logger.exception("Tool %s failed", method.__name__)
                return tool_error("INTERNAL_ERROR", f"{method.__name__} failed unexpectedly. {hint}")

        return wrapper

    return decorate
