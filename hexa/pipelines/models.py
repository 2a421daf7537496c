"""Pipelines: code written with the openhexa-sdk, uploaded as versions (a zip and the
parameters the SDK declares), and run in an isolated subprocess (runner.py).

A run carries its own token: the SDK inside the run authenticates with it (authentication.py)
to fetch the code, log messages, report progress and add outputs, as the run's user but
only within the run's workspace, and only while the run is running.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from hexa.core.models import Base, BaseQuerySet
from hexa.workspaces.models import Workspace


class PipelineQuerySet(BaseQuerySet):
    def filter_for_user(self, user):
        return self._filter_for_user_and_query_object(user, Q(workspace__members=user))


class Pipeline(Base):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="pipelines")
    code = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    # a cron expression; runs on schedule are not started by this subset (shown as upstream does)
    schedule = models.CharField(max_length=255, blank=True, null=True)

    objects = PipelineQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["workspace", "code"], name="pipeline_unique_workspace_code")]

    def __str__(self):
        return f"{self.workspace.slug}/{self.code}"

    @property
    def last_version(self):
        return self.versions.order_by("-version_number").first()


class PipelineVersionQuerySet(BaseQuerySet):
    def filter_for_user(self, user):
        return self._filter_for_user_and_query_object(user, Q(pipeline__workspace__members=user))


class PipelineVersion(Base):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="versions")
    version_number = models.PositiveIntegerField()
    name = models.CharField(max_length=255, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    zipfile = models.BinaryField()
    # as the SDK declares them (Parameter.to_dict(): code, type, name, multiple, required, default, choices…)
    parameters = models.JSONField(default=list)
    timeout = models.PositiveIntegerField(null=True, blank=True)

    objects = PipelineVersionQuerySet.as_manager()

    class Meta:
        ordering = ["-version_number"]
        constraints = [
            models.UniqueConstraint(fields=["pipeline", "version_number"], name="pipeline_version_unique_number")
        ]

    @property
    def display_name(self):
        return self.name or f"v{self.version_number}"


class PipelineRunStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCESS = "success"
    FAILED = "failed"
    STOPPED = "stopped"
    TERMINATING = "terminating"
    SKIPPED = "skipped"


FINISHED = [PipelineRunStatus.SUCCESS, PipelineRunStatus.FAILED, PipelineRunStatus.STOPPED, PipelineRunStatus.SKIPPED]


class PipelineRunQuerySet(BaseQuerySet):
    def filter_for_user(self, user):
        return self._filter_for_user_and_query_object(user, Q(pipeline__workspace__members=user))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PipelineRun(Base):
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="runs")
    version = models.ForeignKey(PipelineVersion, on_delete=models.CASCADE, related_name="runs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    config = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=PipelineRunStatus.choices, default=PipelineRunStatus.QUEUED)
    execution_date = models.DateTimeField(null=True, blank=True)
    duration = models.DurationField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    timeout = models.PositiveIntegerField()
    # [{"priority", "message", "timestamp"}], at most PIPELINE_RUN_MAX_MESSAGES (the last one says so)
    messages = models.JSONField(default=list)
    # the subprocess's output, its last PIPELINE_RUN_MAX_LOG_BYTES
    logs = models.TextField(blank=True)
    # [{"type": "file" | "db" | …, "uri", "name"}]
    outputs = models.JSONField(default=list)
    # the SHA-256 of the run's token; the token itself is only given to the run's process
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # renewed by the runner that supervises the subprocess; a stale one means that runner died
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # renewed by the SDK inside the run (updatePipelineHeartbeat)
    sdk_heartbeat_at = models.DateTimeField(null=True, blank=True)
    pid = models.IntegerField(null=True, blank=True)
    stopped_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = PipelineRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    @property
    def workspace(self):
        return self.pipeline.workspace

    def new_token(self) -> str:
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        return token
