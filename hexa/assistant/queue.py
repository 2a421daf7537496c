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
    """Queue a turn (new, in the caller's transaction; or to resume, once that transaction
    commits). Queued twice, it runs once: a job waiting for a worker is not queued again.
    Returns the job's id when a new turn was queued."""
    job = app.configure_task(TASK, queue=QUEUE, queueing_lock=f"turn:{message_id}")
    if new:  # no job can exist yet for a new message: in the caller's transaction
        return job.defer(message_id=str(message_id))
    # A turn to resume is queued once the caller's transaction (which settled its wait) has
    # committed: in a worker process the task engine writes through a connection of its own,
    # so a job deferred inside the transaction could be taken before the commit by a worker
    # that would find the turn still waiting and drop it (the recovery would resume it only
    # when its lease ran out). A process dying between the commit and the job leaves the
    # turn to that same recovery.
    transaction.on_commit(lambda: _defer_once(job, message_id))


def _defer_once(job, message_id):
    try:
        with transaction.atomic():  # a refused duplicate must not break an outer transaction
            job.defer(message_id=str(message_id))
    except procrastinate_exceptions.AlreadyEnqueued:
        pass


def queue_turn(message, new=False) -> bool:
    """Give a turn just stored (new: in the caller's transaction, its job id on
    `message.job_id`) or resumed after a wait (once that transaction commits) to the
    workers. Returns, and notes on `message.queued`, whether it was queued: not when turns run inline (ASSISTANT_TURNS_INLINE,
    read here alone: the tests of the agent loop and the bench run a turn in the thread that
    starts it), and then the caller runs it once its transaction is over (service.run_unqueued)."""
    message.queued = not settings.ASSISTANT_TURNS_INLINE
    if message.queued:
        message.job_id = enqueue_turn(message.pk, new=new)
    return message.queued
