"""Turns as jobs of the task engine (procrastinate: a PostgreSQL queue, woken by LISTEN/NOTIFY).

A turn is queued by its task's name: what queues one (a send, an answer, the recovery, a
hand-over) needs nothing of what runs it (tasks.run_turn, on the workers). A job only names
the turn's running message: everything else is read from the database.
"""

from django.conf import settings
from django.db import transaction
from procrastinate import exceptions as procrastinate_exceptions
from procrastinate.contrib.django import app

QUEUE = "assistant_turns"
TASK = "assistant.run_turn"


def enqueue_turn(message_id, new=False):
    """Queue a turn (new, or to resume). Queued twice, it runs once: a job waiting for a
    worker is not queued again. Returns the job's id when a new turn was queued."""
    job = app.configure_task(TASK, queue=QUEUE, queueing_lock=f"turn:{message_id}")
    if new:  # no job can exist yet for a new message: in the caller's transaction
        return job.defer(message_id=str(message_id))
    try:
        with transaction.atomic():  # a refused duplicate must not break an outer transaction
            job.defer(message_id=str(message_id))
    except procrastinate_exceptions.AlreadyEnqueued:
        pass


def queue_turn(message, new=False) -> bool:
    """Give a turn just stored (new) or resumed after a wait to the workers, in the caller's
    transaction (a new turn's job id goes on `message.job_id`). Returns, and notes on
    `message.queued`, whether it was queued: not when turns run inline (ASSISTANT_TURNS_INLINE,
    read here alone: the tests of the agent loop and the bench run a turn in the thread that
    starts it), and then the caller runs it once its transaction is over (service.run_unqueued)."""
    message.queued = not settings.ASSISTANT_TURNS_INLINE
    if message.queued:
        message.job_id = enqueue_turn(message.pk, new=new)
    return message.queued
