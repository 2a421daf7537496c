"""The Claude tool-use loop for one turn of a conversation.

Nothing is lost: the user message is stored before the turn runs, each model response
and each tool execution is stored as it happens (and billed as soon as the API reports
usage, cut calls included), and a failure keeps what was done so far and marks the turn
failed with a typed code. A turn runs from what is stored, so it can be resumed.
"""

import json
import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace

import httpx
from django.conf import settings
from django.db import DatabaseError

from hexa.core.db import is_connection_error, retry_db, riding_out
from hexa.core.rows import columns, fetch_instances, table

from . import leases
from .leases import TurnCancelled, TurnInterrupted
from .model_http import CallCut, http_client
from .context import workspace_context
from .compaction import ContextManager
from .history import with_cache_breakpoints
from .logs import log_event
from .models import AWAITING_USER, Conversation, Message, MessageStatus, ToolExecution, ToolExecutionStatus
from .prompts import instructions_block, system_prompt
from .data_policy import tool_result_block
from .retired_models import is_retired
from .sdk import sdk
from .workspace_settings import conversation_model, enabled_tools, settings_for
from .events import EventType
from .errors import AssistantError, ErrorCode, ToolErrorCode, is_error
from .pricing import TOKEN_FIELDS, TokenUsage, cost_of
from .tool_executors import run_tool
from .tools import TOOLS, tool_definitions
from .workspace_sources import workspace_sources
from .recording import (
    drop_model_call,
    note_call_started,
    open_model_call,
    record_model_call,
    record_tool_call,
    execute_statement,
    message_statement,
    save_message,
    tokens_for_chars,
    tool_start_statement,
)
from .usage import BudgetExceeded, check_budgets
from .waiting import hold

logger = logging.getLogger(__name__)

MAX_OUTPUT_TOKENS = 8192
# A tool input longer than this (e.g. a 5 MB write_file) is kept once, on its tool
# execution, and replaced by a note in what is sent back to the model.
TOOL_INPUT_MAX_CHARS_IN_HISTORY = 20_000

CUT_OFF_TOOL_CALL = (
    "Your response reached the output token limit before this tool call was complete, so it was "
    "not run. Make the call again with a shorter input (for a long file, write less at once)."
)


class ModelCallCut(Exception):
    """A model call that ended before its final message (cut stream, overload mid-stream,
    malformed tool JSON, Stop): what the API reported so far, to bill and keep.
    `final_usage`: the call's last usage (`message_delta`), when it came all the same."""

    def __init__(self, error: BaseException, snapshot, final_usage=None):
        super().__init__(str(error))
        self.error = error
        self.snapshot = snapshot
        self.final_usage = final_usage


@dataclass
class TurnResult:
    user_message: Message
    message: Message  # the assistant's answer, complete or not
    error_code: str | None = None
    # The turn's last event, `done` or `error`: stored by the caller together with the end
    # of the turn, so that whoever sees it also sees the conversation free again.
    terminal_event: tuple[str, dict] | None = None
    # the turn waits for the user (a question, writes to approve): see waiting.py
    waiting: bool = False


# A rate limit asking to wait longer than this is not waited out by the SDK's retries (which
# honour `retry-after`, up to ASSISTANT_API_MAX_RETRIES times): the turn ends at once with
# RATE_LIMITED and the wait, and the page counts it down, instead of a silent minute.
RATE_LIMIT_WAIT_MAX_S = 5


@lru_cache(maxsize=1)
def _client_class() -> type:
    """The SDK's client, but for long rate-limit waits: the SDK decides on retries in
    `_should_retry` (its documented hook for custom retry rules is the `x-should-retry`
    header, which only the server sets). Made at first use, with the SDK (sdk.py)."""

    class Client(sdk().Anthropic):
        def _should_retry(self, response) -> bool:
            if response.status_code == 429 and (retry_after_s(response) or 0) > RATE_LIMIT_WAIT_MAX_S:
                return False
            return super()._should_retry(response)

    return Client


@lru_cache(maxsize=4)
def _client(api_key, base_url, max_retries, timeout):
    # One client per process and configuration: it is thread-safe, and creating one (TLS
    # context, connection pool) costs more CPU than a whole turn's own work.
    # Its HTTP client lets a turn that must stop cut its call at once (model_http).
    return _client_class()(api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout, http_client=http_client())


def make_client():
    if not settings.ANTHROPIC_API_KEY:
        raise AssistantError(
            ErrorCode.ASSISTANT_NOT_CONFIGURED, "The assistant is not configured: ANTHROPIC_API_KEY is not set on the server."
        )
    return _client(
        settings.ANTHROPIC_API_KEY,
        settings.ANTHROPIC_BASE_URL or None,
        settings.ASSISTANT_API_MAX_RETRIES,
        settings.ASSISTANT_API_TIMEOUT_S,
    )


def retry_after_s(response) -> int | None:
    """The seconds an API answer's `retry-after` header asks for, if it says."""
    value = response.headers.get("retry-after") if response is not None else None
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return None
    return max(1, math.ceil(seconds)) if seconds > 0 else None


def api_error_code(error: Exception) -> tuple[str, str, dict]:
    """A typed code, a plain message and details (`retry_after`) for an SDK exception.
    The API's own words go to the log, not to the user: they may quote the request."""
    if isinstance(error, (sdk().AuthenticationError, sdk().PermissionDeniedError)):
        return ErrorCode.AUTHENTICATION_FAILED, "The Anthropic API refused the server's credentials.", {}
    if isinstance(error, sdk().RateLimitError):
        retry_after = retry_after_s(error.response)
        if retry_after:
            return ErrorCode.RATE_LIMITED, f"The Anthropic API rate limit was reached. Retry in {retry_after} s.", {"retry_after": retry_after}
        return ErrorCode.RATE_LIMITED, "The Anthropic API rate limit was reached. Retry in a moment.", {}
    # 529, or an overload reported in the middle of a stream (HTTP status 200)
    if isinstance(error, sdk().APIStatusError) and (
        error.status_code == 529 or getattr(error, "type", None) == "overloaded_error"
    ):
        return ErrorCode.OVERLOADED, "The model is overloaded right now. Retry in a moment.", {}
    if isinstance(error, sdk().APIStatusError) and error.status_code == 413:
        return ErrorCode.REQUEST_TOO_LARGE, (
            "This request was too large for the model's API (it limits the size of one request). "
            "Start a new conversation, or ask for smaller results."
        ), {}
    if isinstance(error, sdk().BadRequestError) and any(
        words in str(error).lower() for words in ("too long", "exceed context limit")
    ):
        return ErrorCode.CONTEXT_TOO_LONG, "This conversation is too long for the model. Start a new conversation.", {}
    if isinstance(error, sdk().APITimeoutError):
        return ErrorCode.API_ERROR, "The Anthropic API did not answer in time.", {}
    if isinstance(error, sdk().APIConnectionError):
        return ErrorCode.API_ERROR, "The Anthropic API could not be reached.", {}
    logger.warning("Anthropic API error: %s", str(error)[:2000])
    if isinstance(error, sdk().APIStatusError):
        return ErrorCode.API_ERROR, f"The Anthropic API failed (HTTP {error.status_code}). Retry in a moment.", {}
    return ErrorCode.API_ERROR, "The Anthropic API failed. Retry in a moment.", {}


def _dump_block(block) -> dict:
    """A content block as the API wants it back in the next request."""
    data = block.model_dump(mode="json", exclude_none=True)
    if data.get("type") == "text":
        data.pop("citations", None)
    return data


def _snapshot(stream):
    """What a cut stream had received: its message so far (usage included), or None."""
    try:
        return stream.current_message_snapshot
    except Exception:  # no message_start yet: nothing was billed
        return None


def _final_usage(stream):
    """The usage of the call's `message_delta`, read from the rest of a stream whose
    accumulation failed (malformed tool JSON): the API bills the whole response. None if the
    stream ends without it."""
    try:
        for event in stream._raw_stream:  # the SDK's stream of raw events, where it stopped
            if event.type == "message_delta":
                return event.usage
            if event.type == "message_stop":
                return None
    except Exception:  # cut as well: the estimate stands
        return None
    return None


def streamed_output_chars(content) -> int:
    """Characters of output in a response's blocks so far: text, tool input, thinking."""
    chars = 0
    for block in content or ():
        kind = getattr(block, "type", None)
        if kind == "text":
            chars += len(block.text or "")
        elif kind == "tool_use":
            chars += len(block.name or "") + len(json.dumps(block.input, ensure_ascii=False, default=str))
        elif kind == "thinking":
            chars += len(getattr(block, "thinking", "") or "")
    return chars


def _normalised_input(raw) -> dict:
    """A tool_use input as it may be sent back to the API: always an object, and bounded.

    Model output is untrusted: an input that is not an object would make every later
    request of the conversation fail, and a huge one would be re-sent on every call. The
    tool execution keeps the whole input once (see _run_tools)."""
    if not isinstance(raw, dict):
        return {}
    size = len(json.dumps(raw, ensure_ascii=False, default=str))
    if size > TOOL_INPUT_MAX_CHARS_IN_HISTORY:
        return {"_omitted": f"An input of {size:,} characters, kept by the server and not repeated here."}
    return raw


def _message_at(conversation, index: int) -> Message:
    """The conversation's message at `index` (conversation.messages.get(index=...)), in a
    plain statement: every turn reads its user's message, and the ORM took longer to build
    the query than to run it."""
    found = fetch_instances(
        f"SELECT {columns(Message, 'm')} FROM {table(Message)} m WHERE m.conversation_id = %s AND m.index = %s",
        [conversation.pk, index], Message,
    )
    if found is None:
        raise Message.DoesNotExist(f"No message {index} in conversation {conversation.pk}.")
    found[0].conversation = conversation
    return found[0]


class TurnWaits(Exception):
    """Every tool call of the last response is done or held for the user: the turn pauses."""


class Turn:
    """One turn: the answer to a stored user message, possibly many model calls.

    The turn's two messages are stored before it runs (service.start_turn); it runs from
    what is stored, so a turn whose worker died is resumed by another from its last
    completed step: no completed model call or tool call is made again."""

    def __init__(self, message: Message, emit=None, client=None, handle=None):
        self.message = message
        self.conversation = message.conversation
        self.user = self.conversation.user
        self.workspace = self.conversation.workspace
        self.user_message = _message_at(self.conversation, message.index - 1)
        self.emit = emit or (lambda event_type, data: None)
        self.client = client
        self.handle = handle or leases.TurnHandle(self.conversation.pk)
        self.free = settings.ASSISTANT_OFFLINE_MODEL  # the offline stand-in costs nothing
        # a conversation keeps the model it started with, unless Anthropic retired it meanwhile
        self.model = message.model or self.conversation.model or settings.ASSISTANT_MODEL
        if is_retired(self.model):
            self.model = conversation_model(self.conversation)
        self.max_tokens = MAX_OUTPUT_TOKENS
        self.workspace_settings = settings_for(self.workspace)
        self.enabled_tools = set(enabled_tools(self.workspace_settings))
        self.send_rows = self.workspace_settings.send_rows_to_model
        self.prefix = None
        self.context = None  # what of the conversation the model is sent (compaction.py)
        self.raw_inputs = {}  # tool inputs of the last response, as the model gave them
        self.call = None  # the ledger row of the model call in flight (recording.open_model_call)
        self.unrecorded = None  # a call billed here whose writing the database has not taken yet

    # -- storage ---------------------------------------------------------------------

    def _save(self, **fields):
        for name, value in fields.items():
            setattr(self.message, name, value)
        retry_db(save_message, self.message, *fields)

    def _add_usage(self, response_usage, model) -> TokenUsage:
        """The call's tokens and cost, added to the message's running totals (stored with
        the message by record_model_call)."""
        usage = TokenUsage.of_response(response_usage, model, free=self.free)
        for field, value in usage.as_dict().items():
            setattr(self.message, field, getattr(self.message, field) + value)
        self.message.model_calls += 1
        return usage

    def open_call(self, input_tokens: int, model: str):
        """Note the model call about to be sent in the ledger, with its estimated input, before
        it is sent: a call the API may bill is in the ledger whatever happens to this process."""
        usage = TokenUsage(input_tokens=input_tokens, cost=cost_of(model, {"input_tokens": input_tokens}, free=self.free))
        after_seq = getattr(self.emit, "seq", 0)
        self.call = retry_db(open_model_call, self.message, self.user, self.workspace, model, usage, after_seq)

    def drop_call(self):
        """The API refused the request with an error: it bills nothing."""
        call, self.call = self.call, None
        if call is not None:
            retry_db(drop_model_call, call)

    def call_started(self, response_usage, model):
        """`message_start` reported the call's input: noted at once, in one statement, and
        never at the cost of the stream (a database blip leaves the estimate)."""
        if self.call is None:
            return
        try:
            note_call_started(self.call, TokenUsage.of_response(response_usage, model, free=self.free))
        except DatabaseError as error:
            logger.warning("Could not note the start of a model call: %s", error)

    def record_call(self, response_usage, model, estimated=False) -> TokenUsage:
        """Bill a model call: the message, the conversation's totals and the ledger, together.
        While the database is unreachable, the call is kept (`unrecorded`) until it is
        written, by this or by the end of the turn (_fail)."""
        usage = self._add_usage(response_usage, model)
        call, self.call = self.call, None
        self.unrecorded = (usage, model, call, estimated)
        conversation_cost = retry_db(
            record_model_call, self.message, self.user, self.workspace, usage, model, call=call, estimated=estimated
        )
        self.unrecorded = None
        event = {**usage.as_dict(), "cost": str(usage.cost), "conversation_cost": str(conversation_cost)}
        self.emit(EventType.USAGE, {**event, "estimated": True} if estimated else event)
        log_event("model_call", conversation=self.conversation.pk, message=self.message.pk, model=model,
                  input_tokens=usage.input_tokens, output_tokens=usage.output_tokens, cost=str(usage.cost),
                  estimated=estimated)
        return usage

    def record_cut_call(self, snapshot, model, final_usage=None) -> TokenUsage:
        """Bill a call cut before its end: the usage the API reported when its last report
        came (`message_delta`), else an estimate from what had arrived: the input reported at
        its start (or estimated before it was sent) and the output streamed so far."""
        if snapshot is not None and (final_usage is not None or snapshot.stop_reason is not None):
            reported = snapshot.usage
            if final_usage is not None:  # message_delta's counts are cumulative; absent ones stand
                reported = SimpleNamespace(**{
                    f: getattr(final_usage, f, None) if getattr(final_usage, f, None) is not None else getattr(reported, f, 0)
                    for f in TOKEN_FIELDS
                })
            return self.record_call(reported, model)
        if snapshot is not None:
            tokens = {f: getattr(snapshot.usage, f, 0) or 0 for f in TOKEN_FIELDS}
        else:  # nothing came back: the input as estimated before the request was sent
            tokens = {f: getattr(self.call, f, 0) if self.call is not None else 0 for f in TOKEN_FIELDS}
            tokens["output_tokens"] = 0
        # at the characters per token measured on this conversation's calls, when they were
        ratio = self.context.ratio if self.context is not None else self.conversation.chars_per_token
        streamed = tokens_for_chars(streamed_output_chars(snapshot.content if snapshot else ()), ratio)
        tokens["output_tokens"] = max(tokens["output_tokens"], streamed)
        return self.record_call(SimpleNamespace(**tokens), model, estimated=True)

    # -- the loop --------------------------------------------------------------------

    def run(self) -> TurnResult | None:
        """Run the turn to its end; None if it was interrupted (see TurnInterrupted)."""
        try:
            self.client = self.client or make_client()
            with leases.running(self.handle):
                self._loop()
        except CallCut:  # a model call other than the turn's own (a compaction summary) was cut
            if self.handle.interrupted:
                return None
            self._save(status=MessageStatus.CANCELLED)
            return self._done()
        except TurnWaits:
            return TurnResult(self.user_message, self.message, waiting=True)
        except TurnInterrupted:
            return None
        except TurnCancelled:
            self._save(status=MessageStatus.CANCELLED)
            return self._done()
        except AssistantError as error:
            return self._fail(error.code, error.message, **error.details)
        except sdk().APIError as error:
            code, message, details = api_error_code(error)
            return self._fail(code, message, **details)
        except DatabaseError as error:
            if not is_connection_error(error):
                logger.exception("Assistant turn failed in conversation %s", self.conversation.pk)
                return self._fail(ErrorCode.INTERNAL_ERROR, "The assistant failed unexpectedly. What was done so far is kept.")
            return self._fail_unavailable()
        except Exception:
            logger.exception("Assistant turn failed in conversation %s", self.conversation.pk)
            return self._fail(ErrorCode.INTERNAL_ERROR, "The assistant failed unexpectedly. What was done so far is kept.")
        return self._done()

    def _done(self) -> TurnResult:
        done = (EventType.DONE, {"message_id": str(self.message.id), "status": self.message.status})
        return TurnResult(self.user_message, self.message, terminal_event=done)

    def _fail_unavailable(self) -> TurnResult:
        """The database stayed unreachable past ASSISTANT_DATABASE_OUTAGE_S: the turn ends, and
        what it owes (its last call's usage, its end) is written once the database is back."""
        logger.warning("Turn in conversation %s ends: the database is unreachable", self.conversation.pk)
        with riding_out(None):
            if self.unrecorded is not None:
                usage, model, call, estimated = self.unrecorded
                retry_db(record_model_call, self.message, self.user, self.workspace, usage, model, call=call, estimated=estimated)
                self.unrecorded = None
            return self._fail(
                ErrorCode.DATABASE_UNAVAILABLE,
                "The database was unreachable for too long, so the assistant stopped. What was done so far is kept; "
                "send your message again to continue.",
            )

    def _fail(self, code, message, **details) -> TurnResult:
        self._save(status=MessageStatus.FAILED, error_code=code, error_message=message)
        error = (EventType.ERROR, {"message_id": str(self.message.id), "code": code, "message": message, **details})
        return TurnResult(self.user_message, self.message, error_code=code, terminal_event=error)

    def _prefix(self) -> dict:
        """What every request of this turn starts with: tools and system prompt.

        Built once per turn: it does not change within a turn, and it must not, since it is
        the prompt prefix the cache is keyed on."""
        if not self.conversation.context:
            self.conversation.context = workspace_context(self.user, self.workspace)
            Conversation.objects.filter(pk=self.conversation.pk).update(context=self.conversation.context)
        # a disabled tool is not offered at all (and refused if called anyway: execute_tool)
        # and a tool that changes what the user may not change is not offered to them (run_pipeline)
        sources = workspace_sources(self.workspace)
        tools = [
            t for t in tool_definitions()
            if t["name"] in self.enabled_tools and TOOLS[t["name"]].offered_to(self.user, self.workspace, sources)
        ]
        if tools:
            tools[-1] = {**tools[-1], "cache_control": {"type": "ephemeral"}}
        role = self.workspace.role_of(self.user)
        # The workspace's instructions sit below the rules and above the workspace data, all
        # inside the cached prefix (the breakpoint is on the last system block).
        system = [{"type": "text", "text": system_prompt(self.workspace, self.user, role, sources, send_rows=self.send_rows)}]
        instructions = instructions_block(self.workspace_settings.instructions)
        if instructions:
            system.append({"type": "text", "text": instructions})
        system.append({"type": "text", "text": self.conversation.context, "cache_control": {"type": "ephemeral"}})
        return {"system": system, "tools": tools}

    def _mark_rows_sent(self, resumed: bool):
        """Record whether this answer is written while rows are sent to the model. A turn
        begun with rows sent cannot go on under the data policy: what it wrote so far may
        hold row values, and the model would be sent it again."""
        if self.send_rows and not self.message.rows_sent:
            self._save(rows_sent=True)
        elif not self.send_rows and self.message.rows_sent:
            if resumed:
                raise AssistantError(
                    ErrorCode.INTERRUPTED,
                    "The workspace's data policy was turned on while this answer was being written with rows sent to "
                    "the model, so it cannot go on. Ask again: the assistant starts from your questions.",
                )
            self._save(rows_sent=False)

    def _request(self, turn_messages):
        if self.prefix is None:
            self.prefix = self._prefix()
            self.context = ContextManager(self)
        system, tools = self.prefix["system"], self.prefix["tools"]
        messages = self.context.fit(system, tools, turn_messages)
        request = {
            "model": self.model,
            "max_tokens": self.max_tokens,
            "system": system,
            "messages": with_cache_breakpoints(messages),
        }
        if self.prefix["tools"]:  # a workspace may turn every tool off
            request["tools"] = self.prefix["tools"]
        return request

    def _input_estimate(self) -> int:
        """The input tokens of the request about to be sent, as compaction measured it."""
        if self.context is None:
            return 0
        return self.context.last_request_tokens

    def _call_model(self, request):
        """One streamed model call; its text is emitted as it comes. The turn's handle may
        cut it from another thread (Stop, hand-over), even before its first byte:
        ModelCallCut.

        Its ledger row is written before the request goes (no request goes once the turn
        is stopping: Stop during a compaction summary sends nothing more)."""
        self.handle.raise_if_stopping()
        self.open_call(self._input_estimate(), request["model"])
        stream = None
        try:
            with self.client.messages.stream(**request) as stream:
                try:
                    self.handle.raise_if_stopping()
                    for event in stream:
                        # Stop and hand-over are seen here, event by event; between events (a
                        # model that thinks in silence) the handle cuts the socket instead
                        self.handle.raise_if_stopping()
                        if event.type == "text":
                            self.emit(EventType.TEXT_DELTA, {"message_id": str(self.message.id), "text": event.text})
                        elif event.type == "message_start":
                            self.call_started(event.message.usage, event.message.model or request["model"])
                    return stream.get_final_message()
                except ValueError as error:
                    # malformed tool JSON: the rest of the stream, read before it is closed,
                    # has the response's final usage
                    raise ModelCallCut(error, _snapshot(stream), _final_usage(stream)) from error
        except ModelCallCut:
            raise
        except CallCut as error:  # cut by the handle, before the first byte or while streaming
            raise ModelCallCut(error, _snapshot(stream) if stream is not None else None) from error
        except Exception as error:
            if stream is not None:  # cut while streaming: an overload, a lost connection
                raise ModelCallCut(error, _snapshot(stream)) from error
            refused = isinstance(error, sdk().APIStatusError)
            unreached = isinstance(error, sdk().APIConnectionError) and isinstance(error.__cause__, httpx.ConnectError)
            if refused or unreached:
                self.drop_call()  # an error answer, or a request that never reached the API: nothing billed
                raise
            raise ModelCallCut(error, None) from error  # cut before the first byte (a hand-over, a delete)

    def summary_call(self, request, input_estimate: int):
        """A compaction summary (compaction.py): one model call, in the ledger before it is
        sent like any other, and none once the turn is stopping."""
        self.handle.raise_if_stopping()
        self.open_call(input_estimate, request["model"])
        try:
            return self.client.messages.create(**request)
        except sdk().APIStatusError:
            self.drop_call()
            raise
        except BaseException:  # cut (CallCut included): billed as estimated, with its input
            self.record_cut_call(None, request["model"])
            raise

    def _cut_call(self, cut: ModelCallCut, turn_messages, texts):
        """A call that did not finish: bill what the API reported, keep the text the user
        saw (unless the turn will be resumed, which makes the call again), then stop."""
        snapshot = cut.snapshot
        resumed_elsewhere = self.handle.interrupted
        if snapshot is not None:
            partial = "".join(b.text for b in snapshot.content if getattr(b, "type", None) == "text")
            if partial.strip() and not resumed_elsewhere:
                turn_messages.append({"role": "assistant", "content": [{"type": "text", "text": partial}]})
                texts.append(partial)
                self.message.content, self.message.text = turn_messages, "\n\n".join(texts)
        # the API may bill a call cut at any point, even before its first byte
        self.record_cut_call(snapshot, (snapshot.model if snapshot else None) or self.model, cut.final_usage)
        if resumed_elsewhere:
            raise TurnInterrupted() from None
        if self.handle.cancelled.is_set():
            raise TurnCancelled() from None
        error = cut.error
        if isinstance(error, (sdk().APIError, AssistantError, DatabaseError)):
            raise error
        if isinstance(error, ValueError):  # e.g. tool input that is not valid JSON
            raise AssistantError(ErrorCode.API_ERROR, "The model's response could not be read (malformed output).") from None
        # the HTTP client's own errors: the stream was cut (network, proxy, the API)
        logger.warning("Model stream cut in conversation %s: %r", self.conversation.pk, error)
        raise AssistantError(ErrorCode.API_ERROR, "The connection to the Anthropic API broke during the answer.") from None

    def _loop(self):
        # this turn's API messages after the user's text: what is stored, when resumed
        turn_messages: list[dict] = list(self.message.content or [])
        texts: list[str] = [self.message.text] if self.message.text else []
        if self.message.status == MessageStatus.COMPLETE:
            return  # its last call was stored; only its end was not
        self._mark_rows_sent(bool(turn_messages))
        if turn_messages and turn_messages[-1]["role"] == "assistant":
            # resumed after a model call whose tool calls had not all been run (a crash), or
            # had to wait for the user
            self._after_response(turn_messages, self.message.stop_reason, resumed=True)
        calls = sum(1 for m in turn_messages if m["role"] == "assistant")
        for _ in range(max(settings.ASSISTANT_MAX_TOOL_ROUNDS - calls, 0)):
            self.before_model_call()
            try:
                response = self._call_model(self._request(turn_messages))
            except ModelCallCut as cut:
                self._cut_call(cut, turn_messages, texts)
            model = response.model or self.model
            blocks = [_dump_block(b) for b in response.content]
            self.raw_inputs = {b["id"]: b.get("input") for b in blocks if b["type"] == "tool_use"}
            for block in blocks:
                if block["type"] == "tool_use":
                    block["input"] = _normalised_input(block.get("input"))
            turn_messages.append({"role": "assistant", "content": blocks})
            texts += [b["text"] for b in blocks if b["type"] == "text" and b["text"].strip()]
            stop_reason = response.stop_reason or ""
            finished = self._finished(blocks, stop_reason)
            if finished and stop_reason == "refusal" and not texts:
                texts.append("The model declined to answer this request.")
            self.message.content, self.message.text = turn_messages, "\n\n".join(texts)
            self.message.stop_reason, self.message.model = stop_reason, model
            if finished:
                self.message.status = MessageStatus.COMPLETE
            self.record_call(response.usage, model)
            self.context.after_call(response.usage)
            if finished:
                return
            self._after_response(turn_messages, stop_reason)
        raise AssistantError(
            ErrorCode.MAX_TOOL_ROUNDS,
            f"The assistant stopped after {settings.ASSISTANT_MAX_TOOL_ROUNDS} model calls in one turn "
            "without finishing. Ask a narrower question, or ask it to continue.",
        )

    @staticmethod
    def _finished(blocks, stop_reason) -> bool:
        runs_tools = any(b["type"] == "tool_use" for b in blocks) and stop_reason in ("tool_use", "max_tokens")
        # pause_turn: the API paused a long turn; it is sent back as is to let it go on
        return not runs_tools and stop_reason != "pause_turn"

    def _after_response(self, turn_messages, stop_reason, resumed=False):
        """Run the tool calls of the last response, if it asked for any. Raises TurnWaits
        when some are held for the user: their results will be the user's (waiting.py)."""
        tool_uses = [b for b in turn_messages[-1]["content"] if b["type"] == "tool_use"]
        if tool_uses and stop_reason in ("tool_use", "max_tokens"):
            cut_off = tool_uses[-1]["id"] if stop_reason == "max_tokens" else None
            results = self._run_tools(turn_messages, tool_uses, cut_off, resumed)
            if len(results) < len(tool_uses):
                self._save(content=turn_messages)
                raise TurnWaits()
            turn_messages.append({"role": "user", "content": results})
            # the results and the events of the round in one statement
            self.message.content = turn_messages
            self._flush_events(message_statement(self.message, "content"))

    def _flush_events(self, *also):
        """Store the turn's pending events, and `also` (statements written with them)."""
        flush = getattr(self.emit, "flush", None)
        if flush:
            retry_db(flush, *also)
        else:  # events are not stored (a turn run with a plain callback)
            for statement in also:
                retry_db(execute_statement, statement)

    def before_model_call(self):
        """Checks made before every model call, so that a turn stops cleanly between steps."""
        self._flush_events()
        self.handle.poll()
        self.handle.raise_if_stopping()
        try:
            retry_db(check_budgets, self.user, self.workspace)
        except BudgetExceeded as exceeded:
            raise AssistantError(ErrorCode.BUDGET_EXCEEDED, exceeded.message, budget=exceeded.as_dict()) from None

    # -- tools -----------------------------------------------------------------------

    def _run_tools(self, turn_messages, tool_uses, cut_off_id=None, resumed=False) -> list[dict]:
        """Run every tool call of one response; their results go back in one user message.
        Calls held for the user (a question, a write to approve) get none: fewer results
        than calls mean the turn waits.

        A resumed turn finds the calls that were done already (or settled by the user):
        their stored results are used, not made again. A call that was running when its
        worker died runs again."""
        stored = {e.tool_use_id: e for e in self.message.tool_executions.all()} if resumed else {}
        results = []
        for position, call in enumerate(tool_uses):
            execution = stored.get(call["id"])
            if execution is not None and execution.status in AWAITING_USER:
                continue
            if execution is not None and execution.status != ToolExecutionStatus.RUNNING:
                results.append(self._tool_result_block(call["id"], execution.output, execution.name, execution.input))
                continue
            if execution is not None:  # cut by its worker's death: the page says it runs again, at once
                self.emit(EventType.TOOL_CALL, {"id": str(execution.id), "tool_use_id": call["id"], "name": execution.name, "input": _normalised_input(execution.input), "rerun": True})
                self._flush_events()
            self.handle.poll()
            if self.handle.stopping:
                if not self.handle.cancelled.is_set():
                    raise TurnInterrupted()
                # keep the history valid: every tool_use gets its result
                cancelled = AssistantError(ToolErrorCode.CANCELLED, "The user stopped the turn before this tool ran.")
                results += [self._tool_result_block(c["id"], cancelled.as_dict()) for c in tool_uses[position:]]
                self._save(content=turn_messages + [{"role": "user", "content": results}])
                raise TurnCancelled()
            if execution is None:
                raw = self.raw_inputs.get(call["id"], call.get("input"))
                execution = ToolExecution(
                    conversation=self.conversation,
                    message=self.message,
                    tool_use_id=call["id"],
                    name=str(call.get("name", ""))[:100],
                    input=raw if isinstance(raw, dict) else {"_raw": str(raw)[:TOOL_INPUT_MAX_CHARS_IN_HISTORY]},
                )
                self.emit(EventType.TOOL_CALL, {"id": str(execution.id), "tool_use_id": call["id"], "name": execution.name, "input": _normalised_input(execution.input)})
                # the call's row and its event in one statement, before it runs: a crash
                # mid-call leaves its trace, and the page shows the call while it runs
                self._flush_events(tool_start_statement(execution))
            started = time.monotonic()
            if call["id"] == cut_off_id:
                output = AssistantError(ToolErrorCode.CUT_OFF, CUT_OFF_TOOL_CALL).as_dict()
            else:
                output = self.execute_tool(execution)
                if self.handle.interrupted and is_error(output):
                    raise TurnInterrupted()  # cut by a hand-over: it stays RUNNING and runs again when resumed
                if self.handle.cancelled.is_set() and is_error(output):  # cut by Stop
                    output = AssistantError(ToolErrorCode.CANCELLED, "The user stopped the turn while this tool ran.").as_dict()
            execution.duration_ms = int((time.monotonic() - started) * 1000)
            execution.output = output
            execution.success = None if execution.status in AWAITING_USER else not is_error(output)
            if execution.status == ToolExecutionStatus.RUNNING:
                execution.status = ToolExecutionStatus.COMPLETED if execution.success else ToolExecutionStatus.FAILED
            retry_db(record_tool_call, execution, self.user, self.workspace)
            self.emit(
                EventType.TOOL_RESULT,
                {"id": str(execution.id), "tool_use_id": call["id"], "name": execution.name, "success": execution.success, "status": execution.status, "output": output},
            )
            log_event("tool_call", conversation=self.conversation.pk, message=self.message.pk, tool_execution=execution.pk,
                      tool=execution.name, status=execution.status, duration_ms=execution.duration_ms)
            if execution.status not in AWAITING_USER:
                results.append(self._tool_result_block(call["id"], output, execution.name, execution.input))
        return results

    def execute_tool(self, execution: ToolExecution) -> dict:
        tool = TOOLS.get(execution.name)
        if tool is not None and execution.name not in self.enabled_tools:
            return AssistantError(
                ToolErrorCode.TOOL_DISABLED, f"The {execution.name} tool is turned off in this workspace."
            ).as_dict()
        if tool is None or tool.awaits is None:
            return run_tool(self.user, self.workspace, execution.name, execution.input)
        output = tool.validate(execution.input) or hold(tool.awaits, execution, self.user, self.workspace)
        if execution.status == ToolExecutionStatus.PENDING_APPROVAL:
            self.emit(EventType.APPROVAL_REQUIRED, {"id": str(execution.id), "tool_use_id": execution.tool_use_id, **execution.proposal})
        return output

    def _tool_result_block(self, tool_use_id, output, name=None, tool_input=None) -> dict:
        return tool_result_block(tool_use_id, output, TOOLS.get(name), tool_input, self.send_rows)
