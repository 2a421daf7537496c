"""Turns as jobs of the task engine (procrastinate: a PostgreSQL queue, woken by LISTEN/NOTIFY).

A turn is queued by its task's name: what queues one (a send, an answer, the recovery, a
hand-over) needs nothing of what runs it (tasks.run_turn, on the workers). A job only names
the turn's running message: everything else is read from the database.
"""

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
