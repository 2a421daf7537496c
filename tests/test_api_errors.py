"""The Messages API's errors as the user meets them: a typed code and plain words, never the
API's raw body; a long rate-limit wait told at once, with its length (the real SDK against
the local Messages API server)."""

import time

from hexa.assistant.events import events_after
from hexa.assistant.local_model import error_reply, text_reply
from hexa.assistant.models import Message
from hexa.assistant.service import send_message


def send(conversation, text="How many districts are there?"):
    return send_message(conversation.user, conversation.id, text)


def error_event(conversation) -> dict:
    return next(data for kind, data in reversed(events_after(conversation.id, 0)) if kind == "error")


def test_a_request_over_the_size_limit_has_its_own_code_and_plain_words(model, conversation):
    model.script(error_reply(413, message="Request exceeds the maximum allowed number of bytes: 33554432 > 33554432 (raw)"))
    result = send(conversation)
    message = Message.objects.get(pk=result.message.pk)
    assert (message.status, message.error_code) == ("FAILED", "REQUEST_TOO_LARGE")
    assert "too large" in message.error_message and "33554432" not in message.error_message
    assert error_event(conversation)["code"] == "REQUEST_TOO_LARGE"


def test_a_server_error_does_not_show_the_api_body(model, conversation):
    model.script(error_reply(500, message="upstream pool exhausted on node ip-10-0-3-17 (request body echoed: ...)"))
    result = send(conversation)
    message = Message.objects.get(pk=result.message.pk)
    assert message.error_code == "API_ERROR"
    assert "ip-10-0-3-17" not in message.error_message and "echoed" not in message.error_message
    assert "HTTP 500" in message.error_message
    assert "ip-10-0-3-17" not in str(error_event(conversation))


def test_a_long_rate_limit_wait_is_told_at_once(model, conversation, settings):
    settings.ASSISTANT_API_MAX_RETRIES = 2  # the SDK would wait 30 s twice, honouring retry-after
    model.script(error_reply(429, retry_after=30), text_reply("Too late."))
    started = time.monotonic()
    result = send(conversation)
    assert time.monotonic() - started < 5
    assert result.error_code == "RATE_LIMITED" and model.responder.calls == 1
    event = error_event(conversation)
    assert event["code"] == "RATE_LIMITED" and event["retry_after"] == 30 and "30 s" in event["message"]


def test_a_short_rate_limit_wait_is_retried_in_silence(model, conversation, settings):
    settings.ASSISTANT_API_MAX_RETRIES = 2
    model.script(error_reply(429, retry_after=1), text_reply("Sixteen."))
    result = send(conversation)
    assert result.error_code is None and result.message.text == "Sixteen." and model.responder.calls == 2
