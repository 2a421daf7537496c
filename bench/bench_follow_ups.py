"""Cost of follow-up questions per turn, against the turn's own cost: the 10-turn
conversation of bench_cost (tool calls, prompt caching on, the default model), with the
follow-up model (Haiku by default) proposing three questions after each answer. Both are
billed by the local model server as Anthropic bills (prices from genai-prices)."""

from decimal import Decimal

from django.conf import settings

from bench.bench_cost import QUESTIONS
from bench.common import result, temporary_workspace

FOLLOW_UPS = "Which month had the most confirmed cases in Kenema?\nHow does this compare with 2023?\nWhich facilities reported the most cases?"
TARGET = 0.03


def _responder():
    from hexa.assistant.local_model import text_reply, tool_reply
    from hexa.assistant.local_model.follow_ups import FOLLOW_UP_REQUEST_MARKER
    from hexa.assistant.local_model.titles import _system_text

    script = []
    for question, calls in QUESTIONS:
        if calls:
            script.append(tool_reply(calls, text="Let me check."))
        script.append(text_reply(f"Here is what I found about: {question} " + "Details follow. " * 40))
    turns = iter(script)

    def respond(body):
        if _system_text(body).startswith(FOLLOW_UP_REQUEST_MARKER):
            return text_reply(FOLLOW_UPS)
        return next(turns)

    return respond


def run():
    from hexa.assistant.local_model import Billing, LocalModelServer
    from hexa.assistant.models import Conversation, Message, UsageRecord
    from hexa.assistant.service import send_message
    from hexa.core.demo import _seed_bucket, _seed_database

    names = ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ASSISTANT_OFFLINE_MODEL", "ASSISTANT_RATE_LIMIT",
             "ASSISTANT_TITLE_MODEL", "ASSISTANT_FOLLOW_UP_MODEL")
    saved = {name: getattr(settings, name) for name in names}
    server = LocalModelServer(_responder(), billing=Billing(enabled=True)).start()
    follow_up_model = settings.ASSISTANT_FOLLOW_UP_MODEL or "claude-haiku-5-5"
    settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.ASSISTANT_OFFLINE_MODEL = "bench", server.url, False
    settings.ASSISTANT_RATE_LIMIT, settings.ASSISTANT_TITLE_MODEL = "", ""
    settings.ASSISTANT_FOLLOW_UP_MODEL = follow_up_model
    try:
        with temporary_workspace("Follow-ups") as (user, workspace):
            _seed_bucket(workspace)
            _seed_database(workspace)
            conversation = Conversation.objects.create(user=user, workspace=workspace, model=settings.ASSISTANT_MODEL)
            shares = []
            for question, _ in QUESTIONS:
                outcome = send_message(user, conversation.id, question)
                assert outcome.error_code is None, outcome.message.error_message
                answer = Message.objects.get(pk=outcome.message.pk)
                assert len(answer.follow_ups) == 3, answer.follow_ups
                follow_up = UsageRecord.objects.get(message_uuid=answer.pk, model=follow_up_model).cost
                shares.append((follow_up, answer.cost))
    finally:
        for name, value in saved.items():
            setattr(settings, name, value)
        server.stop()
    follow_ups = sum((f for f, _ in shares), Decimal(0))
    turns = sum((t for _, t in shares), Decimal(0))
    share = float(follow_ups / turns)
    worst = max(float(f / t) for f, t in shares)
    return [
        result("follow-up cost per turn", round(float(follow_ups) / len(shares) * 100, 4), "US cents", "", None,
               f"{follow_up_model} after each of {len(shares)} answers of {settings.ASSISTANT_MODEL}"),
        result("follow-up cost / turn cost", round(share * 100, 2), "%", f"< {TARGET:.0%}", share < TARGET,
               f"worst turn {worst * 100:.2f} %, turns ${float(turns) / len(shares):.4f} on average"),
    ]
