"""Cost of a scripted 10-turn conversation with tool calls, with and without prompt caching.

The local model server bills like Anthropic: cache prefixes at the request's breakpoints,
a 4096-token minimum on Opus 4.5, cache writes at 1.25× and reads at 0.1× the input price.
"""

from django.conf import settings

from bench.common import result, temporary_workspace

QUESTIONS = [
    ("Which tables are in the database?", [("describe_tables", {})]),
    ("Describe the malaria_cases table.", [("describe_tables", {"table_name": "malaria_cases"})]),
    ("Which districts had the most confirmed cases?", [("query_database", {"query": "SELECT district, SUM(confirmed_cases) AS cases FROM district_monthly_cases GROUP BY district ORDER BY cases DESC"})]),
    ("And per year?", [("query_database", {"query": "SELECT extract(year FROM period) AS year, SUM(confirmed_cases) FROM malaria_cases GROUP BY 1 ORDER BY 1"})]),
    ("What files are in the bucket?", [("list_files", {"path": ""}), ("list_files", {"path": "data/raw/2024"})]),
    ("Read the annual report.", [("read_file", {"path": "reports/2024/annual_report_2024.md"})]),
    ("Find the CSV files mentioning Kenema.", [("search_files", {"pattern": "*.csv", "contains": "Kenema"})]),
    ("Show the first lines of the January reports.", [("read_file", {"path": "data/raw/2024/facility_reports_2024_01.csv", "start_line": 1, "end_line": 40})]),
    ("Positivity per region in 2024?", [("query_database", {"query": "SELECT d.region, round(SUM(c.confirmed_cases)::numeric / SUM(c.tested), 3) FROM malaria_cases c JOIN health_facilities f ON f.id = c.facility_id JOIN districts d ON d.id = f.district_id WHERE c.period >= '2024-01-01' GROUP BY 1"})]),
    ("Summarise what we found.", []),
]


def _converse(user, workspace, billing_enabled):
    from hexa.assistant.local_model import Billing, LocalModelServer, ScriptedResponder, text_reply, tool_reply
    from hexa.assistant.models import Conversation
    from hexa.assistant.service import send_message

    replies = []
    for question, calls in QUESTIONS:
        if calls:
            replies.append(tool_reply(calls, text="Let me check."))
        replies.append(text_reply(f"Here is what I found about: {question} " + "Details follow. " * 40))
    server = LocalModelServer(ScriptedResponder(replies), billing=Billing(enabled=billing_enabled)).start()
    saved = settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.ASSISTANT_OFFLINE_MODEL, settings.ASSISTANT_RATE_LIMIT
    settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.ASSISTANT_OFFLINE_MODEL = "bench", server.url, False
    settings.ASSISTANT_RATE_LIMIT = ""  # 20 messages in a few seconds: not what is measured
    try:
        conversation = Conversation.objects.create(user=user, workspace=workspace, model=settings.ASSISTANT_MODEL)
        for question, _ in QUESTIONS:
            outcome = send_message(user, conversation.id, question)
            assert outcome.error_code is None, outcome.message.error_message
        conversation.refresh_from_db()
        return conversation
    finally:
        (settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.ASSISTANT_OFFLINE_MODEL,
         settings.ASSISTANT_RATE_LIMIT) = saved
        server.stop()


def run():
    from hexa.core.demo import _seed_bucket, _seed_database

    with temporary_workspace("Cost") as (user, workspace):
        _seed_bucket(workspace)
        _seed_database(workspace)
        cached = _converse(user, workspace, billing_enabled=True)
        uncached = _converse(user, workspace, billing_enabled=False)
    saving = 1 - cached.cost / uncached.cost
    return [
        result("10-turn cost, caching on", float(cached.cost), "USD", "", None,
               f"read {cached.cache_read_input_tokens:,} / write {cached.cache_creation_input_tokens:,} / plain {cached.input_tokens:,} tokens"),
        result("10-turn cost, caching off", float(uncached.cost), "USD", "", None, f"{uncached.input_tokens:,} input tokens"),
        result("cost saved by caching", round(float(saving) * 100, 1), "%", ">= 60 %", saving >= 0.6),
    ]
