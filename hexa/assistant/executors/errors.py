"""The edge of an executor: whatever happens inside, the caller gets data, never an exception."""

import functools
import inspect
import logging

from ..errors import AssistantError, error_result

logger = logging.getLogger(__name__)


def tool_method(hint: str = "Try another approach.", translate=None):
    """The edge of an executor's public method: wrong arguments, AssistantError and unexpected
    exceptions become error dicts, so that no exception reaches the agent.

    `translate(exception)` may turn other exceptions into an AssistantError (e.g. OS errors)."""

    def decorate(method):
        signature = inspect.signature(method)

        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                signature.bind(self, *args, **kwargs)
            except TypeError as error:
                return error_result("INVALID_INPUT", f"Wrong arguments for {method.__name__}: {error}.")
            try:
                return method(self, *args, **kwargs)
            except AssistantError as error:
                return error.as_dict()
            except Exception as error:
                translated = translate(error) if translate else None
                if translated is not None:
                    return translated.as_dict()
                logger.exception("Tool %s failed", method.__name__)
                return error_result("INTERNAL_ERROR", f"{method.__name__} failed unexpectedly. {hint}")

        return wrapper

    return decorate
