"""A file write proposed by the model, held for the user's decision: its diff, and what
became of it for the model's next request.

A file or a table row may carry instructions meant to trick the model, so when the model
calls write_file nothing is written: the call is held as a PENDING_APPROVAL tool execution
with a diff, and only the conversation's owner can approve it (approvals.py).
"""

import difflib

from .errors import is_error
from .executors.files import UserFileSystemTools
from .models import ToolExecution, ToolExecutionStatus

MAX_DIFF_CHARS = 200_000
RESOLVED = (ToolExecutionStatus.APPROVED, ToolExecutionStatus.REJECTED, ToolExecutionStatus.FAILED)


def _diff(path, old: str | None, new: str) -> str:
    lines = difflib.unified_diff(
        (old or "").splitlines(keepends=True), new.splitlines(keepends=True), fromfile=f"a/{path}", tofile=f"b/{path}"
    )
    diff = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    if len(diff) > MAX_DIFF_CHARS:
        diff = diff[:MAX_DIFF_CHARS] + f"\n… diff cut at {MAX_DIFF_CHARS:,} characters\n"
    return diff


def propose_write(execution: ToolExecution, user, workspace) -> dict:
    """Hold a write_file call for approval; returns the tool result for the model."""
    tool_input = execution.input
    preview = UserFileSystemTools(user, workspace).preview_write(tool_input["path"], tool_input["content"])
    if is_error(preview):
        return preview  # e.g. a VIEWER: refused now, nothing to approve
    action = "CREATE" if preview["created"] else "OVERWRITE"
    diffable = preview["created"] or preview.get("current_content") is not None
    execution.proposal = {
        "path": preview["path"],
        "action": action,
        "size": preview["size"],
        "diff": _diff(preview["path"], preview.get("current_content"), tool_input["content"]) if diffable else None,
        "base_sha256": preview["current_sha256"] or "absent",
    }
    execution.status = ToolExecutionStatus.PENDING_APPROVAL
    return {
        "status": "pending_approval",
        "path": preview["path"],
        "action": action,
        "message": (
            f"Nothing has been written yet: the {action.lower()} of {preview['path']} awaits the user's approval in the "
            "interface; the turn waits for their decision, which will be this call's result."
        ),
    }


def _outcome(execution: ToolExecution) -> str:
    if "path" not in execution.proposal:  # a pipeline run or stop (pipeline_proposals.py)
        return f"- The {execution.name} call on {execution.proposal.get('pipeline_code')} ended {execution.status.lower()}."
    path, action = execution.proposal["path"], execution.proposal["action"].lower()
    if execution.status == ToolExecutionStatus.APPROVED:
        return f"- The {action} of {path} was approved by the user and written."
    if execution.status == ToolExecutionStatus.REJECTED:
        reason = f' Their reason: "{execution.rejection_reason}"' if execution.rejection_reason else ""
        return f"- The {action} of {path} was rejected by the user; nothing was written.{reason}"
    if execution.status == ToolExecutionStatus.FAILED:
        error = (execution.output or {}).get("write", {}).get("error", {})
        return f"- The {action} of {path} was approved but could not be made ({error.get('code')}: {error.get('message')}); nothing was written."
    return f"- The {action} of {path} is still awaiting the user's decision."


def outcomes_note(conversation) -> str | None:
    """What became of the proposed writes the model has not heard about yet, for the next
    user message; marks the resolved ones as reported."""
    executions = list(
        ToolExecution.objects.filter(conversation=conversation, proposal__isnull=False, outcome_reported=False).order_by("created_at")
    )
    if not executions:
        return None
    ToolExecution.objects.filter(pk__in=[e.pk for e in executions if e.status in RESOLVED]).update(outcome_reported=True)
    return "[Update from the OpenHEXA interface on files you proposed to write]\n" + "\n".join(_outcome(e) for e in executions)
