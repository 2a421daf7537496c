"""Starting and stopping a run, for the GraphQL mutations and the assistant alike: the
permission, the version, the config checked against its parameters, the sandbox, then the
run queued (runner.py); a stop marks the run for its worker. Refusals are `RunRefused`
with upstream's error codes."""

from django.conf import settings
from django.db import transaction

from .models import FINISHED, Pipeline, PipelineRun, PipelineRunStatus, PipelineVersion
from .parameters import InvalidConfig, validate_config
from .runner import enqueue_run
from .sandbox import isolation_problem
from .signals import announce_finished

MAX_CONFIG_BYTES = 100_000


class RunRefused(Exception):
    def __init__(self, code: str, details: str | None = None):
        super().__init__(code)
        self.code, self.details = code, details


def version_of(pipeline: Pipeline, version_id=None) -> PipelineVersion:
    """The version asked for, or the pipeline's latest; PIPELINE_VERSION_NOT_FOUND."""
    version = pipeline.versions.filter(pk=version_id).first() if version_id else pipeline.last_version
    if version is None:
        raise RunRefused("PIPELINE_VERSION_NOT_FOUND")
    return version


def checked_config(version: PipelineVersion, config) -> dict:
    """The config with its defaults, or INVALID_CONFIG saying what is wrong."""
    try:
        if len(repr(config)) > MAX_CONFIG_BYTES:
            raise InvalidConfig("the config is too large")
        return validate_config(version.parameters, config)
    except InvalidConfig as invalid:
        raise RunRefused("INVALID_CONFIG", str(invalid)) from None


def start_run(user, pipeline: Pipeline, version_id=None, config=None) -> PipelineRun:
    """Queue a run of `pipeline` for `user` (who sees the pipeline); RunRefused otherwise."""
    if not user.has_perm("pipelines.run_pipeline", pipeline):
        raise RunRefused("PERMISSION_DENIED")
    version = version_of(pipeline, version_id)
    config = checked_config(version, config)
    if isolation_problem() and not settings.PIPELINE_RUNS_UNSANDBOXED:
        raise RunRefused("SANDBOX_UNAVAILABLE", isolation_problem())
    with transaction.atomic():
        run = PipelineRun.objects.create(
            pipeline=pipeline, version=version, user=user if user.pk else None, config=config,
            timeout=version.timeout or settings.PIPELINE_DEFAULT_TIMEOUT_S,
        )
        enqueue_run(run)
    return run


def stop_run(user, run: PipelineRun) -> None:
    """Stop a run `user` sees: a queued one at once, a running one by its worker within a
    second (SIGTERM, then SIGKILL after PIPELINE_STOP_GRACE_S). RunRefused otherwise."""
    if not user.has_perm("pipelines.stop_pipeline", run.pipeline):
        raise RunRefused("PERMISSION_DENIED")
    with transaction.atomic():
        run = PipelineRun.objects.select_for_update().get(pk=run.pk)
        if run.status in FINISHED:
            raise RunRefused("PIPELINE_ALREADY_COMPLETED")
        if run.status == PipelineRunStatus.TERMINATING:
            raise RunRefused("PIPELINE_ALREADY_STOPPED")
        run.stopped_by = user if user.pk else None
        if run.status == PipelineRunStatus.QUEUED:  # no process yet: its job will find it stopped
            run.status = PipelineRunStatus.STOPPED
            announce_finished(run.pk)
        else:  # its worker sees it within a second and ends the process
            run.status = PipelineRunStatus.TERMINATING
        run.save()
