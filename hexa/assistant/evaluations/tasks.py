"""An evaluation run as a job of the assistant's workers (the queue of turns): the job asks
the questions (their turns are jobs of their own, on any worker) and grades them."""

from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from procrastinate import exceptions as procrastinate_exceptions
from procrastinate.contrib.django import app

from hexa.core.idle_connections import APP

from ..queue import QUEUE
from .models import EvaluationRun, RunStatus
from .runner import HEARTBEAT_S, execute_run

TASK = "assistant.run_evaluation"
# a running run whose job has not beaten for this long lost its worker (killed): queued again
STALE_S = max(float(settings.ASSISTANT_TURN_LEASE_S), 5 * HEARTBEAT_S)


@app.task(name=TASK, queue=QUEUE, pass_context=True)
def run_evaluation(context, run_id: str):
    close_old_connections()
    with APP.in_use():
        if execute_run(run_id, should_stop=context.should_abort) is None and context.should_abort():
            _defer(run_id)  # the worker shuts down: another worker takes the run up


def queue_run(run):
    """Give the run to the workers; queued twice, it is run once (the queueing lock)."""
    _defer(run.pk)


def _defer(run_id):
    try:
        app.configure_task(TASK, queue=QUEUE, queueing_lock=f"evaluation:{run_id}").defer(run_id=str(run_id))
    except procrastinate_exceptions.AlreadyEnqueued:
        pass  # a job of this run waits for a worker already


def requeue_stale_runs() -> list[str]:
    """Queue again the runs whose worker died (run by the workers' recovery loop); the run
    goes on from what is stored. Returns their ids."""
    stale = EvaluationRun.objects.filter(status=RunStatus.RUNNING, updated_at__lt=timezone.now() - timedelta(seconds=STALE_S))
    ids = [str(pk) for pk in stale.values_list("pk", flat=True)]
    for run_id in ids:
        EvaluationRun.objects.filter(pk=run_id).update(updated_at=timezone.now())  # not again before STALE_S
        _defer(run_id)
    return ids
