"""Human approval of file writes, enforced by the server rather than by the prompt.

A write the model proposed is held with its diff (proposals.py); only the conversation's
owner can approve it. On approval every check is made again (path containment, role, size)
and the write is refused with FILE_CHANGED if the file is no longer what the user saw in
the diff.
"""

from .errors import is_error
from .executors.files import UserFileSystemTools
from .models import ToolExecution, ToolExecutionStatus
from .pipeline_waits import APPROVALS, rejected
from .service import run_unqueued
from .waiting import settle

MAX_REASON_CHARS = 2_000


def approve(user, execution_id) -> tuple[ToolExecution | None, str | None]:
    """Write the proposed file; returns (execution, error code or None). The write's
    outcome is the call's result: its turn goes on (see waiting.py)."""

    def resolve(execution):
        if execution.name in APPROVALS:  # a pipeline run or stop: pipeline_waits.py
            return APPROVALS[execution.name](user, execution)
        fs = UserFileSystemTools(user, execution.conversation.workspace)
        result = fs.write_file(
            execution.input["path"], execution.input["content"], expected_sha256=execution.proposal["base_sha256"]
        )
        path = execution.proposal["path"]
        execution.success = not is_error(result)
        execution.status = ToolExecutionStatus.APPROVED if execution.success else ToolExecutionStatus.FAILED
        if execution.success:
            execution.output = {"status": "written", "message": f"The user approved the write: {path} was written.", "write": result}
            return None
        error = result["error"]
        execution.output = {
            "error": {"code": error["code"], "message": f"The user approved the write of {path}, but it could not be made "
                      f"({error.get('message', '')}); nothing was written."},
            "write": result,
        }
        return error["code"]

    return _settle(user, execution_id, resolve)


def reject(user, execution_id, reason=None) -> tuple[ToolExecution | None, str | None]:
    def resolve(execution):
        execution.status, execution.success = ToolExecutionStatus.REJECTED, False
        execution.rejection_reason = (reason or "").strip()[:MAX_REASON_CHARS]
        if execution.name in APPROVALS:
            execution.output = rejected(execution, execution.rejection_reason)
            return None
        said = f' Their reason: "{execution.rejection_reason}"' if execution.rejection_reason else ""
        execution.output = {
            "status": "rejected",
            "message": f"The user rejected the write of {execution.proposal['path']}; nothing was written.{said}",
        }
        return None

    return _settle(user, execution_id, resolve)


def _settle(user, execution_id, resolve):
    execution, error, resumed = settle(user, execution_id, resolve, proposal__isnull=False)
    run_unqueued(resumed)
    return execution, error
