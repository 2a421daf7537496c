"""The assistant's error codes and its one error class.

Codes are spelled once, here, and the SDL enums `AssistantErrorCode` and
`AssistantToolErrorCode` list the same values (a test keeps them equal). Failures are data
at every edge: a tool returns `{"error": {"code", "message", …}}`, a turn ends with an
`error` event, a mutation answers `{success: false, errors: [CODE]}`.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    """Why a message could not be sent, or why a turn ended without an answer."""

    BAD_REQUEST = "BAD_REQUEST"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    NOT_FOUND = "NOT_FOUND"
    EMPTY_MESSAGE = "EMPTY_MESSAGE"
    INVALID_MESSAGE = "INVALID_MESSAGE"
    MESSAGE_TOO_LONG = "MESSAGE_TOO_LONG"
    CONVERSATION_BUSY = "CONVERSATION_BUSY"
    # an edit that names an answer, or a question of another branch (branches.py)
    NOT_EDITABLE = "NOT_EDITABLE"
    ASSISTANT_NOT_CONFIGURED = "ASSISTANT_NOT_CONFIGURED"
    RATE_LIMITED = "RATE_LIMITED"
    BUDGET_EXCEEDED = "BUDGET_EXCEEDED"
    AUTHENTICATION_FAILED = "AUTHENTICATION_FAILED"
    OVERLOADED = "OVERLOADED"
    API_ERROR = "API_ERROR"
    CONTEXT_TOO_LONG = "CONTEXT_TOO_LONG"
    # the API's 413: the request's bytes are over its size limit
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    MAX_TOOL_ROUNDS = "MAX_TOOL_ROUNDS"
    INTERRUPTED = "INTERRUPTED"
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
    # no worker took a new turn in time (all busy, or out of database connections): the
    # send was refused and nothing of it stored
    TURN_NOT_STARTED = "TURN_NOT_STARTED"
    INTERNAL_ERROR = "INTERNAL_ERROR"


class ToolErrorCode(StrEnum):
    """The `error.code` of a tool's output."""

    UNKNOWN_TOOL = "UNKNOWN_TOOL"
    INVALID_INPUT = "INVALID_INPUT"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    CUT_OFF = "CUT_OFF"
    CANCELLED = "CANCELLED"
    TOOL_DISABLED = "TOOL_DISABLED"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    # a question or a write left waiting: the user wrote a new message, or it expired
    UNANSWERED = "UNANSWERED"
    # files
    INVALID_PATH = "INVALID_PATH"
    NOT_FOUND = "NOT_FOUND"
    NOT_A_FILE = "NOT_A_FILE"
    NOT_A_DIRECTORY = "NOT_A_DIRECTORY"
    BINARY_FILE = "BINARY_FILE"
    FILE_TOO_LARGE = "FILE_TOO_LARGE"
    FILE_CHANGED = "FILE_CHANGED"
    IO_ERROR = "IO_ERROR"
    # SQL
    INVALID_SQL = "INVALID_SQL"
    NOT_READ_ONLY = "NOT_READ_ONLY"
    MULTIPLE_STATEMENTS = "MULTIPLE_STATEMENTS"
    QUERY_TIMEOUT = "QUERY_TIMEOUT"
    QUERY_ERROR = "QUERY_ERROR"
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
    # charts: the rule of the spec allow-list that refused it (executors/chart_spec.py)
    INVALID_CHART_SPEC = "INVALID_CHART_SPEC"
    CHART_SPEC_TOO_LARGE = "CHART_SPEC_TOO_LARGE"
    CHART_EXTERNAL_CONTENT = "CHART_EXTERNAL_CONTENT"
    CHART_EXPRESSION = "CHART_EXPRESSION"
    CHART_TOO_COSTLY = "CHART_TOO_COSTLY"
    # files as tables (query_files, read_file on CSV/Parquet/spreadsheets)
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"
    UNREADABLE_FILE = "UNREADABLE_FILE"
    TOO_MANY_FILES = "TOO_MANY_FILES"
    UNKNOWN_TABLE = "UNKNOWN_TABLE"
    FUNCTION_NOT_ALLOWED = "FUNCTION_NOT_ALLOWED"
    NOT_ALLOWED = "NOT_ALLOWED"
    MEMORY_LIMIT = "MEMORY_LIMIT"
    # DHIS2 (query_dhis2): the server, its credentials, its own error bodies, its answers
    DHIS2_UNREACHABLE = "DHIS2_UNREACHABLE"
    DHIS2_AUTH_FAILED = "DHIS2_AUTH_FAILED"
    DHIS2_ERROR = "DHIS2_ERROR"
    DHIS2_REDIRECT = "DHIS2_REDIRECT"
    DHIS2_INVALID_RESPONSE = "DHIS2_INVALID_RESPONSE"
    RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE"
    # pipelines (run_pipeline, stop_pipeline_run)
    INVALID_CONFIG = "INVALID_CONFIG"
    SANDBOX_UNAVAILABLE = "SANDBOX_UNAVAILABLE"
    PIPELINE_ALREADY_COMPLETED = "PIPELINE_ALREADY_COMPLETED"


class AssistantError(Exception):
    """A failure with a stable code and a message meant for whoever reads it (the model for
    a tool, the user for a turn). `details` travel with it (e.g. `retry_after`, `budget`)."""

    def __init__(self, code: str, message: str = "", **details):
        super().__init__(message or code)
        self.code = str(code)
        self.message = message
        self.details = details

    def as_dict(self) -> dict:
        """The error as a tool result."""
        return {"error": {"code": self.code, "message": self.message, **self.details}}


def error_result(code: str, message: str, **details) -> dict:
    return AssistantError(code, message, **details).as_dict()


def is_error(result) -> bool:
    return isinstance(result, dict) and "error" in result
