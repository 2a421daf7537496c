"""A 200-turn tool conversation against a model with a 30,000-token window, with and without
context management.

Each turn queries the demo database or reads a demo file (results of 1,000 to 5,000 tokens),
then answers. The local model server counts tokens and bills like the API, refuses requests
beyond its window, and writes summaries when asked. Without context management the same
script fails once its history reaches the window.
"""

from statistics import mean

from django.conf import settings

from bench.common import result, temporary_workspace

TURNS = 200
WINDOW = 30_000
STEPS = [
    ("query_database", {"query": "SELECT * FROM malaria_cases ORDER BY id LIMIT 60"}),
    ("read_file", {"path": "data/raw/2024/facility_reports_2024_01.csv", "start_line": 1, "end_line": 120}),
    ("describe_tables", {"table_name": "malaria_cases"}),
    ("query_database", {"query": "SELECT district, period, confirmed_cases FROM district_monthly_cases ORDER BY 1, 2 LIMIT 150"}),
    ("read_file", {"path": "reports/2024/annual_report_2024.md"}),
]


class Script:
    """One tool call per question, then a short answer; summaries when asked for one."""

    def __init__(self):
        self.turn = 0

    def __call__(self, body):
        from hexa.assistant.local_model import Reply, text_block, text_reply, tool_reply
        from hexa.assistant.local_model.demo import summary_of, summary_requested

        if summary_requested(body):
            return Reply([text_block(summary_of(body))])
        last = body["messages"][-1]["content"]
        if isinstance(last, list) and any(b.get("type") == "tool_result" for b in last):
            return text_reply(f"Turn {self.turn}: here is what the result shows. " + "Details follow. " * 20)
        self.turn += 1
        name, tool_input = STEPS[self.turn % len(STEPS)]
        return tool_reply([(name, tool_input)], text="Let me look.")


def _converse(user, workspace, compact):
    from hexa.assistant import compaction
    from hexa.assistant.local_model import LocalModelServer
    from hexa.assistant.models import Conversation, Message, UsageKind, UsageRecord
    from hexa.assistant.service import send_message

    server = LocalModelServer(Script(), context_window=WINDOW, record_requests=False).start()
    saved = (settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.ASSISTANT_OFFLINE_MODEL,
             settings.ASSISTANT_RATE_LIMIT, settings.ASSISTANT_CONTEXT_TOKENS, settings.ASSISTANT_MONTHLY_LIMIT_USD,
             compaction.ENABLED)
    settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.ASSISTANT_OFFLINE_MODEL = "bench", server.url, False
    settings.ASSISTANT_RATE_LIMIT, settings.ASSISTANT_MONTHLY_LIMIT_USD = "", ""  # not what is measured
    settings.ASSISTANT_CONTEXT_TOKENS, compaction.ENABLED = WINDOW, compact
    try:
        conversation = Conversation.objects.create(user=user, workspace=workspace, model=settings.ASSISTANT_MODEL)
        failed_at = None
        for n in range(TURNS):
            outcome = send_message(user, conversation.id, f"Question {n}: what does the data say?")
            if outcome.error_code:
                failed_at = (n + 1, outcome.error_code)
                break
        calls = UsageRecord.objects.filter(conversation_uuid=conversation.id, kind=UsageKind.MODEL_CALL)
        inputs = [c.input_tokens + c.cache_read_input_tokens + c.cache_creation_input_tokens for c in calls]
        answers = Message.objects.filter(conversation=conversation, role="assistant").order_by("index")
        conversation.refresh_from_db()
        return {
            "conversation": conversation,
            "failed_at": failed_at,
            "max_input": max(inputs),
            "turn_costs": [float(m.cost) for m in answers],
            "summaries": conversation.summaries.count(),
        }
    finally:
        (settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.ASSISTANT_OFFLINE_MODEL,
         settings.ASSISTANT_RATE_LIMIT, settings.ASSISTANT_CONTEXT_TOKENS, settings.ASSISTANT_MONTHLY_LIMIT_USD,
         compaction.ENABLED) = saved
        server.stop()


def run():
    from hexa.assistant.agent import MAX_OUTPUT_TOKENS
    from hexa.core.demo import _seed_bucket, _seed_database

    with temporary_workspace("Context") as (user, workspace):
        _seed_bucket(workspace)
        _seed_database(workspace)
        managed = _converse(user, workspace, compact=True)
        unmanaged = _converse(user, workspace, compact=False)
    budget = WINDOW - MAX_OUTPUT_TOKENS
    costs = managed["turn_costs"]
    early, late = mean(costs[50:100]), mean(costs[150:200])
    failed = unmanaged["failed_at"]
    return [
        result("turns completed, managed", managed["failed_at"][0] - 1 if managed["failed_at"] else TURNS,
               "turns", f"= {TURNS}", managed["failed_at"] is None, f"{managed['summaries']} summaries written"),
        result("largest request, managed", managed["max_input"], "tokens", f"<= {budget:,}", managed["max_input"] <= budget,
               f"window {WINDOW:,} less {MAX_OUTPUT_TOKENS:,} for the answer"),
        result("cost per turn 150-200 / 50-100", round(late / early, 2), "x", "<= 1.2", late / early <= 1.2,
               f"${early:.4f} then ${late:.4f} a turn"),
        result("total cost, managed", round(float(managed["conversation"].cost), 2), "USD", "", None, f"{TURNS} turns"),
        result("turns completed, unmanaged", failed[0] - 1 if failed else TURNS, "turns", "", None,
               f"failed with {failed[1]}" if failed else "did not fail"),
        result("total cost, unmanaged", round(float(unmanaged["conversation"].cost), 2), "USD", "", None,
               f"until it failed; the same turns managed: ${sum(costs[: failed[0] - 1]) if failed else 0:.2f}"),
    ]
