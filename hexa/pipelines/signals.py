"""What the pipelines tell other apps, without importing them: `run_finished` is sent, with
`run_id`, once a run reaches a finished status (success, failed, stopped, skipped), after the
transaction that wrote it commits. The assistant resumes the turns that wait for a run on it.
A receiver's error is logged and never breaks the run's bookkeeping."""

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

run_finished = Signal()


def announce_finished(run_id) -> None:
    """Send run_finished once the caller's transaction commits (at once outside of one)."""

    def send():
        for receiver, outcome in run_finished.send_robust(sender=None, run_id=str(run_id)):
            if isinstance(outcome, Exception):
                logger.error("A receiver of run_finished failed for run %s: %r", run_id, outcome, exc_info=outcome)

    transaction.on_commit(send)
