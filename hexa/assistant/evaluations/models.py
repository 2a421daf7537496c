"""The stored side of evaluations (app label `assistant`: imported by hexa/assistant/models.py)."""

from django.conf import settings
from django.db import models

from hexa.core.models import Base

MONEY = {"max_digits": 18, "decimal_places": 8, "default": 0}


class ExpectedKind(models.TextChoices):
    """How a question's expected result is given (expected.py runs each kind)."""

    SQL = "SQL"  # a read-only query on the workspace database
    FILES = "FILES"  # a query_files query over the bucket's tabular files
    VALUES = "VALUES"  # literal values: a JSON list of rows (or one value)


class Reason(models.TextChoices):
    """Why a question failed (compare.py)."""

    MISSING_ROWS = "MISSING_ROWS"
    EXTRA_ROWS = "EXTRA_ROWS"
    DIFFERENT_VALUES = "DIFFERENT_VALUES"
    MISSING_COLUMNS = "MISSING_COLUMNS"
    NO_RESULT = "NO_RESULT"
    TEXT_MISMATCH = "TEXT_MISMATCH"
    ERROR = "ERROR"
    TIMEOUT = "TIMEOUT"
    EXPECTED_ERROR = "EXPECTED_ERROR"
    BUDGET_EXCEEDED = "BUDGET_EXCEEDED"


class RunStatus(models.TextChoices):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMPLETE = "COMPLETE"
    FAILED = "FAILED"


class EvaluationQuestion(Base):
    """A question of a workspace's evaluation set, with its expected result."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="assistant_evaluation_questions")
    question = models.TextField()
    expected_kind = models.CharField(max_length=16, choices=ExpectedKind.choices)
    expected = models.TextField()
    # numbers match when they differ by at most this fraction of the expected value
    tolerance = models.FloatField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["workspace", "created_at"]

    def __str__(self):
        return self.question[:80]


class EvaluationRun(Base):
    """One run of a workspace's questions with one model. Figures are filled as it goes."""

    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="assistant_evaluation_runs")
    model = models.CharField(max_length=100)
    status = models.CharField(max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    previous_run = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    question_count = models.PositiveIntegerField(default=0)
    passed_count = models.PositiveIntegerField(default=0)
    accuracy = models.FloatField(null=True, blank=True)
    cost = models.DecimalField(**MONEY)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Evaluation of {self.workspace} with {self.model} ({self.status})"


class EvaluationResult(Base):
    """One question of a run: the turn that answered it and its grade. The question is
    copied as it was, so that editing or deleting it later leaves the run's record true."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="results")
    question = models.ForeignKey(EvaluationQuestion, null=True, on_delete=models.SET_NULL, related_name="results")
    position = models.PositiveIntegerField()
    question_text = models.TextField()
    expected_kind = models.CharField(max_length=16, choices=ExpectedKind.choices)
    expected = models.TextField()
    tolerance = models.FloatField(default=0)
    conversation = models.ForeignKey("assistant.Conversation", null=True, on_delete=models.SET_NULL, related_name="+")
    message_uuid = models.UUIDField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    graded = models.BooleanField(default=False)
    passed = models.BooleanField(null=True)
    reason = models.CharField(max_length=32, choices=Reason.choices, blank=True)
    detail = models.TextField(blank=True)
    # whether the numbers of the final text match the expected values (None: not checked)
    text_matches = models.BooleanField(null=True)
    expected_result = models.JSONField(null=True, blank=True)
    actual_result = models.JSONField(null=True, blank=True)
    cost = models.DecimalField(**MONEY)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    previously_passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["run", "position"]
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="assistant_evaluation_result_position")]

    @property
    def regressed(self) -> bool:
        return bool(self.previously_passed) and self.passed is False
