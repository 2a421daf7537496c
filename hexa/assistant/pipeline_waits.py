"""A turn that waits for a pipeline run: the third kind of wait (after the user's answer and
the user's approval), built on waiting.py.

1. The model calls run_pipeline: the call is held for approval (pipeline_proposals.py).
2. The user approves (approvals.approve → `approve_run`): the run is started with the config
   the user saw, and the call is held again, AWAITING_RUN, until the run ends or
   ASSISTANT_PIPELINE_WAIT_S has passed. The turn stays WAITING: no worker is held, and
   nothing is lost to a restart of any process (the wait is rows in the database).
3. The run ends: the pipelines send `run_finished` (hexa.pipelines.signals), and `run_ended`
   settles the call with the run (status, duration, messages, log tail, outputs) through
   waiting.settle, which resumes the turn once it holds no other call. A notification that
   was missed (the pipelines worker died at that moment) is made good by `sweep`, which every
   assistant worker runs with its recovery, and which also ends the waits that ran out: the
   model is then told the run is still going, and the turn goes on.
4. Stop (cancelAssistantRun) on a turn waiting for a run ends the wait, not the run
   (`stop_waiting`): the model's history gets the run as it is, and the turn ends.

stop_pipeline_run is held for approval the same way and made once approved (`approve_stop`).
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Greatest
from django.utils import timezone

from hexa.pipelines.models import FINISHED, PipelineRun
from hexa.pipelines.runner import fail_stale_runs
from hexa.pipelines.signals import run_finished

from .errors import is_error
from .events import EventRecorder
from .executors.pipelines import UserPipelineTools, run_view
from .models import Conversation, Message, MessageStatus, ToolExecution, ToolExecutionStatus
from .service import run_unqueued
from .waiting import close, result_event, settle

logger = logging.getLogger(__name__)

RUN_TOOL, STOP_TOOL = "run_pipeline", "stop_pipeline_run"
PIPELINE_TOOLS = (RUN_TOOL, STOP_TOOL)
STOPPED_WAITING = "The user pressed Stop: the turn stopped waiting for the run, which goes on."


def _what(execution) -> str:
    return "run" if execution.name == RUN_TOOL else "stop"


# -- the user's decision (approvals.py) -------------------------------------------------


def approve_run(user, execution: ToolExecution) -> str | None:
    """Start the run the user approved, with the config they saw; the call then waits for it."""
    proposal = execution.proposal
    started = UserPipelineTools(user, execution.conversation.workspace).run_pipeline(
        pipeline_code=proposal["pipeline_code"], config=proposal["config"], version_id=proposal["version"]["id"]
    )
    if is_error(started):
        error = started["error"]
        execution.status, execution.success = ToolExecutionStatus.FAILED, False
        execution.output = {"error": {
            "code": error["code"],
            "message": f"The user approved the run of {proposal['pipeline_code']}, but it could not start "
                       f"({error.get('message', '')}); nothing was run.",
        }}
        return error["code"]
    run = started["run"]
    wait_until = timezone.now() + timedelta(seconds=settings.ASSISTANT_PIPELINE_WAIT_S)
    execution.proposal = {**proposal, "run_id": run["run_id"], "wait_until": wait_until.isoformat()}
    execution.status, execution.success = ToolExecutionStatus.AWAITING_RUN, None
    execution.output = {
        "status": "running", "run": run,
        "message": "The user approved: the run started, and this turn waits for it to end.",
    }
    # the turn's wait lasts as long as its longest (waiting.expire_waiting_turns)
    Message.objects.filter(pk=execution.message_id).update(
        waiting_expires_at=Greatest(F("waiting_expires_at"), wait_until)
    )
    return None


def approve_stop(user, execution: ToolExecution) -> str | None:
    proposal = execution.proposal
    stopped = UserPipelineTools(user, execution.conversation.workspace).stop_pipeline_run(run_id=proposal["run_id"])
    if is_error(stopped):
        error = stopped["error"]
        execution.status, execution.success = ToolExecutionStatus.FAILED, False
        execution.output = {"error": {
            "code": error["code"],
            "message": f"The user approved stopping the run, but it could not be stopped ({error.get('message', '')}).",
        }}
        return error["code"]
    execution.status, execution.success = ToolExecutionStatus.APPROVED, True
    execution.output = {"status": "stopping", "run": stopped["run"], "message": "The user approved: the run is being stopped."}
    return None


APPROVALS = {RUN_TOOL: approve_run, STOP_TOOL: approve_stop}


def rejected(execution: ToolExecution, reason: str) -> dict:
    said = f' Their reason: "{reason}"' if reason else ""
    nothing = "nothing was run" if execution.name == RUN_TOOL else "the run was not stopped"
    return {
        "status": "rejected",
        "message": f"The user rejected the {_what(execution)} of {execution.proposal['pipeline_code']}; {nothing}.{said}",
    }


# -- the run's end ----------------------------------------------------------------------


def _ended(execution: ToolExecution, run: PipelineRun) -> None:
    view = run_view(run)
    execution.status = ToolExecutionStatus.COMPLETED if run.status == "success" else ToolExecutionStatus.FAILED
    execution.success = run.status == "success"
    execution.output = {"status": run.status, "run": view, "message": f"The run ended: {run.status}."}


def _still_going(execution: ToolExecution, run: PipelineRun | None, why: str) -> None:
    execution.status, execution.success = ToolExecutionStatus.COMPLETED, True
    execution.output = {
        "status": run.status if run else "unknown",
        "run": run_view(run) if run else None,
        "message": f"{why} Follow it with get_pipeline_run (run_id {execution.proposal.get('run_id')}).",
    }


def _run_of(execution) -> PipelineRun | None:
    return PipelineRun.objects.select_related("pipeline__workspace", "version", "user").filter(
        pk=execution.proposal.get("run_id")
    ).first()


def _settle_wait(execution_id, user_id, resolve):
    user = get_user_model().objects.filter(pk=user_id).first()
    if user is None:
        return
    _, error, resumed = settle(user, execution_id, resolve, status=ToolExecutionStatus.AWAITING_RUN, honour_expiry=False)
    if error not in (None, "ALREADY_SETTLED"):
        logger.info("A run's wait %s was not settled: %s", execution_id, error)
    run_unqueued(resumed)


def _waits(**filters):
    return ToolExecution.objects.filter(name=RUN_TOOL, status=ToolExecutionStatus.AWAITING_RUN, **filters).values_list(
        "pk", "conversation__user_id", "proposal"
    )


def run_ended(run_id) -> None:
    """The entry point of a run's end (hexa.pipelines.signals.run_finished): the calls that
    wait for it get it as their result, and their turns go on."""
    for execution_id, user_id, _ in _waits(proposal__run_id=str(run_id)):
        def resolve(execution):
            run = _run_of(execution)
            if run is None:
                _still_going(execution, None, "The run was deleted.")
            else:
                _ended(execution, run)
        _settle_wait(execution_id, user_id, resolve)


def sweep() -> int:
    """Every held run whose run has ended (its notice was missed) or whose wait ran out;
    run by each worker's recovery, before the waits for the user expire. A run whose
    pipelines worker died is failed first (its heartbeat stopped), so that its wait ends even
    with no pipelines worker left to notice."""
    fail_stale_runs()
    now = timezone.now()
    settled = 0
    for execution_id, user_id, proposal in _waits():
        run = PipelineRun.objects.filter(pk=proposal.get("run_id")).values_list("status", flat=True).first()
        if run is None or run in FINISHED:
            run_ended(proposal.get("run_id"))
            settled += 1
        elif datetime.fromisoformat(proposal["wait_until"]) <= now:
            minutes = settings.ASSISTANT_PIPELINE_WAIT_S / 60
            _settle_wait(execution_id, user_id, lambda execution: _still_going(
                execution, _run_of(execution), f"The run is still going after {minutes:g} minutes of waiting (ASSISTANT_PIPELINE_WAIT_S)."
            ))
            settled += 1
    return settled


# -- Stop --------------------------------------------------------------------------------


def stop_waiting(conversation: Conversation) -> bool:
    """Stop pressed on a turn that waits for a run: the wait ends, the run goes on (the model
    is told so in its history) and the turn ends. False if no turn of it waits for a run."""
    with transaction.atomic():
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        message = Message.objects.select_for_update().filter(
            conversation=conversation, status=MessageStatus.WAITING,
            tool_executions__status=ToolExecutionStatus.AWAITING_RUN,
        ).first()
        if message is None:
            return False
        recorder = EventRecorder(conversation.pk)
        now = timezone.now()
        for execution in ToolExecution.objects.select_for_update().filter(message=message, status=ToolExecutionStatus.AWAITING_RUN):
            _still_going(execution, _run_of(execution), STOPPED_WAITING)
            execution.resolved_at, execution.outcome_reported = now, True
            execution.save()
            recorder(*result_event(execution))
        close(message, recorder, STOPPED_WAITING)
        recorder.flush()
    return True


def on_run_finished(sender, run_id, **kwargs):
    run_ended(run_id)


run_finished.connect(on_run_finished, dispatch_uid="assistant.pipeline_waits")

