"""Tool failures are data: `{"error": {"code": "UPPER_CASE", "message": "..."}}`, never an exception."""


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
