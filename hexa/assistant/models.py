from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, models
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db.models import Q
from django.utils import timezone

from hexa.core.models import Base, BaseQuerySet

from .pricing import TOKEN_FIELDS

MONEY = {"max_digits": 18, "decimal_places": 8, "default": Decimal("0")}

# The languages a message's text is stemmed in for search (the page's languages).
SEARCH_CONFIGS = ("english", "french")


def message_search_vector():
    """A message's text as full-text lexemes in both languages (kept in Message.search_vector)."""
    english, french = (SearchVector("text", config=config) for config in SEARCH_CONFIGS)
    return english + french


class Usage(models.Model):
    """Token counts and cost, kept on messages and summed on conversations."""

    input_tokens = models.BigIntegerField(default=0)
    output_tokens = models.BigIntegerField(default=0)
    cache_creation_input_tokens = models.BigIntegerField(default=0)
    cache_read_input_tokens = models.BigIntegerField(default=0)
    cost = models.DecimalField(**MONEY)

    USAGE_FIELDS = (*TOKEN_FIELDS, "cost")

    class Meta:
        abstract = True


class ConversationQuerySet(BaseQuerySet):
    def filter_for_user(self, user):
        # Conversations are private: only their owner, and only while still a member of the
        # workspace. Superusers see them in the Django admin, not through the API. Everything
        # that changes a conversation (send, approve, answer, rename, share) goes through this.
        return self._filter_for_user_and_query_object(
            user, Q(user=user, workspace__memberships__user=user), return_all_if_superuser=False
        )

    def shared_with(self, user):
        """Conversations their owners shared with the workspace, seen read-only by its members
        (current members only: a former member sees none)."""
        return self._filter_for_user_and_query_object(
            user, Q(shared_at__isnull=False, workspace__memberships__user=user), return_all_if_superuser=False
        )


class Conversation(Base, Usage):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assistant_conversations")
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="assistant_conversations"
    )
    title = models.CharField(max_length=200, blank=True)
    model = models.CharField(max_length=100)
    # The workspace snapshot given to the model (see context.py), taken at the first turn.
    context = models.TextField(blank=True)
    # Set while a turn runs: one turn at a time per conversation, across processes. The
    # turn ends (or is resumed elsewhere) only through its lease, never because it is long.
    turn_started_at = models.DateTimeField(null=True, blank=True)
    # The lease of the worker running the turn (see leases.py): renewed while it works; once
    # expired, another worker resumes the turn. No owner: waiting for a worker.
    lease_owner = models.UUIDField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # Set by cancelAssistantRun; the running turn stops within a second, its model call cut.
    cancel_requested = models.BooleanField(default=False)
    # Context management (see compaction.py): the first `stubbed_tool_results` tool results
    # of the conversation are sent to the model as short stubs; `chars_per_token` is the
    # request size in characters per token, as measured on this conversation's calls.
    stubbed_tool_results = models.PositiveIntegerField(default=0)
    chars_per_token = models.FloatField(default=0)
    # Set while its owner shares it with the workspace's members, read-only (sharing.py).
    shared_at = models.DateTimeField(null=True, blank=True)
    # A conversation continued from a shared one: the one it was copied from.
    continued_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        # (and a trigram index of UPPER(title), for `icontains`: migration 0011)
        indexes = [models.Index(fields=["workspace", "user", "-updated_at"])]

    def __str__(self):
        return self.title or f"Conversation {self.id}"

    @property
    def is_running(self):
        return self.turn_started_at is not None

    def try_start_turn(self, pickup_s: float, title: str) -> bool:
        """Mark a turn as running (and set the title), atomically; False if another one
        already runs. A worker must take it within `pickup_s` seconds, or the recovery
        hands it to another."""
        now = timezone.now()
        # a plain statement: every send makes it, and the ORM took longer to build it than to run it
        table = connection.ops.quote_name(Conversation._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET turn_started_at = %s, cancel_requested = false, lease_owner = NULL, "
                "lease_expires_at = %s, title = %s WHERE id = %s AND turn_started_at IS NULL",
                [now, now + timedelta(seconds=pickup_s), title, self.pk],
            )
            claimed = cursor.rowcount
        if claimed:
            self.turn_started_at, self.title = now, title
        return bool(claimed)

    def end_turn(self):
        with connection.cursor() as cursor:
            cursor.execute(*self.end_turn_statement())
        self.turn_started_at = None

    def end_turn_statement(self) -> tuple[str, list]:
        """The end of the turn as SQL, for a caller writing it in a statement of its own
        (with the turn's last event: service._end_turn)."""
        table = connection.ops.quote_name(Conversation._meta.db_table)
        return (
            f"UPDATE {table} SET turn_started_at = NULL, cancel_requested = false, lease_owner = NULL, "
            "lease_expires_at = NULL, updated_at = %s WHERE id = %s",
            [timezone.now(), self.pk],
        )

    def request_cancel(self) -> bool:
        """Ask the running turn to stop; False if no turn runs."""
        return bool(
            Conversation.objects.filter(pk=self.pk, turn_started_at__isnull=False).update(cancel_requested=True)
        )


class MessageRole(models.TextChoices):
    USER = "user"
    ASSISTANT = "assistant"


class MessageFeedback(models.TextChoices):
    """What the user said of an answer (on the page: helpful / not helpful)."""

    HELPFUL = "HELPFUL"
    NOT_HELPFUL = "NOT_HELPFUL"


class MessageStatus(models.TextChoices):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"
    # The turn waits for the user (an ask_user question, writes to approve): nothing runs,
    # no worker is held; answering resumes it (see waiting.py).
    WAITING = "WAITING"


class InConversationQuerySet(BaseQuerySet):
    """Rows of a conversation are visible exactly when their conversation is."""

    def filter_for_user(self, user):
        return self.filter(conversation__in=Conversation.objects.filter_for_user(user))


class Message(Base, Usage):
    """One user message, or the assistant's whole answer to it.

    `content` holds the API messages this message contributes to the conversation history,
    exactly as sent to / received from the Messages API: a user message is one
    `{"role": "user", ...}`; an assistant turn is the sequence of assistant responses and
    the user messages carrying tool results in between.
    """

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="messages")
    # Messages are numbered in the order written, whatever their branch (branches.py).
    index = models.PositiveIntegerField()
    # The message it follows on its branch: a question follows the answer before it (none for
    # a conversation's first question), an answer its question. A question edited and sent
    # again is a new message with the same parent: its versions are siblings.
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    # On the conversation's current branch: what the page shows and the model is sent.
    on_path = models.BooleanField(default=True)
    # When it was last put on the path (written, or its branch shown again): at a fork, the
    # branch followed is the one last shown (branches.show_branch). None: before this was kept.
    shown_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    role = models.CharField(max_length=16, choices=MessageRole.choices)
    content = models.JSONField(default=list)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    error_code = models.CharField(max_length=64, blank=True)
    # The user's opinion of an answer, shown to the workspace's ADMINs with the usage.
    feedback = models.CharField(max_length=16, choices=MessageFeedback.choices, blank=True)
    feedback_comment = models.TextField(blank=True)
    feedback_at = models.DateTimeField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    model = models.CharField(max_length=100, blank=True)
    stop_reason = models.CharField(max_length=32, blank=True)
    model_calls = models.PositiveIntegerField(default=0)
    # How many times a worker took this turn: 1, then one more per resumption after a crash.
    runs = models.PositiveSmallIntegerField(default=0)
    # Sequence number of the turn's first event (see Event): where a page that reloads
    # mid-turn resumes the stream from.
    first_event_seq = models.PositiveIntegerField(null=True, blank=True)
    # While WAITING: when the wait is closed as unanswered (ASSISTANT_WAIT_EXPIRY_H).
    waiting_expires_at = models.DateTimeField(null=True, blank=True)
    # An answer written while the workspace sent rows to the model (set when its turn runs;
    # true until then, and for answers older than this field). Under the data policy the
    # model is not sent such an answer again, nor its tool calls (compaction.py).
    rows_sent = models.BooleanField(default=True)
    # Up to three short follow-up questions proposed after a complete answer (follow_ups.py).
    follow_ups = models.JSONField(default=list, blank=True)
    # Its text's full-text lexemes, computed by PostgreSQL and stored: a search reads them from
    # the index and its rows, never running the stemmers again over every match (search.py).
    search_vector = models.GeneratedField(expression=message_search_vector(), output_field=SearchVectorField(), db_persist=True)

    objects = InConversationQuerySet.as_manager()

    class Meta:
        ordering = ["conversation", "index"]
        constraints = [models.UniqueConstraint(fields=["conversation", "index"], name="assistant_message_unique_index")]
        # the workers' recovery loop looks for expired waits every few seconds
        indexes = [
            models.Index(fields=["waiting_expires_at"], condition=Q(status="WAITING"), name="assistant_message_waiting"),
            # searching conversations by what was said in them (search.py)
            # (and a trigram index of UPPER(text), for `icontains`: migration 0011)
            GinIndex(fields=["search_vector"], name="assistant_message_search"),
        ]

    def __str__(self):
        return f"{self.role} #{self.index}"


class ToolExecutionStatus(models.TextChoices):
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"
    PENDING_APPROVAL = "PENDING_APPROVAL"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    # ask_user: waiting for the user's answer, then answered
    AWAITING_ANSWER = "AWAITING_ANSWER"
    ANSWERED = "ANSWERED"
    # a question or a write left waiting when the user wrote a new message, or past its expiry
    UNANSWERED = "UNANSWERED"
    # run_pipeline, approved: waiting for its run to end (pipeline_waits.py)
    AWAITING_RUN = "AWAITING_RUN"


# The statuses of a held call: its result is the user's to give, or a pipeline run's.
AWAITING_USER = (ToolExecutionStatus.PENDING_APPROVAL, ToolExecutionStatus.AWAITING_ANSWER, ToolExecutionStatus.AWAITING_RUN)


class ToolExecution(Base):
    """The audit row of one tool call made by the model."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="tool_executions")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="tool_executions")
    tool_use_id = models.CharField(max_length=100)
    name = models.CharField(max_length=100)
    input = models.JSONField(default=dict)
    output = models.JSONField(null=True, blank=True)
    success = models.BooleanField(null=True)
    status = models.CharField(max_length=32, choices=ToolExecutionStatus.choices, default=ToolExecutionStatus.RUNNING)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    # A write proposed by the model and held for the user's decision (PENDING_APPROVAL →
    # APPROVED, REJECTED, or FAILED when the approved write could not be made):
    # {"path", "action": "CREATE" | "OVERWRITE", "size", "diff", "base_sha256"}
    proposal = models.JSONField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    # Whether the model has been told how its approval request was resolved.
    outcome_reported = models.BooleanField(default=False)

    objects = InConversationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.name} ({self.status})"


class Event(models.Model):
    """One event of a turn, as streamed to the page, stored so that a reloaded page or
    another server process can replay it (`/assistant/conversations/<id>/events/?after=`)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=32)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["conversation", "seq"]
        constraints = [models.UniqueConstraint(fields=["conversation", "seq"], name="assistant_event_unique_seq")]


class UsageKind(models.TextChoices):
    MODEL_CALL = "MODEL_CALL"
    TOOL_CALL = "TOOL_CALL"


class UsageRecord(models.Model):
    """The usage ledger: one row per model call and per tool call.

    Usage reports, budgets and rate limits read it. It keeps plain ids of conversations and
    messages rather than foreign keys, so that deleting old conversations
    (`assistant_cleanup`) leaves every figure intact.

    A model call's row is written before its request is sent, with the request's estimated
    input, and completed with the usage the API reports (recording.py): a call that never
    reports (its worker killed, the call cut before its final usage) stays in the ledger,
    `estimated`.
    """

    kind = models.CharField(max_length=16, choices=UsageKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    workspace = models.ForeignKey("workspaces.Workspace", null=True, on_delete=models.SET_NULL, related_name="+")
    # A call made by another AI client through the MCP server (hexa/assistant/mcp/): no
    # conversation or message then.
    client = models.ForeignKey("AssistantClient", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    conversation_uuid = models.UUIDField(null=True, blank=True)
    message_uuid = models.UUIDField(null=True, blank=True)
    model = models.CharField(max_length=100, blank=True)
    input_tokens = models.BigIntegerField(default=0)
    output_tokens = models.BigIntegerField(default=0)
    cache_creation_input_tokens = models.BigIntegerField(default=0)
    cache_read_input_tokens = models.BigIntegerField(default=0)
    cost = models.DecimalField(**MONEY)
    tool_name = models.CharField(max_length=100, blank=True)
    success = models.BooleanField(null=True)
    duration_ms = models.PositiveIntegerField(null=True)
    # The figures are the server's estimate, not the API's report: the request's input
    # (measured from what was sent) and the output streamed before the call was cut.
    estimated = models.BooleanField(default=False)
    # Set while the call is in flight: the conversation's last event before it was sent (the
    # text it streams is stored after it). A run that resumes the turn of a dead worker
    # closes such a row from what was stored (recording.close_dead_calls).
    in_flight_after_seq = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["workspace", "created_at"]),
            models.Index(fields=["message_uuid"], condition=Q(in_flight_after_seq__isnull=False), name="assistant_usage_in_flight"),
            models.Index(fields=["client", "created_at"], condition=Q(client__isnull=False), name="assistant_usage_client"),
        ]


class SendRecord(models.Model):
    """One message sent by a user, for the rate limit (shared by all server processes)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"])]


class WorkspaceBudget(models.Model):
    """An optional monthly spending limit for the assistant in a workspace, set by its admins."""

    workspace = models.OneToOneField("workspaces.Workspace", on_delete=models.CASCADE, related_name="assistant_budget")
    monthly_limit_usd = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.workspace}: {self.monthly_limit_usd or 'no limit'}"


class ConversationSummary(Base, Usage):
    """Earlier turns of a conversation, summarised by the model to keep its requests within
    the context window (see compaction.py). The messages it covers stay stored and shown;
    the model is sent this summary instead of them. Usage: the summarising call."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="summaries")
    # The last message it covers: messages up to this index are replaced by `text`.
    through_index = models.PositiveIntegerField()
    # Tool results in the messages it covers, since the start of the conversation (the
    # numbering of stubbed_tool_results goes on from there).
    tool_results_through = models.PositiveIntegerField()
    text = models.TextField()
    model = models.CharField(max_length=100)
    # Written while the workspace sent rows to the model: not used under the data policy.
    rows_sent = models.BooleanField(default=True)

    objects = InConversationQuerySet.as_manager()

    class Meta:
        ordering = ["conversation", "through_index"]

    def __str__(self):
        return f"Summary of messages up to #{self.through_index}"


class AssistantSettings(models.Model):
    """How the assistant works in one workspace, set by its ADMINs. Created on the first
    change; until then every workspace has the defaults of `defaults()`."""

    workspace = models.OneToOneField("workspaces.Workspace", on_delete=models.CASCADE, related_name="assistant_settings")
    # The workspace's own words for the model (district codes, reporting calendar, …):
    # placed in the system prompt, below the rules, labelled as the workspace's.
    instructions = models.TextField(blank=True)
    # Empty: the server's default model (ASSISTANT_MODEL).
    model = models.CharField(max_length=100, blank=True)
    # Null: every tool, including tools added later; a list: only those.
    enabled_tools = models.JSONField(null=True, blank=True)
    # False: the model gets shapes and allowed aggregates, never row values (data_policy.py).
    send_rows_to_model = models.BooleanField(default=True)
    # False: no follow-up questions are proposed after answers (follow_ups.py).
    follow_ups = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "assistant settings"

    def __str__(self):
        return f"Assistant settings of {self.workspace}"


class AssistantPromptTemplate(Base):
    """A saved question of a workspace, offered on the start screen of a conversation."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="assistant_prompt_templates")
    title = models.CharField(max_length=100)
    text = models.TextField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["workspace", "title", "created_at"]

    def __str__(self):
        return self.title


class AssistantSettingsChange(models.Model):
    """The audit trail of a workspace's assistant settings: who changed what, when.

    `changes` is `{field: {"before": …, "after": …}}`; templates appear as
    `prompt_template` with their id, title and text before and after."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="assistant_settings_changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changes = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]


# evaluations keep their models in their own package (app label "assistant")
from .evaluations.models import EvaluationQuestion, EvaluationResult, EvaluationRun  # noqa: E402,F401
from .verified.models import VerifiedQuery, VerifiedQueryChange  # noqa: E402,F401
class AssistantClientKind(models.TextChoices):
    PERSONAL_TOKEN = "PERSONAL_TOKEN"  # a token the user created on the page, for a client configured by hand
    OAUTH = "OAUTH"  # an OAuth client the user authorised on the consent page


class AssistantClient(Base):
    """Another AI client (Claude Desktop, Claude Code, an IDE agent) a user let call the
    workspace tools through the MCP server, and what it may do: a grant of workspaces and
    tools, never more than the user's own role allows at each call (hexa/assistant/mcp/grants.py).

    A personal token is stored as its SHA-256 only. An OAuth client's grant is the user's
    consent for one registered application; its access tokens are django-oauth-toolkit's.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assistant_clients")
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=AssistantClientKind.choices)
    workspaces = models.ManyToManyField("workspaces.Workspace", related_name="+")
    tools = models.JSONField(default=list)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    application = models.ForeignKey(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # one live grant per user and OAuth application: a new consent replaces it
            models.UniqueConstraint(
                fields=["user", "application"], condition=Q(revoked_at__isnull=True, application__isnull=False),
                name="assistant_client_one_live_grant",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.user})"
