"""Agent turns as jobs of the task engine (queued by queue.py), run by `manage.py
assistant_worker` processes on any number of machines.

A job only names the turn's running message, so the same job resumes a turn whose worker
died (see service.execute_turn). The recovery (`recover_turns`, run by every worker every few seconds and by
`manage.py assistant_recover`) finds turns whose lease expired and queues them again, and
closes waits for the user past their expiry. A turn waiting for the user holds no lease:
nothing is recovered, it is queued again when answered (waiting.py).
"""

import logging

from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone
from procrastinate.contrib.django import app

from django.conf import settings

from hexa.core.db import riding_out
from hexa.core.idle_connections import APP

from .models import Conversation, Message, MessageRole, MessageStatus
from .queue import QUEUE, TASK, enqueue_turn
from .service import execute_turn, interrupt_turn
from .pipeline_waits import sweep as sweep_pipeline_waits
from .waiting import expire_waiting_turns

# evaluation runs are jobs of the same workers: registered with the task engine here
from .evaluations import tasks as evaluation_tasks  # noqa: E402,F401

logger = logging.getLogger(__name__)


@app.task(name=TASK, queue=QUEUE, pass_context=True)
def run_turn(context, message_id: str):
    close_old_connections()
    # the thread's connection is closed on a timer once idle and old; the turn rides out a
    # database outage of up to ASSISTANT_DATABASE_OUTAGE_S
    with APP.in_use(), riding_out(settings.ASSISTANT_DATABASE_OUTAGE_S):
        # the task engine asks a job to stop when its worker shuts down: the turn is then
        # handed over to another worker at once
        execute_turn(message_id, should_hand_over=context.should_abort)


def _server_up_for_s() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extract(epoch FROM now() - pg_postmaster_start_time())")
        return float(cursor.fetchone()[0])


def expired_turns():
    """(conversation, its running message or None) for every turn whose lease expired.

    None in the first lease after PostgreSQL started: leases also expire while the database
    is down (a restart, a long outage), and the live workers renew theirs once it is back;
    their turns must not be taken from them meanwhile."""
    if _server_up_for_s() < settings.ASSISTANT_TURN_LEASE_S:
        return
    stale = Conversation.objects.filter(turn_started_at__isnull=False).filter(
        Q(lease_expires_at__lt=timezone.now()) | Q(lease_expires_at__isnull=True)
    )
    for conversation in stale:
        message = (
            Message.objects.filter(conversation=conversation, role=MessageRole.ASSISTANT, status=MessageStatus.RUNNING)
            .order_by("-index")
            .first()
        )
        yield conversation, message


def recover_turns(mode: str = "resume") -> list[tuple[str, str]]:
    """Resume (or, with mode "fail", end as INTERRUPTED) every turn whose worker is gone.
    Returns (message id, what was done) pairs. A turn whose workers died MAX_RUNS times is
    ended by the worker that takes it (service.execute_turn), the one place of that rule."""
    sweep_pipeline_waits()  # before the waits for the user expire: a run's wait has its own end
    done = [(message_id, "wait expired") for message_id in expire_waiting_turns()]
    for conversation, message in expired_turns():
        if message is None:  # a claim with no turn behind it: free the conversation
            conversation.end_turn()
            done.append((str(conversation.pk), "freed"))
        elif mode == "fail":
            if interrupt_turn(message):
                done.append((str(message.pk), "interrupted"))
        else:
            enqueue_turn(message.pk)
            done.append((str(message.pk), "queued"))
    for item in done:
        logger.info("Recovered turn %s: %s", *item)
    for run_id in evaluation_tasks.requeue_stale_runs():
        logger.info("Evaluation run %s queued again: its worker died", run_id)
    return done
