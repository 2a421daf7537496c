"""An evaluation run: each question asked as a real turn (on the workers, with the run's
model and the workspace's current settings, a few at a time, within the budgets), graded
once its turn ends, the figures summed and compared with the previous run.

`execute_run` is the whole run; it starts from what is stored, so a run taken up again
(its process died) asks only the questions not asked yet and waits for those asked.
"""

import logging
import time
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..errors import AssistantError, ErrorCode
from ..models import Conversation, Message, MessageStatus, ToolExecution
from ..pricing import available_models
from ..service import run_unqueued, start_turn, stop_turn, withdraw_unless_taken
from ..usage import BudgetExceeded, check_budgets
from ..workspace_settings import model_of, settings_for
from .compare import Verdict, grade
from .expected import ANSWER_TOOLS, ExpectedError, expected_result, table_of
from .models import EvaluationQuestion, EvaluationResult, EvaluationRun, Reason, RunStatus

logger = logging.getLogger(__name__)

POLL_S = 0.2
HEARTBEAT_S = 2.0
# a stored result set is kept to this many rows (the grade is made on the whole)
KEPT_ROWS = 50
TITLE_PREFIX = "Evaluation: "


def create_run(user, workspace, model: str | None) -> tuple[EvaluationRun | None, list[str]]:
    """A queued run of every question of the workspace, or error codes."""
    model = model or workspace_model(workspace)
    if model not in {choice.id for choice in available_models()}:
        return None, ["INVALID_MODEL"]
    questions = list(EvaluationQuestion.objects.filter(workspace=workspace))
    if not questions:
        return None, ["NO_QUESTIONS"]
    try:
        check_budgets(user, workspace)
    except BudgetExceeded:
        return None, ["BUDGET_EXCEEDED"]
    with transaction.atomic():
        if EvaluationRun.objects.select_for_update().filter(workspace=workspace, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
            return None, ["RUN_IN_PROGRESS"]
        previous = EvaluationRun.objects.filter(workspace=workspace, status=RunStatus.COMPLETE).order_by("-created_at").first()
        run = EvaluationRun.objects.create(
            workspace=workspace, model=model, started_by=user, previous_run=previous, question_count=len(questions)
        )
        EvaluationResult.objects.bulk_create(
            EvaluationResult(
                run=run, question=q, position=n, question_text=q.question, expected_kind=q.expected_kind,
                expected=q.expected, tolerance=q.tolerance,
            )
            for n, q in enumerate(questions)
        )
    return run, []


def workspace_model(workspace) -> str:
    return model_of(settings_for(workspace))


def execute_run(run_id, should_stop=None) -> EvaluationRun | None:
    """Run (or take up again) a stored run to its end; None if there is none to run."""
    run = EvaluationRun.objects.select_related("workspace", "started_by").filter(pk=run_id).first()
    if run is None or run.status in (RunStatus.COMPLETE, RunStatus.FAILED):
        return None
    if run.started_by is None:  # the user was deleted: nobody to ask as
        return _finish(run, RunStatus.FAILED, "The user who started this run no longer exists.")
    EvaluationRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, updated_at=timezone.now())
    beat = time.monotonic()
    while True:
        results = list(run.results.filter(graded=False).select_related("conversation"))
        if not results:
            break
        asked = [r for r in results if r.message_uuid is not None]
        for result in asked:
            _grade_if_ended(run, result)
        room = settings.ASSISTANT_EVAL_CONCURRENCY - sum(1 for r in asked if not r.graded)
        for result in [r for r in results if r.message_uuid is None][: max(room, 0)]:
            _ask(run, result)
        if should_stop is not None and should_stop():
            return None  # taken up again by another worker
        if time.monotonic() - beat > HEARTBEAT_S:
            beat = time.monotonic()
            EvaluationRun.objects.filter(pk=run.pk).update(updated_at=timezone.now())
        time.sleep(POLL_S)
    return _finish(run, RunStatus.COMPLETE)


def _ask(run, result):
    """Start the question's turn; a question that cannot be asked is graded at once."""
    try:
        expected = expected_result(run.started_by, run.workspace, result.expected_kind, result.expected)
    except ExpectedError as error:
        return _store(result, Verdict(False, Reason.EXPECTED_ERROR, str(error)))
    result.expected_result = _kept(expected)
    conversation = Conversation.objects.create(
        user=run.started_by, workspace=run.workspace, model=run.model, title=(TITLE_PREFIX + result.question_text)[:200]
    )
    result.conversation, result.started_at = conversation, timezone.now()
    try:
        message = start_turn(run.started_by, conversation.pk, result.question_text, wait_for_pickup=False, rate_limited=False)
    except AssistantError as error:
        reason = Reason.BUDGET_EXCEEDED if error.code == ErrorCode.BUDGET_EXCEEDED else Reason.ERROR
        return _store(result, Verdict(False, reason, f"{error.code}: {error.message}"))
    result.message_uuid = message.pk
    result.save(update_fields=["expected_result", "conversation", "started_at", "message_uuid", "updated_at"])
    run_unqueued(message)  # turns run inline (tests of the loop): it ran here, now


def _grade_if_ended(run, result):
    message = Message.objects.select_related("conversation").filter(pk=result.message_uuid).first()
    if message is None:  # the conversation was deleted meanwhile
        return _store(result, Verdict(False, Reason.ERROR, "The question's conversation was deleted."))
    running = message.status == MessageStatus.RUNNING or message.conversation.is_running
    if running:
        if timezone.now() - result.started_at < timedelta(seconds=settings.ASSISTANT_EVAL_TURN_TIMEOUT_S):
            return None
        if not withdraw_unless_taken(message):
            stop_turn(message.conversation)
        verdict = Verdict(False, Reason.TIMEOUT, f"No answer within {settings.ASSISTANT_EVAL_TURN_TIMEOUT_S} s.")
        return _store(result, verdict, message)
    if message.status == MessageStatus.FAILED:
        reason = Reason.BUDGET_EXCEEDED if message.error_code == ErrorCode.BUDGET_EXCEEDED else Reason.ERROR
        return _store(result, Verdict(False, reason, f"{message.error_code}: {message.error_message}"), message)
    if message.status == MessageStatus.CANCELLED:
        return _store(result, Verdict(False, Reason.ERROR, "The turn was stopped."), message)
    actual = _answer_result(message)
    verdict = grade(result.expected_result, actual, message.text, result.tolerance)
    if message.status == MessageStatus.WAITING and not verdict.passed:
        verdict.detail += " The assistant asked the user a question instead of answering."
    result.actual_result = _kept(actual) if actual is not None else None
    return _store(result, verdict, message)


def _answer_result(message) -> dict | None:
    """The result set of the answer: its last successful call of a result tool."""
    execution = (
        ToolExecution.objects.filter(message=message, name__in=ANSWER_TOOLS, success=True).order_by("-created_at").first()
    )
    return table_of(execution.output) if execution is not None else None


def _kept(table: dict) -> dict:
    rows = table["rows"]
    return {**table, "rows": rows[:KEPT_ROWS], "row_count": len(rows)}


def _store(result, verdict: Verdict, message=None):
    result.graded, result.passed, result.reason = True, verdict.passed, verdict.reason or ""
    result.detail, result.text_matches = verdict.detail, verdict.text_matches
    if message is not None:
        result.cost = message.cost
        if result.started_at is not None:
            result.duration_ms = int((message.updated_at - result.started_at).total_seconds() * 1000)
    result.save()


def _finish(run, status, error_message="") -> EvaluationRun:
    results = list(run.results.all())
    previous = {}
    if run.previous_run_id:
        for earlier in EvaluationResult.objects.filter(run_id=run.previous_run_id):
            previous[earlier.question_id or earlier.question_text] = earlier.passed
    for result in results:
        key = result.question_id or result.question_text
        if key in previous or result.question_text in previous:
            result.previously_passed = previous.get(key, previous.get(result.question_text))
            result.save(update_fields=["previously_passed"])
    passed = sum(1 for r in results if r.passed)
    run.status, run.error_message, run.finished_at = status, error_message, timezone.now()
    run.passed_count, run.question_count = passed, len(results)
    run.accuracy = passed / len(results) if results else None
    run.cost = sum((r.cost for r in results), Decimal("0"))
    run.duration_ms = int((run.finished_at - run.created_at).total_seconds() * 1000)
    run.save()
    return run


def regressions(run) -> list[EvaluationResult]:
    """The questions the previous run passed and this one failed."""
    return [r for r in run.results.all() if r.regressed]
