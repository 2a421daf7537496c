"""The user's answer to an ask_user question: the call's result, and its turn goes on
(the wait itself is waiting.py's)."""

from .executors.questions import check_answer
from .models import ToolExecution, ToolExecutionStatus
from .service import run_unqueued
from .waiting import Refused, question_of, settle


def answer_question(user, execution_id, answer) -> tuple[ToolExecution | None, str | None]:
    """The user's answer to an ask_user question, as the call's result; the turn goes on.
    Errors: NOT_FOUND, ALREADY_SETTLED, CLOSED (see waiting.settle), INVALID_ANSWER."""

    def resolve(execution):
        question = question_of(execution) or {}
        text, refused = check_answer(question, answer)
        if refused:
            raise Refused(refused)
        execution.status, execution.success = ToolExecutionStatus.ANSWERED, True
        execution.output = {"answer": text}
        return None

    execution, error, resumed = settle(user, execution_id, resolve, name="ask_user")
    run_unqueued(resumed)
    return execution, error
