"""The edge of an executor: whatever happens inside, the caller gets data, never an exception."""

import functools
import inspect
import logging

from hexa.user_management.backends import PermissionsBackend

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


_PERMISSIONS = PermissionsBackend()


def requires(permission: str, refusal):
    """The executor's user must have `permission` ("<app>.<name>", see hexa/<app>/permissions.py)
    on the executor's workspace, checked at every call: a membership may be revoked in the
    middle of a conversation. Otherwise PERMISSION_DENIED, with `refusal` as the message: a
    text, or a function of the executor that returns one (called only when refusing).

    Goes under @tool_method, which turns the refusal into an error dict. The permission is
    recorded as `method.permission`, so that a tool registry can tell what a tool needs.

    The answer is OpenHEXA's permissions backend's, the one `user.has_perm(permission,
    workspace)` asks, without Django's rule that an active superuser has every permission:
    the tools act for a member of the workspace, so a superuser who is not one is refused, as
    before (tests/test_tool_executors_database.py)."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            user = self.user
            if not (getattr(user, "is_active", False) and _PERMISSIONS.has_perm(user, permission, self.workspace)):
                raise AssistantError("PERMISSION_DENIED", refusal(self) if callable(refusal) else refusal)
            return method(self, *args, **kwargs)

        wrapper.permission = permission
        return wrapper

    return decorate
