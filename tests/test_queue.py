"""Queueing a turn to resume, as a worker process does: the task engine writes through a
connection of its own (hexa.assistant.worker.connector), outside Django's transaction."""

import pytest
from django.db import transaction
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

from hexa.assistant.models import Message
from hexa.assistant.queue import enqueue_turn
from hexa.assistant.worker import connector


def jobs(message):
    return ProcrastinateJob.objects.filter(args__message_id=str(message.pk), status="todo").count()


@pytest.mark.django_db(transaction=True)
def test_a_resumed_turn_is_queued_only_once_the_wait_s_settling_commits(conversation):
    message = Message.objects.create(conversation=conversation, role="assistant", status="WAITING", index=1)
    with app.replace_connector(connector()), app.open():
        with transaction.atomic():
            Message.objects.filter(pk=message.pk).update(status="RUNNING")  # the wait settled
            enqueue_turn(message.pk)
            # a worker taking the job now would still find the turn waiting, and drop it
            assert jobs(message) == 0
        assert jobs(message) == 1
        with transaction.atomic():
            enqueue_turn(message.pk)  # queued again (a second settling, the recovery): one job
        assert jobs(message) == 1


@pytest.mark.django_db(transaction=True)
def test_a_resume_whose_transaction_rolls_back_queues_nothing(conversation):
    message = Message.objects.create(conversation=conversation, role="assistant", status="WAITING", index=1)
    with app.replace_connector(connector()), app.open():
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_turn(message.pk)
            raise RuntimeError("the settling failed")
        assert jobs(message) == 0
