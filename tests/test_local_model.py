"""The local Messages API (hexa.assistant.local_model), checked through the real anthropic SDK.

No database: runs under pytest-django (no test requests `db`) and also alone with
`pytest tests/test_local_model.py -p no:django --noconftest`.
"""

import asyncio
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import anthropic
import pytest

from hexa.assistant.local_model import (
    LABEL,
    Billing,
    LocalModelServer,
    OfflineDemoResponder,
    Reply,
    ScriptedResponder,
    error_reply,
    max_tokens_reply,
    pick_tools,
    stream_error_reply,
    summarise_results,
    text_reply,
    tool_reply,
)
from hexa.assistant.local_model.demo import DEFAULT_CASES_SQL, DEFAULT_NOTE_PATH

from .support.models import TEST_MODEL as MODEL

HELLO = [{"role": "user", "content": "Hello"}]


@pytest.fixture
def serve():
    """serve(replies or responder, **server options) -> (server, sync client); servers stop after the test."""
    servers = []

    def start(replies, **options):
        responder = replies if callable(replies) else ScriptedResponder(replies)
        server = LocalModelServer(responder, **options).start()
        servers.append(server)
        return server, anthropic.Anthropic(api_key="test-key", base_url=server.url, max_retries=0)

    yield start
    for server in servers:
        server.stop()


def create(client, stream=False, **kwargs):
    """One model call, streamed or not; returns the final Message either way."""
    kwargs = {"model": MODEL, "max_tokens": 1024, "messages": HELLO, **kwargs}
    if not stream:
        return client.messages.create(**kwargs)
    with client.messages.stream(**kwargs) as events:
        for _ in events:
            pass
        return events.get_final_message()


def post(server, path="/v1/messages", body=None, headers=None):
    """A raw HTTP call: (status, headers, parsed body), for what the SDK will not send."""
    headers = {
        "content-type": "application/json",
        "x-api-key": "k",
        "anthropic-version": "2023-06-01",
        **(headers or {}),
    }
    headers = {k: v for k, v in headers.items() if v is not None}
    data = json.dumps(body if body is not None else {"model": MODEL, "max_tokens": 10, "messages": HELLO}).encode()
    request = urllib.request.Request(server.url + path, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


# -- messages, streaming and not ---------------------------------------------------------------


def test_text_reply_non_streaming(serve):
    server, client = serve([text_reply("Hello, I am a fake.")])
    message = client.messages.create(model=MODEL, max_tokens=100, messages=HELLO)

    assert message.id.startswith("msg_") and message.type == "message" and message.role == "assistant"
    assert message.model == MODEL
    assert [(b.type, b.text) for b in message.content] == [("text", "Hello, I am a fake.")]
    assert message.stop_reason == "end_turn" and message.stop_sequence is None
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0
    assert message.usage.cache_creation_input_tokens == 0 and message.usage.cache_read_input_tokens == 0
    [request] = server.requests
    assert request["path"] == "/v1/messages"
    # SDK 2.x sends the API key as a bearer token; the server accepts it or x-api-key.
    assert request["headers"]["authorization"] == "Bearer test-key"
    assert request["body"]["messages"] == HELLO and request["body"]["max_tokens"] == 100


def test_streamed_text_arrives_in_order_and_matches_the_final_message(serve):
    text = "Malaria cases fell by 12% in Bo district, while Kenema rose slightly."
    _, client = serve([text_reply(text)])
    with client.messages.stream(model=MODEL, max_tokens=100, messages=HELLO) as stream:
        deltas = list(stream.text_stream)
        final = stream.get_final_message()
        request_id = stream.request_id

    assert len(deltas) > 5 and "".join(deltas) == text
    assert final.content[0].text == text and final.stop_reason == "end_turn"
    assert final.usage.output_tokens > 1 and request_id.startswith("req_")


def test_raw_stream_has_the_api_event_sequence(serve):
    _, client = serve([tool_reply([("list_files", {"path": "data"})], text="Looking.")])
    response = client.messages.with_raw_response.create(model=MODEL, max_tokens=100, messages=HELLO, stream=True)
    assert response.headers["content-type"].startswith("text/event-stream")
    events = [(sse.event, sse.json()) for sse in anthropic.Stream.raw_events(response.http_response)]
    names = [name for name, _ in events]

    assert names[:2] == ["message_start", "ping"]
    start = events[0][1]["message"]
    assert start["content"] == [] and start["stop_reason"] is None and start["usage"]["output_tokens"] == 1
    assert set(start["usage"]) >= {"input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"}
    assert names[-2:] == ["message_delta", "message_stop"]
    assert events[-2][1]["delta"] == {"stop_reason": "tool_use", "stop_sequence": None}
    blocks = [data["content_block"] for name, data in events if name == "content_block_start"]
    assert blocks[0] == {"type": "text", "text": "", "citations": None}
    assert blocks[1]["type"] == "tool_use" and blocks[1]["input"] == {} and blocks[1]["id"].startswith("toolu_")
    json_parts = [d["delta"]["partial_json"] for n, d in events if n == "content_block_delta" and d["index"] == 1]
    assert json.loads("".join(json_parts)) == {"path": "data"}
    assert names.count("content_block_stop") == 2


@pytest.mark.parametrize("stream", [False, True])
def test_tool_use_input_is_parsed(serve, stream):
    tool_input = {"query": "SELECT district, SUM(confirmed_cases) FROM district_monthly_cases GROUP BY 1", "limit": 10}
    _, client = serve([tool_reply([("query_database", tool_input, "toolu_fixed")])])
    message = create(client, stream)

    assert message.stop_reason == "tool_use"
    [block] = message.content
    assert (block.type, block.id, block.name, block.input) == ("tool_use", "toolu_fixed", "query_database", tool_input)


@pytest.mark.parametrize("stream", [False, True])
def test_parallel_tool_calls(serve, stream):
    _, client = serve(
        [tool_reply([("list_files", {}), ("describe_tables", {"table_name": "districts"})], text="Both.")]
    )
    message = create(client, stream)

    assert [b.type for b in message.content] == ["text", "tool_use", "tool_use"]
    assert [(b.name, b.input) for b in message.content[1:]] == [
        ("list_files", {}),
        ("describe_tables", {"table_name": "districts"}),
    ]
    assert message.content[1].id != message.content[2].id


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("stop_reason", ["end_turn", "max_tokens", "pause_turn", "refusal", "stop_sequence"])
def test_each_stop_reason(serve, stream, stop_reason):
    stop_sequence = "\n\nHuman:" if stop_reason == "stop_sequence" else None
    _, client = serve([Reply([{"type": "text", "text": "Partial answer"}], stop_reason, stop_sequence=stop_sequence)])
    message = create(client, stream)
    assert (message.stop_reason, message.stop_sequence) == (stop_reason, stop_sequence)


@pytest.mark.parametrize("stream", [False, True])
def test_cut_off_tool_call_gives_the_same_partial_input_streamed_or_not(serve, stream):
    tool_input = {"query": "SELECT district FROM districts", "limit": 5}
    # Cut inside "limit": the SDK keeps the finished "query" member.
    cut = json.dumps(tool_input).index('"limit"') + 3
    _, client = serve([max_tokens_reply("I will query", tool=("query_database", tool_input), cut_at=cut)])
    message = create(client, stream)

    assert message.stop_reason == "max_tokens"
    assert [b.type for b in message.content] == ["text", "tool_use"]
    assert message.content[1].input == {"query": "SELECT district FROM districts"}


def test_cut_off_inside_a_string_leaves_an_empty_input(serve):
    _, client = serve([max_tokens_reply(tool=("write_file", {"path": "a.md", "content": "long"}), cut_at=5)] * 2)
    assert create(client).content[0].input == {}
    assert create(client, stream=True).content[0].input == {}


@pytest.mark.parametrize("stream", [False, True])
def test_thinking_blocks(serve, stream):
    thinking = {"type": "thinking", "thinking": "The user wants cases.", "signature": "sig123"}
    _, client = serve([Reply([thinking, {"type": "text", "text": "Answer"}])])
    message = create(client, stream)
    assert (message.content[0].type, message.content[0].thinking, message.content[0].signature) == (
        "thinking",
        "The user wants cases.",
        "sig123",
    )


def test_usage_override(serve):
    _, client = serve([text_reply("x", usage={"output_tokens": 42, "input_tokens": 7})])
    usage = create(client, stream=True).usage
    assert (usage.input_tokens, usage.output_tokens) == (7, 42)


def test_async_client(serve):
    server, _ = serve([text_reply("async one"), tool_reply([("list_files", {})])])

    async def run():
        async with anthropic.AsyncAnthropic(api_key="k", base_url=server.url, max_retries=0) as client:
            first = await client.messages.create(model=MODEL, max_tokens=10, messages=HELLO)
            async with client.messages.stream(model=MODEL, max_tokens=10, messages=HELLO) as stream:
                second = await stream.get_final_message()
        return first, second

    first, second = asyncio.run(run())
    assert first.content[0].text == "async one"
    assert second.content[0].name == "list_files" and second.stop_reason == "tool_use"


# -- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, exception",
    [
        (400, anthropic.BadRequestError),
        (401, anthropic.AuthenticationError),
        (403, anthropic.PermissionDeniedError),
        (404, anthropic.NotFoundError),
        (413, anthropic.ContentTooLargeError),
        (429, anthropic.RateLimitError),
        (500, anthropic.InternalServerError),
        (529, anthropic.OverloadedError),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_error_statuses_map_to_sdk_exceptions(serve, status, exception, stream):
    _, client = serve([error_reply(status)])
    with pytest.raises(exception) as caught:
        create(client, stream)
    assert caught.value.status_code == status
    assert caught.value.body["type"] == "error" and caught.value.type == error_reply(status).error_type
    assert caught.value.request_id.startswith("req_")


def test_overloaded_is_an_internal_server_error_subclass():
    assert issubclass(anthropic.OverloadedError, anthropic.InternalServerError)


def test_prompt_too_long_message(serve):
    _, client = serve([error_reply(400)])
    with pytest.raises(anthropic.BadRequestError, match="prompt is too long: 250000 tokens > 200000 maximum"):
        create(client)


def test_rate_limit_retry_after_reaches_the_exception(serve):
    _, client = serve([error_reply(429, retry_after=17)])
    with pytest.raises(anthropic.RateLimitError) as caught:
        create(client)
    assert caught.value.response.headers["retry-after"] == "17"


def test_sdk_retries_a_529_then_succeeds(serve):
    server, _ = serve([error_reply(529, retry_after=0.01), text_reply("after retry")])
    client = anthropic.Anthropic(api_key="k", base_url=server.url, max_retries=2)
    assert create(client).content[0].text == "after retry"
    assert len(server.requests) == 2


def test_mid_stream_error_raises_in_the_sdk(serve):
    _, client = serve([stream_error_reply("Let me look", "overloaded_error", "Overloaded")])
    seen = []
    with pytest.raises(anthropic.APIStatusError) as caught:
        with client.messages.stream(model=MODEL, max_tokens=10, messages=HELLO) as stream:
            for text in stream.text_stream:
                seen.append(text)
    # The HTTP status was 200; the error is identified by its body.
    assert caught.value.type == "overloaded_error" and caught.value.status_code == 200
    assert "".join(seen) == "Let me look"


def test_stream_error_reply_is_a_529_when_not_streaming(serve):
    _, client = serve([stream_error_reply()])
    with pytest.raises(anthropic.OverloadedError):
        create(client)


def test_script_exhausted(serve):
    _, client = serve([text_reply("only one")])
    create(client)
    with pytest.raises(anthropic.InternalServerError, match="script exhausted"):
        create(client)


def test_responder_exception_becomes_a_500(serve):
    def broken(body):
        raise RuntimeError("boom")

    _, client = serve([broken])
    with pytest.raises(anthropic.InternalServerError, match="RuntimeError: boom"):
        create(client)


def test_callable_reply_sees_the_request(serve):
    def echo(body):
        result = body["messages"][-1]["content"][0]
        return text_reply(f"{result['tool_use_id']} said {result['content']}")

    _, client = serve([tool_reply([("list_files", {}, "toolu_a")]), echo])
    first = create(client)
    messages = HELLO + [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_a", "content": "3 files"}]},
    ]
    assert create(client, messages=messages).content[0].text == "toolu_a said 3 files"


# -- request validation -------------------------------------------------------------------------


def _tool_turn(result_blocks):
    return [
        {"role": "user", "content": "List files"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "list_files", "input": {}}]},
        {"role": "user", "content": result_blocks},
    ]


@pytest.mark.parametrize(
    "messages, message",
    [
        (
            _tool_turn([{"type": "text", "text": "no result"}]),
            "`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1",
        ),
        (
            _tool_turn([{"type": "tool_result", "tool_use_id": t, "content": "x"} for t in ("toolu_1", "toolu_other")]),
            "unexpected `tool_use_id` found in `tool_result` blocks: toolu_other",
        ),
        (
            _tool_turn(
                [{"type": "text", "text": "first"}, {"type": "tool_result", "tool_use_id": "toolu_1", "content": "x"}]
            ),
            "`tool_result` blocks must come first",
        ),
        (
            _tool_turn([{"type": "tool_result", "tool_use_id": "toolu_1", "content": "x"}])[:2],
            "`tool_use` ids were found without",
        ),
        ([{"role": "assistant", "content": "Hi"}], 'first message must use the "user" role'),
        ([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}], "roles must alternate"),
        ([{"role": "user", "content": [{"type": "text", "text": ""}]}], "text content blocks must be non-empty"),
        ([], "at least one message is required"),
    ],
)
def test_invalid_conversations_are_400(serve, messages, message):
    server, client = serve([text_reply("never")])
    with pytest.raises(anthropic.BadRequestError, match=message.replace("(", r"\(")) as caught:
        create(client, messages=messages)
    assert caught.value.type == "invalid_request_error"
    assert server.responder.calls == 0  # refused before the model is asked


def test_answered_tool_use_is_accepted(serve):
    _, client = serve([text_reply("ok")])
    messages = _tool_turn(
        [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "x"}, {"type": "text", "text": "and?"}]
    )
    assert create(client, messages=messages).content[0].text == "ok"


@pytest.mark.parametrize("missing", ["model", "max_tokens", "messages"])
def test_missing_required_fields(serve, missing):
    server, _ = serve([text_reply("never")])
    body = {"model": MODEL, "max_tokens": 10, "messages": HELLO}
    del body[missing]
    status, _, error = post(server, body=body)
    assert status == 400 and error == {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": f"{missing}: Field required"},
    }


def test_missing_api_key_is_401_and_unknown_path_is_404(serve):
    server, _ = serve([text_reply("never")])
    status, headers, error = post(server, headers={"x-api-key": None})
    assert status == 401 and error["error"]["type"] == "authentication_error"
    assert headers["request-id"].startswith("req_") and headers["content-type"] == "application/json"
    status, _, error = post(server, path="/v1/complete")
    assert status == 404 and error["error"]["type"] == "not_found_error"


def test_more_than_four_cache_breakpoints_is_400(serve):
    _, client = serve([text_reply("never")])
    system = [{"type": "text", "text": f"part {i}", "cache_control": {"type": "ephemeral"}} for i in range(5)]
    with pytest.raises(
        anthropic.BadRequestError, match="A maximum of 4 blocks with cache_control may be provided. Found 5."
    ):
        create(client, system=system)


def test_count_tokens(serve):
    _, client = serve([])
    counted = client.messages.count_tokens(model=MODEL, messages=HELLO, system="Be brief.")
    assert counted.input_tokens == Billing().count_input_tokens({"messages": HELLO, "system": "Be brief."})


# -- concurrency and timing -------------------------------------------------------------------------


def test_32_parallel_calls_are_served_at_once(serve):
    _, client = serve(lambda body: text_reply("parallel"), latency=0.5)
    results, errors = [], []

    def call(i):
        try:
            results.append(create(client, stream=i % 2 == 0).content[0].text)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    started = time.perf_counter()
    threads = [threading.Thread(target=call, args=(i,)) for i in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started

    assert not errors and results == ["parallel"] * 32
    assert elapsed < 3.0, f"32 calls with 0.5 s latency took {elapsed:.2f} s: requests are not served in parallel"


def test_32_parallel_async_calls(serve):
    server, _ = serve(lambda body: text_reply("async"), latency=0.5)

    async def run():
        async with anthropic.AsyncAnthropic(api_key="k", base_url=server.url, max_retries=0) as client:
            calls = [client.messages.create(model=MODEL, max_tokens=10, messages=HELLO) for _ in range(32)]
            return await asyncio.gather(*calls)

    started = time.perf_counter()
    messages = asyncio.run(run())
    assert len(messages) == 32 and time.perf_counter() - started < 3.0


def test_chunk_delay_spaces_the_deltas(serve):
    _, client = serve([text_reply("one two three four five")], chunk_delay=0.05)
    with client.messages.stream(model=MODEL, max_tokens=10, messages=HELLO) as stream:
        arrivals = [time.perf_counter() for _ in stream.text_stream]
    assert len(arrivals) == 5 and arrivals[-1] - arrivals[0] >= 0.15


def test_stop_closes_idle_keep_alive_connections(serve):
    server, client = serve([text_reply("a")])
    create(client)
    server.stop()
    with pytest.raises(anthropic.APIConnectionError):
        create(client)


# -- billing and prompt caching -----------------------------------------------------------------------

BIG = "x" * 20_000  # 5000 estimated tokens: above the model's 4096 minimum (Opus 4.6)


def cached_body(system_text=BIG, question="Hello", model=MODEL, extra_messages=()):
    return {
        "model": model,
        "max_tokens": 10,
        "system": [{"type": "text", "text": system_text, "cache_control": {"type": "ephemeral"}}],
        "messages": [*extra_messages, {"role": "user", "content": question}],
    }


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_write_then_read():
    billing = Billing()
    first = billing.usage(cached_body(question="first"), output_tokens=3)
    second = billing.usage(cached_body(question="a second, different question"), output_tokens=3)

    assert first["cache_read_input_tokens"] == 0 and first["cache_creation_input_tokens"] > 4096
    assert first["cache_creation"]["ephemeral_5m_input_tokens"] == first["cache_creation_input_tokens"]
    assert second["cache_read_input_tokens"] == first["cache_creation_input_tokens"]
    assert second["cache_creation_input_tokens"] == 0
    assert second["input_tokens"] > first["input_tokens"]  # the longer question, after the breakpoint
    assert second["output_tokens"] == 3


def test_below_the_model_minimum_nothing_is_cached():
    small = "x" * 8_000  # 2000 tokens: enough for Sonnet (1024), not for Opus 4.6 (4096)
    billing = Billing()
    opus = billing.usage(cached_body(small), 1)
    assert opus["cache_creation_input_tokens"] == 0 and opus["input_tokens"] == Billing().count_input_tokens(
        cached_body(small)
    )
    assert billing.usage(cached_body(small), 1)["cache_read_input_tokens"] == 0
    assert billing.usage(cached_body(small, model="claude-sonnet-4-5"), 1)["cache_creation_input_tokens"] > 1024
    assert Billing(min_cacheable_tokens=100).usage(cached_body(small), 1)["cache_creation_input_tokens"] > 0


def test_a_change_in_an_early_block_invalidates_the_cache():
    billing = Billing()
    billing.usage(cached_body(), 1)
    changed = billing.usage(cached_body(system_text=BIG[:-1] + "y"), 1)
    assert changed["cache_read_input_tokens"] == 0 and changed["cache_creation_input_tokens"] > 0
    other_model = billing.usage(cached_body(model="claude-haiku-4-5"), 1)
    assert other_model["cache_read_input_tokens"] == 0  # caches are per model


def test_tools_come_before_system_in_the_prefix():
    tools = [{"name": "t", "description": "d", "input_schema": {"type": "object"}}]
    billing = Billing()
    billing.usage(dict(cached_body(), tools=tools), 1)
    assert billing.usage(dict(cached_body(), tools=tools), 1)["cache_read_input_tokens"] > 0
    changed_tools = [dict(tools[0], description="changed")]
    assert billing.usage(dict(cached_body(), tools=changed_tools), 1)["cache_read_input_tokens"] == 0


def test_a_growing_conversation_reads_the_previous_prefix_and_writes_the_rest():
    """The agent moves its breakpoint to the last message each round; the read prefix is
    found up to 20 blocks before the new breakpoint."""
    billing = Billing()
    history = [
        {"role": "user", "content": [{"type": "text", "text": "q" * 40, "cache_control": {"type": "ephemeral"}}]}
    ]
    body = {"model": MODEL, "max_tokens": 10, "system": BIG, "messages": history}
    first = billing.usage(body, 1)
    assert first["cache_creation_input_tokens"] == billing.count_input_tokens(body)

    plain_first = [{"role": "user", "content": [{"type": "text", "text": "q" * 40}]}]
    later = plain_first + [
        {"role": "assistant", "content": [{"type": "text", "text": f"a{i}"} for i in range(9)]},
        {"role": "user", "content": [{"type": "text", "text": "more", "cache_control": {"type": "ephemeral"}}]},
    ]
    second = billing.usage(dict(body, messages=later), 1)
    assert second["cache_read_input_tokens"] == first["cache_creation_input_tokens"]
    assert (
        second["cache_creation_input_tokens"]
        == billing.count_input_tokens(dict(body, messages=later)) - second["cache_read_input_tokens"]
    )
    assert second["input_tokens"] == 0


def test_lookback_is_limited_to_20_blocks():
    billing = Billing(min_cacheable_tokens=1)
    head = [{"type": "text", "text": "head", "cache_control": {"type": "ephemeral"}}]
    billing.usage({"model": MODEL, "messages": [{"role": "user", "content": head}]}, 1)
    far = [{"type": "text", "text": "head"}] + [{"type": "text", "text": f"b{i}"} for i in range(20)]
    far[-1]["cache_control"] = {"type": "ephemeral"}
    assert (
        billing.usage({"model": MODEL, "messages": [{"role": "user", "content": far}]}, 1)["cache_read_input_tokens"]
        == 0
    )
    near = far[:20]
    near[-1] = dict(near[-1], cache_control={"type": "ephemeral"})
    assert (
        billing.usage({"model": MODEL, "messages": [{"role": "user", "content": near}]}, 1)["cache_read_input_tokens"]
        > 0
    )


def test_ttl_expires_and_reads_refresh_it():
    clock = FakeClock()
    billing = Billing(clock=clock)
    billing.usage(cached_body(), 1)
    clock.now += 299
    assert billing.usage(cached_body(), 1)["cache_read_input_tokens"] > 0  # refreshes to 5 more minutes
    clock.now += 299
    assert billing.usage(cached_body(), 1)["cache_read_input_tokens"] > 0
    clock.now += 301
    expired = billing.usage(cached_body(), 1)
    assert expired["cache_read_input_tokens"] == 0 and expired["cache_creation_input_tokens"] > 0


def test_one_hour_ttl():
    clock = FakeClock()
    billing = Billing(clock=clock)
    body = cached_body()
    body["system"][0]["cache_control"]["ttl"] = "1h"
    usage = billing.usage(body, 1)
    assert usage["cache_creation"] == {
        "ephemeral_5m_input_tokens": 0,
        "ephemeral_1h_input_tokens": usage["cache_creation_input_tokens"],
    }
    clock.now += 1800
    assert billing.usage(body, 1)["cache_read_input_tokens"] > 0


def test_disabled_billing_counts_everything_as_input():
    billing = Billing(enabled=False)
    for _ in range(2):
        usage = billing.usage(cached_body(), 1)
        assert usage["cache_read_input_tokens"] == usage["cache_creation_input_tokens"] == 0
        assert usage["input_tokens"] == billing.count_input_tokens(cached_body())


def test_prompt_caching_seen_through_the_sdk(serve):
    _, client = serve([text_reply("one"), text_reply("two")])
    system = [{"type": "text", "text": BIG, "cache_control": {"type": "ephemeral"}}]
    first = create(client, system=system).usage
    second = create(
        client, stream=True, system=system, messages=[{"role": "user", "content": "Another question"}]
    ).usage

    assert first.cache_creation_input_tokens > 4096 and first.cache_read_input_tokens == 0
    assert second.cache_read_input_tokens == first.cache_creation_input_tokens
    assert second.cache_creation_input_tokens == 0 and second.input_tokens > 0


# -- the offline demo model -------------------------------------------------------------------------


def tool_definitions():
    """The assistant's real tool schemas; Django settings are configured minimally when no
    test settings are loaded (this module must also run without pytest-django)."""
    from django.conf import settings

    if not settings.configured:
        settings.configure(
            ASSISTANT_READ_MAX_BYTES=200_000,
            ASSISTANT_WRITE_MAX_BYTES=1_000_000,
            ASSISTANT_QUERY_MAX_ROWS=1000,
            ASSISTANT_QUERY_TIMEOUT_MS=10_000,
        )
    from hexa.assistant.tools import tool_definitions

    return tool_definitions()


TYPES = {"string": str, "integer": int, "object": dict}


def assert_fits_schema(name, tool_input, tools):
    schema = next(t["input_schema"] for t in tools if t["name"] == name)
    assert set(tool_input) <= set(schema["properties"]), (name, tool_input)
    assert set(schema.get("required", [])) <= set(tool_input), (name, tool_input)
    for key, value in tool_input.items():
        kinds = schema["properties"][key]["type"]
        kinds = kinds if isinstance(kinds, list) else [kinds]
        assert isinstance(value, tuple(TYPES[kind] for kind in kinds)), (name, key, value)


ALL_TOOLS = {"list_files", "read_file", "write_file", "search_files", "query_database", "describe_tables", "query_files"}


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Which districts had the most malaria cases?", [("query_database", {"query": DEFAULT_CASES_SQL})]),
        (
            "Run this:\n```sql\nSELECT name FROM districts;\n```",
            [("query_database", {"query": "SELECT name FROM districts"})],
        ),
        ("select count(*) from malaria_cases", [("query_database", {"query": "select count(*) from malaria_cases"})]),
        ("SELECT 1", [("query_database", {"query": "SELECT 1"})]),
        (
            "WITH t AS (SELECT 1) SELECT * FROM t",
            [("query_database", {"query": "WITH t AS (SELECT 1) SELECT * FROM t"})],
        ),
        ("Select the files in data/raw", [("list_files", {"path": "data/raw"})]),
        ("With the data, which districts had the most cases?", [("query_database", {"query": DEFAULT_CASES_SQL})]),
        ("What tables are in the database?", [("describe_tables", {})]),
        ("Describe the malaria_cases table", [("describe_tables", {"table_name": "malaria_cases"})]),
        (
            "Which columns does table health_facilities have?",
            [("describe_tables", {"table_name": "health_facilities"})],
        ),
        ("Describe `district_monthly_cases`", [("describe_tables", {"table_name": "district_monthly_cases"})]),
        ("Read reports/2024/summary.md", [("read_file", {"path": "reports/2024/summary.md"})]),
        ("Open districts.csv please", [("search_files", {"pattern": "districts.csv"})]),
        ("List the files in the bucket", [("list_files", {})]),
        ("What is in the reports folder?", [("list_files", {"path": "reports"})]),
        ("Show files in data/raw", [("list_files", {"path": "data/raw"})]),
        ("Find all *.csv files", [("search_files", {"pattern": "*.csv"})]),
        (
            "Search csv files in the data folder containing Kenema",
            [("search_files", {"pattern": "*.csv", "path": "data", "contains": "Kenema"})],
        ),
        ("Save a note to notes/todo.md", [("write_file", {"path": "notes/todo.md"})]),
        ("Please write a note", [("write_file", {"path": DEFAULT_NOTE_PATH})]),
        (
            "List the files in the bucket and tell me which districts had the most cases",
            [("list_files", {}), ("query_database", {"query": DEFAULT_CASES_SQL})],
        ),
        ("Hello, who are you?", []),
        (
            "Total confirmed cases per district in data/raw/2024/*.csv",
            [("query_files", {"files": {"data": "data/raw/2024/*.csv"}, "sql": (
                "SELECT district, SUM(confirmed_cases) AS sum_confirmed_cases FROM data GROUP BY district "
                "ORDER BY sum_confirmed_cases DESC")})],
        ),
        (
            "Average tested by period in data/processed/facility_reports_2024.parquet",
            [("query_files", {"files": {"data": "data/processed/facility_reports_2024.parquet"}, "sql": (
                "SELECT period, AVG(tested) AS avg_tested FROM data GROUP BY period ORDER BY avg_tested DESC")})],
        ),
        ("What is in the HMIS workbook?", [("read_file", {"path": "data/hmis/hmis_monthly_2024.xlsx"})]),
        (
            "Show the Facilities sheet of data/hmis/hmis_monthly_2024.xlsx",
            [("read_file", {"path": "data/hmis/hmis_monthly_2024.xlsx", "sheet": "Facilities"})],
        ),
    ],
)
def test_demo_picks_tools_from_words(sentence, expected):
    calls = pick_tools(sentence, ALL_TOOLS)
    # write_file content is generated; compare the rest exactly
    got = [(name, {k: v for k, v in tool_input.items() if k != "content"}) for name, tool_input in calls]
    assert got == expected
    tools = tool_definitions()
    for name, tool_input in calls:
        assert_fits_schema(name, tool_input, tools)
        if name == "write_file":
            assert sentence in tool_input["content"] and "offline demo model — not Claude" in tool_input["content"]


def test_demo_only_uses_offered_tools():
    assert pick_tools("Which districts had the most malaria cases?", {"list_files"}) == []


def _demo_body(text, tools):
    return {"model": MODEL, "max_tokens": 1000, "tools": tools, "messages": [{"role": "user", "content": text}]}


def test_demo_end_to_end_with_tool_results(serve):
    tools = tool_definitions()
    _, client = serve(OfflineDemoResponder())
    question = [
        {"role": "user", "content": "List the files in the bucket and which districts had the most malaria cases?"}
    ]
    first = create(client, stream=True, tools=tools, messages=question)

    assert first.stop_reason == "tool_use"
    assert first.content[0].type == "text" and first.content[0].text.startswith(LABEL)
    calls = [b for b in first.content if b.type == "tool_use"]
    assert [c.name for c in calls] == ["list_files", "query_database"]

    rows = [[f"District {i}", 1000 - i] for i in range(25)]
    results = {
        "list_files": {
            "path": "",
            "entries": [{"name": "data", "type": "directory"}, {"name": "notes.md", "type": "file", "size": 2048}],
            "has_more": False,
        },
        "query_database": {
            "columns": ["district", "confirmed_cases"],
            "rows": rows,
            "row_count": 25,
            "truncated": True,
        },
    }
    messages = question + [
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": c.id, "content": json.dumps(results[c.name])} for c in calls
            ],
        },
    ]
    answer = create(client, stream=True, tools=tools, messages=messages)
    text = answer.content[0].text

    assert answer.stop_reason == "end_turn" and text.startswith(LABEL)
    assert "- `data/` — folder" in text and "- `notes.md` — 2.0 kB" in text
    assert "| district | confirmed_cases |" in text and "| District 19 | 981 |" in text and "District 20" not in text
    assert "25 rows (truncated)" in text


@pytest.mark.parametrize(
    "name, tool_input, result, expected",
    [
        (
            "read_file",
            {"path": "reports/summary.md"},
            {"path": "reports/summary.md", "content": "# Title\n" + "line\n" * 30, "size": 160, "truncated": False},
            ["```markdown\n# Title\nline", "first 20 of 31 lines"],
        ),
        (
            "describe_tables",
            {},
            {"tables": [{"name": "districts", "columns": [{"name": "id"}, {"name": "name"}]}]},
            ["- **districts**: id, name"],
        ),
        (
            "write_file",
            {"path": "notes/a.md", "content": "x"},
            {"status": "pending_approval", "path": "notes/a.md"},
            ["I proposed writing `notes/a.md`; approve it to save."],
        ),
        (
            "query_database",
            {"query": "SELEC"},
            {"error": {"code": "INVALID_SQL", "message": 'syntax error at or near "SELEC"'}},
            ["error **INVALID_SQL**", "syntax error"],
        ),
        (
            "search_files",
            {"pattern": "*.csv"},
            {"matches": [{"path": "data/a.csv"}, {"path": "b.csv"}], "truncated": False},
            ["2 file(s) found", "- `data/a.csv`"],
        ),
    ],
)
def test_demo_summarises_each_tool(name, tool_input, result, expected):
    body = {
        "model": MODEL,
        "max_tokens": 100,
        "messages": [
            {"role": "user", "content": "question"},
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "toolu_1", "name": name, "input": tool_input}],
            },
            {
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": "toolu_1",
                        "content": [{"type": "text", "text": json.dumps(result)}],
                    }
                ],
            },
        ],
    }
    reply = OfflineDemoResponder()(body)
    text = reply.content[0]["text"]
    assert reply.stop_reason == "end_turn" and text.startswith(LABEL)
    for fragment in expected:
        assert fragment in text


def test_demo_reads_a_result_the_agent_cut_short():
    rows = [[f"District {i}", i] for i in range(100)]
    text = json.dumps({"columns": ["district", "cases"], "rows": rows, "row_count": 100, "truncated": False})
    cut = text[:600] + "\n[Result cut at 600 characters.]"
    calls = {"toolu_1": {"name": "query_database", "input": {"query": "SELECT 1"}}}
    summary = summarise_results([{"type": "tool_result", "tool_use_id": "toolu_1", "content": cut}], calls)
    assert "| district | cases |" in summary and "| District 3 | 3 |" in summary


def test_demo_help_text_is_labelled(serve):
    _, client = serve(OfflineDemoResponder())
    message = create(client, tools=tool_definitions(), messages=[{"role": "user", "content": "Good morning"}])
    assert message.stop_reason == "end_turn" and message.content[0].text.startswith(LABEL)
    assert (
        "offline demo model — not Claude" in message.content[0].text and "ANTHROPIC_API_KEY" in message.content[0].text
    )


def test_demo_is_deterministic():
    body = _demo_body(
        "Describe the districts table and find *.md files",
        [{"name": n, "input_schema": {"type": "object"}} for n in ALL_TOOLS],
    )
    first, second = OfflineDemoResponder()(body), OfflineDemoResponder()(body)

    def strip(reply):
        return [{k: v for k, v in b.items() if k != "id"} for b in reply.content]

    assert strip(first) == strip(second)


def test_command_line_server_answers_as_the_offline_demo():
    """`python -m hexa.assistant.local_model` (what `make run` starts), without Django."""
    process = subprocess.Popen(
        [sys.executable, "-m", "hexa.assistant.local_model", "--port", "0", "--chunk-delay", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().split()[-1]
        assert url.startswith("http://127.0.0.1:")
        client = anthropic.Anthropic(api_key="k", base_url=url, max_retries=0)
        tools = [{"name": "describe_tables", "input_schema": {"type": "object", "properties": {}}}]
        message = create(
            client, stream=True, tools=tools, messages=[{"role": "user", "content": "Which tables exist?"}]
        )
        assert message.content[0].text.startswith(LABEL)
        assert [(b.name, b.input) for b in message.content[1:]] == [("describe_tables", {})]
    finally:
        process.terminate()
        process.wait(timeout=5)
