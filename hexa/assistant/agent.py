"""The Claude tool-use loop for one turn of a conversation.

Nothing is lost: the user message is stored before the first API call, each model
response and each tool execution is stored as it happens, and a failure keeps what was
done so far (tokens and cost included) and marks the turn failed with a typed code.
"""

import json
import logging
import time
from dataclasses import dataclass
from functools import lru_cache

import anthropic
from django.conf import settings
from django.db import transaction
from django.db.models import Max

from .history import history_messages, with_cache_breakpoints
from .models import Conversation, Message, MessageRole, MessageStatus, ToolExecution, ToolExecutionStatus
from .prompts import system_prompt
from .approvals import outcomes_note
from .context import workspace_context
from .events import EventType
from .errors import AssistantError, ErrorCode, ToolErrorCode, is_error
from .pricing import TokenUsage
from .tool_executors import run_tool
from .tools import TOOLS, tool_definitions
from .recording import create_turn_messages, record_model_call, record_tool_call, record_tool_start, save_message
from .usage import BudgetExceeded, check_budgets

logger = logging.getLogger(__name__)

MAX_OUTPUT_TOKENS = 8192
# Tool output sent back to the model within a turn is capped too: executors already bound
# their results, this is the last guard.
TOOL_RESULT_MAX_CHARS = 150_000

CUT_OFF_TOOL_CALL = (
    "Your response reached the output token limit before this tool call was complete, so it was "
    "not run. Make the call again with a shorter input (for a long file, write less at once)."
)


class TurnCancelled(Exception):
    pass


@dataclass
class TurnResult:
    user_message: Message
    message: Message  # the assistant's answer, complete or not
    error_code: str | None = None
    # The turn's last event, `done` or `error`: stored by the caller together with the end
    # of the turn, so that whoever sees it also sees the conversation free again.
    terminal_event: tuple[str, dict] | None = None


@lru_cache(maxsize=4)
def _client(api_key, base_url, max_retries, timeout) -> anthropic.Anthropic:
    # One client per process and configuration: it is thread-safe, and creating one (TLS
    # context, connection pool) costs more CPU than a whole turn's own work.
    return anthropic.Anthropic(api_key=api_key, base_url=base_url, max_retries=max_retries, timeout=timeout)


def make_client() -> anthropic.Anthropic:
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


def api_error_code(error: Exception) -> tuple[str, str]:
    """A typed code and a plain message for an SDK exception."""
    if isinstance(error, (anthropic.AuthenticationError, anthropic.PermissionDeniedError)):
        return ErrorCode.AUTHENTICATION_FAILED, "The Anthropic API refused the server's credentials."
    if isinstance(error, anthropic.RateLimitError):
        retry_after = error.response.headers.get("retry-after") if error.response is not None else None
        suffix = f" Retry in {retry_after} s." if retry_after else " Retry in a moment."
        return ErrorCode.RATE_LIMITED, "The Anthropic API rate limit was reached." + suffix
    # 529, or an overload reported in the middle of a stream (HTTP status 200)
    if isinstance(error, anthropic.APIStatusError) and (
        error.status_code == 529 or getattr(error, "type", None) == "overloaded_error"
    ):
        return ErrorCode.OVERLOADED, "The model is overloaded right now. Retry in a moment."
    if isinstance(error, anthropic.BadRequestError) and "too long" in str(error).lower():
        return ErrorCode.CONTEXT_TOO_LONG, "This conversation is too long for the model. Start a new conversation."
    if isinstance(error, anthropic.APITimeoutError):
        return ErrorCode.API_ERROR, "The Anthropic API did not answer in time."
    if isinstance(error, anthropic.APIConnectionError):
        return ErrorCode.API_ERROR, "The Anthropic API could not be reached."
    return ErrorCode.API_ERROR, f"The Anthropic API failed: {str(error)[:300]}"


def _dump_block(block) -> dict:
    """A content block as the API wants it back in the next request."""
    data = block.model_dump(mode="json", exclude_none=True)
    if data.get("type") == "text":
        data.pop("citations", None)
    return data


class Turn:
    """One turn: the user's message and the assistant's answer, possibly many model calls."""

    def __init__(self, conversation: Conversation, user, text: str, emit=None, client=None):
        self.conversation = conversation
        self.user = user
        self.workspace = conversation.workspace
        self.text = text
        self.emit = emit or (lambda event_type, data: None)
        self.client = client
        self.free = settings.ASSISTANT_OFFLINE_MODEL  # the offline stand-in costs nothing
        self.model = settings.ASSISTANT_MODEL
        self.prefix = None

    # -- storage ---------------------------------------------------------------------

    def _store_messages(self):
        with transaction.atomic():
            last = self.conversation.messages.aggregate(last=Max("index"))["last"]
            index = -1 if last is None else last
            blocks = [{"type": "text", "text": self.text}]
            note = outcomes_note(self.conversation)
            if note:  # the model learns what became of the writes it proposed
                blocks.insert(0, {"type": "text", "text": note})
            self.user_message = Message(
                conversation=self.conversation,
                index=index + 1,
                role=MessageRole.USER,
                content=[{"role": "user", "content": blocks}],
                text=self.text,
                status=MessageStatus.COMPLETE,
            )
            self.message = Message(
                conversation=self.conversation,
                index=index + 2,
                role=MessageRole.ASSISTANT,
                status=MessageStatus.RUNNING,
                model=self.model,
                # the user_message event below is this turn's first
                first_event_seq=getattr(self.emit, "next_seq", None),
            )
            create_turn_messages(self.user_message, self.message)
            if not self.conversation.title:
                self.conversation.title = self.text.strip().splitlines()[0][:80]
                Conversation.objects.filter(pk=self.conversation.pk).update(title=self.conversation.title)
        self.emit(
            EventType.USER_MESSAGE,
            {"message_id": str(self.user_message.id), "assistant_message_id": str(self.message.id), "text": self.text},
        )

    def _save(self, **fields):
        for name, value in fields.items():
            setattr(self.message, name, value)
        save_message(self.message, *fields)

    def _add_usage(self, response_usage, model) -> TokenUsage:
        """The call's tokens and cost, added to the message's running totals (stored with
        the message by record_model_call)."""
        usage = TokenUsage.of_response(response_usage, model, free=self.free)
        for field, value in usage.as_dict().items():
            setattr(self.message, field, getattr(self.message, field) + value)
        self.message.model_calls += 1
        return usage

    # -- the loop --------------------------------------------------------------------

    def run(self) -> TurnResult:
        self._store_messages()
        try:
            self.client = self.client or make_client()
            self._loop()
        except TurnCancelled:
            self._save(status=MessageStatus.CANCELLED)
            return self._done()
        except AssistantError as error:
            return self._fail(error.code, error.message, **error.details)
        except anthropic.APIError as error:
            return self._fail(*api_error_code(error))
        except Exception:
            logger.exception("Assistant turn failed in conversation %s", self.conversation.pk)
            return self._fail(ErrorCode.INTERNAL_ERROR, "The assistant failed unexpectedly. What was done so far is kept.")
        return self._done()

    def _done(self) -> TurnResult:
        done = (EventType.DONE, {"message_id": str(self.message.id), "status": self.message.status})
        return TurnResult(self.user_message, self.message, terminal_event=done)

    def _fail(self, code, message, **details) -> TurnResult:
        self._save(status=MessageStatus.FAILED, error_code=code, error_message=message)
        error = (EventType.ERROR, {"message_id": str(self.message.id), "code": code, "message": message, **details})
        return TurnResult(self.user_message, self.message, error_code=code, terminal_event=error)

    def _prefix(self) -> dict:
        """What every request of this turn starts with: tools, system prompt, history.

        Built once per turn: it does not change within a turn, and it must not, since it is
        the prompt prefix the cache is keyed on."""
        if not self.conversation.context:
            self.conversation.context = workspace_context(self.user, self.workspace)
            Conversation.objects.filter(pk=self.conversation.pk).update(context=self.conversation.context)
        tools = tool_definitions()
        tools[-1] = {**tools[-1], "cache_control": {"type": "ephemeral"}}
        earlier = self.conversation.messages.filter(index__lt=self.user_message.index).order_by("index")
        role = self.workspace.role_of(self.user)
        return {
            "system": [
                {"type": "text", "text": system_prompt(self.workspace, self.user, role)},
                {"type": "text", "text": self.conversation.context, "cache_control": {"type": "ephemeral"}},
            ],
            "tools": tools,
            "history": history_messages(list(earlier) + [self.user_message]),
        }

    def _request(self, turn_messages):
        if self.prefix is None:
            self.prefix = self._prefix()
        return {
            "model": self.model,
            "max_tokens": MAX_OUTPUT_TOKENS,
            "system": self.prefix["system"],
            "tools": self.prefix["tools"],
            "messages": with_cache_breakpoints(self.prefix["history"] + turn_messages),
        }

    def _call_model(self, request):
        with self.client.messages.stream(**request) as stream:
            for event in stream:
                if event.type == "text":
                    self.emit(EventType.TEXT_DELTA, {"message_id": str(self.message.id), "text": event.text})
            return stream.get_final_message()

    def _loop(self):
        turn_messages: list[dict] = []  # this turn's API messages, after the user's text
        texts: list[str] = []
        for _ in range(settings.ASSISTANT_MAX_TOOL_ROUNDS):
            self.before_model_call()
            response = self._call_model(self._request(turn_messages))
            model = response.model or self.model
            blocks = [_dump_block(b) for b in response.content]
            turn_messages.append({"role": "assistant", "content": blocks})
            texts += [b["text"] for b in blocks if b["type"] == "text" and b["text"].strip()]
            stop_reason = response.stop_reason or ""
            tool_uses = [b for b in blocks if b["type"] == "tool_use"]
            runs_tools = bool(tool_uses) and stop_reason in ("tool_use", "max_tokens")
            # pause_turn: the API paused a long turn; it is sent back as is to let it go on
            finished = not runs_tools and stop_reason != "pause_turn"
            if finished and stop_reason == "refusal" and not texts:
                texts.append("The model declined to answer this request.")
            self.message.content, self.message.text = turn_messages, "\n\n".join(texts)
            self.message.stop_reason, self.message.model = stop_reason, model
            if finished:
                self.message.status = MessageStatus.COMPLETE
            # the call's usage, the message and the ledger are stored together
            usage = self._add_usage(response.usage, model)
            conversation_cost = record_model_call(self.message, self.user, self.workspace, usage, model)
            self.emit(EventType.USAGE, {**usage.as_dict(), "cost": str(usage.cost), "conversation_cost": str(conversation_cost)})
            if finished:
                return
            if runs_tools:
                cut_off = tool_uses[-1]["id"] if stop_reason == "max_tokens" else None
                turn_messages.append({"role": "user", "content": self._run_tools(turn_messages, tool_uses, cut_off)})
                self._save(content=turn_messages)
        raise AssistantError(
            ErrorCode.MAX_TOOL_ROUNDS,
            f"The assistant stopped after {settings.ASSISTANT_MAX_TOOL_ROUNDS} model calls in one turn "
            "without finishing. Ask a narrower question, or ask it to continue.",
        )

    def _flush_events(self):
        flush = getattr(self.emit, "flush", None)
        if flush:
            flush()

    def before_model_call(self):
        """Checks made before every model call, so that a turn stops cleanly between steps."""
        self._flush_events()
        self._check_cancel()
        try:
            check_budgets(self.user, self.workspace)
        except BudgetExceeded as exceeded:
            raise AssistantError(ErrorCode.BUDGET_EXCEEDED, exceeded.message, budget=exceeded.as_dict()) from None

    def _check_cancel(self):
        if self.conversation.cancel_is_requested():
            raise TurnCancelled()

    # -- tools -----------------------------------------------------------------------

    def _run_tools(self, turn_messages, tool_uses, cut_off_id=None) -> list[dict]:
        """Run every tool call of one response; their results go back in one user message."""
        results = []
        for position, call in enumerate(tool_uses):
            if self.conversation.cancel_is_requested():
                # keep the history valid: every tool_use gets its result
                cancelled = AssistantError(ToolErrorCode.CANCELLED, "The user stopped the turn before this tool ran.")
                results += [self._tool_result_block(c["id"], cancelled.as_dict()) for c in tool_uses[position:]]
                self._save(content=turn_messages + [{"role": "user", "content": results}])
                raise TurnCancelled()
            self._flush_events()
            execution = ToolExecution(
                conversation=self.conversation,
                message=self.message,
                tool_use_id=call["id"],
                name=str(call.get("name", ""))[:100],
                input=call.get("input") if isinstance(call.get("input"), dict) else {"_raw": call.get("input")},
            )
            record_tool_start(execution)
            self.emit(EventType.TOOL_CALL, {"id": str(execution.id), "tool_use_id": call["id"], "name": execution.name, "input": execution.input})
            started = time.monotonic()
            if call["id"] == cut_off_id:
                output = AssistantError(ToolErrorCode.CUT_OFF, CUT_OFF_TOOL_CALL).as_dict()
            else:
                output = self.execute_tool(execution)
            execution.duration_ms = int((time.monotonic() - started) * 1000)
            execution.output = output
            execution.success = None if execution.status == ToolExecutionStatus.PENDING_APPROVAL else not is_error(output)
            if execution.status == ToolExecutionStatus.RUNNING:
                execution.status = ToolExecutionStatus.COMPLETED if execution.success else ToolExecutionStatus.FAILED
            record_tool_call(execution, self.user, self.workspace)
            self.emit(
                EventType.TOOL_RESULT,
                {"id": str(execution.id), "tool_use_id": call["id"], "name": execution.name, "success": execution.success, "status": execution.status, "output": output},
            )
            results.append(self._tool_result_block(call["id"], output))
        return results

    def execute_tool(self, execution: ToolExecution) -> dict:
        tool = TOOLS.get(execution.name)
        if tool is None or not tool.needs_approval:
            return run_tool(self.user, self.workspace, execution.name, execution.input)
        output = tool.validate(execution.input) or tool.propose(execution, self.user, self.workspace)
        if execution.status == ToolExecutionStatus.PENDING_APPROVAL:
            self.emit(EventType.APPROVAL_REQUIRED, {"id": str(execution.id), "tool_use_id": execution.tool_use_id, **execution.proposal})
        return output

    @staticmethod
    def _tool_result_block(tool_use_id, output) -> dict:
        text = json.dumps(output, ensure_ascii=False, default=str)
        if len(text) > TOOL_RESULT_MAX_CHARS:
            text = text[:TOOL_RESULT_MAX_CHARS] + f"\n[Result cut at {TOOL_RESULT_MAX_CHARS:,} characters.]"
        block = {"type": "tool_result", "tool_use_id": tool_use_id, "content": text}
        if is_error(output):
            block["is_error"] = True
        return block
