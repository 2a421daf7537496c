"""Pipeline runs and stops proposed by the model, held for the user's decision (the hold of
waiting.WAITS["pipeline_run"] and ["pipeline_stop"]): the config is checked against the
version's parameters first, so that the model, not the user, learns what is wrong
(INVALID_CONFIG); then the call is PENDING_APPROVAL with what the approval card shows.
What happens once the user decides is pipeline_waits.py's."""

from .errors import is_error
from .executors.pipelines import UserPipelineTools
from .models import ToolExecution, ToolExecutionStatus


def _hold(execution: ToolExecution, proposal: dict, what: str) -> dict:
    execution.proposal = proposal
    execution.status = ToolExecutionStatus.PENDING_APPROVAL
    return {
        "status": "pending_approval",
        "action": proposal["action"],
        "pipeline_code": proposal["pipeline_code"],
        "pipeline_name": proposal["pipeline_name"],
        "version": proposal["version"],
        "config": proposal["config"],
        "parameters": proposal["parameters"],
        "message": (
            f"Nothing has been {what} yet: the user sees the proposal in the interface and decides; the turn "
            "waits for their decision, which will be this call's result."
        ),
    }


def propose_run(execution: ToolExecution, user, workspace) -> dict:
    """Hold a run_pipeline call for approval (or refuse it now: INVALID_CONFIG, a viewer…)."""
    preview = UserPipelineTools(user, workspace).preview_run(**execution.input)
    if is_error(preview):
        return preview
    return _hold(execution, preview, "run")


def propose_stop(execution: ToolExecution, user, workspace) -> dict:
    preview = UserPipelineTools(user, workspace).preview_stop(**execution.input)
    if is_error(preview):
        return preview
    return _hold(execution, preview, "stopped")
