"""An evaluation run as a job of the assistant's workers (the queue of turns): the job asks
the questions (their turns are jobs of their own, on any worker) and grades them."""

from django.db import close_old_connections
from procrastinate.contrib.django import app

from hexa.core.idle_connections import APP

from ..queue import QUEUE
from .runner import execute_run

TASK = "assistant.run_evaluation"


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
    app.configure_task(TASK, queue=QUEUE, queueing_lock=f"evaluation:{run_id}").defer(run_id=str(run_id))
