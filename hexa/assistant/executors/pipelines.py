"""The workspace's pipelines, for the assistant: what they are, their runs, and the runs the
model proposes (started or stopped only once the user approves: pipeline_waits.py).

    tools = UserPipelineTools(user, workspace)
    tools.list_pipelines(search=None)
    tools.get_pipeline_run(run_id=None, pipeline_code=None, status=None, since_days=None, limit=None)
    tools.preview_run(pipeline_code, config, version_id=None)   # what the approval card shows
    tools.run_pipeline(pipeline_code, config, version_id=None)  # starts it (once approved)
    tools.preview_stop(run_id) / tools.stop_pipeline_run(run_id)

A run is told as the other tools can follow it up: its outputs are named as they read them (a
table for query_database, a bucket path for read_file and query_files, a dataset file as
`dataset:<dataset slug>/<version name>/<file name>`). Pipelines are the host's
(hexa.pipelines); its rules (roles, the config against the version's parameters) are its own,
through hexa.pipelines.launch.
"""

import uuid
from datetime import timedelta

from django.utils import timezone

from hexa.datasets.models import DatasetVersion
from hexa.pipelines.launch import RunRefused, checked_config, start_run, stop_run, version_of
from hexa.pipelines.models import FINISHED, Pipeline, PipelineRun, PipelineRunStatus
from hexa.pipelines.parameters import CONNECTION_TYPES
from hexa.pipelines.runner import fail_stale_runs
from hexa.workspaces.models import Connection

from ..errors import AssistantError, ToolErrorCode
from .errors import requires, tool_method

MAX_PIPELINES = 50
LAST_RUNS = 3
MAX_RUNS = 20
DEFAULT_RUNS = 5
MESSAGES_SHOWN = 20
LOG_TAIL_LINES = 40
LOG_TAIL_CHARS = 4_000
MESSAGE_CHARS = 1_000
RUN_STATUSES = tuple(PipelineRunStatus.values)

# The host's refusals as the model's error codes (upstream's names where they are the host's).
REFUSALS = {
    "PERMISSION_DENIED": ToolErrorCode.PERMISSION_DENIED,
    "PIPELINE_VERSION_NOT_FOUND": ToolErrorCode.NOT_FOUND,
    "INVALID_CONFIG": ToolErrorCode.INVALID_CONFIG,
    "SANDBOX_UNAVAILABLE": ToolErrorCode.SANDBOX_UNAVAILABLE,
    "PIPELINE_ALREADY_COMPLETED": ToolErrorCode.PIPELINE_ALREADY_COMPLETED,
    "PIPELINE_ALREADY_STOPPED": ToolErrorCode.PIPELINE_ALREADY_COMPLETED,
}
REFUSAL_WORDS = {
    "PERMISSION_DENIED": "Only the workspace's editors and admins may run or stop pipelines.",
    "PIPELINE_VERSION_NOT_FOUND": "The pipeline has no such version (list_pipelines gives the current one).",
    "SANDBOX_UNAVAILABLE": "Pipeline runs cannot be isolated on this server, so none can start.",
    "PIPELINE_ALREADY_COMPLETED": "The run has already finished.",
    "PIPELINE_ALREADY_STOPPED": "The run is already being stopped.",
}


def refusal(refused: RunRefused) -> AssistantError:
    if refused.code == "INVALID_CONFIG":
        return AssistantError(
            ToolErrorCode.INVALID_CONFIG,
            f"The config does not fit the version's parameters: {refused.details}. "
            "list_pipelines gives each parameter's type, whether it is required and its choices.",
        )
    words = REFUSAL_WORDS.get(refused.code, refused.code)
    return AssistantError(REFUSALS.get(refused.code, ToolErrorCode.NOT_FOUND), words + (f" ({refused.details})" if refused.details else ""))


def _iso(moment):
    return moment.isoformat() if moment else None


def _seconds(duration):
    return round(duration.total_seconds(), 1) if duration is not None else None


def parameter_view(parameter: dict, connections: dict[str, list[str]]) -> dict:
    """A parameter as the SDK declares it, in the model's words; a connection parameter names
    the workspace's connections of its type (their slugs are its values)."""
    kind = parameter.get("type")
    view = {
        "code": parameter["code"],
        "name": parameter.get("name") or parameter["code"],
        "type": kind,
        "required": bool(parameter.get("required", True)) and kind != "bool",
        "multiple": bool(parameter.get("multiple", False)),
    }
    for key in ("choices", "default", "help"):
        if parameter.get(key) not in (None, [], ""):
            view[key] = parameter[key]
    if kind in CONNECTION_TYPES:
        view["connection_type"] = kind.upper() if kind != "postgresql" else "POSTGRESQL"
        view["connections"] = connections.get(view["connection_type"], [])
    return view


def version_view(version) -> dict:
    return {"id": str(version.pk), "number": version.version_number, "name": version.display_name}


def _dataset_paths(uri: str) -> list[str]:
    """`dataset:<slug>/<version>/<file>` for each file of a dataset version a run wrote."""
    try:
        version_id = uuid.UUID(uri.removeprefix("dataset-version://"))
    except ValueError:
        return []
    version = DatasetVersion.objects.select_related("dataset").filter(pk=version_id).first()
    if version is None:
        return []
    return [f"dataset:{version.dataset.slug}/{version.name}/{file.filename}" for file in version.files.all()]


def output_view(output: dict, workspace) -> list[dict]:
    """A run's output named so that another tool reads it."""
    kind, uri, name = output.get("type"), output.get("uri") or "", output.get("name") or ""
    if kind == "db":
        return [{"type": "table", "table": name, "read_with": "query_database"}]
    if kind == "file":
        path = uri.removeprefix(f"gs://{workspace.bucket_name}/")
        return [{"type": "file", "path": path, "read_with": "read_file, query_files"}]
    if kind == "datasetVersion":
        return [{"type": "dataset_file", "path": path, "dataset_version": name, "read_with": "read_file, query_files"}
                for path in _dataset_paths(uri)] or [{"type": "dataset_version", "name": name}]
    return [{"type": kind, "uri": uri, "name": name}]


def log_tail(logs: str) -> str:
    lines = (logs or "").rstrip("\n").splitlines()[-LOG_TAIL_LINES:]
    tail = "\n".join(lines)
    return tail[-LOG_TAIL_CHARS:]


def run_view(run: PipelineRun, detail=True) -> dict:
    """What the model is told of a run: its status, duration, messages, log tail and outputs."""
    view = {
        "run_id": str(run.pk),
        "pipeline_code": run.pipeline.code,
        "pipeline_name": run.pipeline.name,
        "version": version_view(run.version),
        "status": run.status,
        "started_by": run.user.email if run.user else None,
        "created_at": _iso(run.created_at),
        "started_at": _iso(run.execution_date),
        "duration_s": _seconds(run.duration) if run.duration is not None else (
            _seconds(timezone.now() - run.execution_date) if run.execution_date and run.status not in FINISHED else None
        ),
        "progress": run.progress,
    }
    if not detail:
        return view
    messages = run.messages[-MESSAGES_SHOWN:]
    view.update(
        config=run.config,
        messages=[{"priority": m.get("priority"), "message": str(m.get("message", ""))[:MESSAGE_CHARS]} for m in messages],
        messages_left_out=max(0, len(run.messages) - len(messages)),
        log_tail=log_tail(run.logs),
        outputs=[view for output in run.outputs for view in output_view(output, run.pipeline.workspace)],
    )
    return view


class UserPipelineTools:
    """The workspace's pipelines, as `user` may see and run them."""

    def __init__(self, user, workspace):
        self.user = user
        self.workspace = workspace

    def _pipelines(self):
        return Pipeline.objects.filter(workspace=self.workspace)

    def pipeline(self, code: str) -> Pipeline:
        pipeline = self._pipelines().filter(code=str(code)[:255]).first()
        if pipeline is None:
            known = ", ".join(self._pipelines().order_by("code").values_list("code", flat=True)[:MAX_PIPELINES])
            raise AssistantError(ToolErrorCode.NOT_FOUND, f"No pipeline {str(code)[:100]!r} in this workspace. Pipelines: {known or 'none'}.")
        return pipeline

    def _connections(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for slug, kind in Connection.objects.filter(workspace=self.workspace).order_by("slug").values_list("slug", "connection_type"):
            found.setdefault(kind, []).append(slug)
        return found

    @tool_method()
    @requires("pipelines.view_workspace_pipelines", "Only members of the workspace see its pipelines.")
    def list_pipelines(self, search: str | None = None) -> dict:
        pipelines = self._pipelines().order_by("code")
        if search:
            pipelines = pipelines.filter(code__icontains=search[:200]) | pipelines.filter(name__icontains=search[:200])
        connections = self._connections()
        listed = []
        for pipeline in pipelines[:MAX_PIPELINES]:
            version = pipeline.last_version
            runs = pipeline.runs.select_related("pipeline", "version", "user").order_by("-created_at")[:LAST_RUNS]
            listed.append({
                "code": pipeline.code,
                "name": pipeline.name,
                "description": pipeline.description,
                "schedule": pipeline.schedule or None,
                "current_version": None if version is None else {
                    **version_view(version),
                    "parameters": [parameter_view(p, connections) for p in version.parameters],
                },
                "last_runs": [run_view(run, detail=False) for run in runs],
            })
        return {
            "pipelines": listed,
            "count": pipelines.count(),
            "can_run": self.user.has_perm("pipelines.run_workspace_pipelines", self.workspace),
        }

    @tool_method()
    @requires("pipelines.view_workspace_pipelines", "Only members of the workspace see its pipelines' runs.")
    def get_pipeline_run(self, run_id=None, pipeline_code=None, status=None, since_days=None, limit=None) -> dict:
        fail_stale_runs()  # a run whose worker died is told as failed, not running
        if run_id is not None:
            try:
                run_uuid = uuid.UUID(str(run_id))
            except ValueError:
                raise AssistantError(ToolErrorCode.NOT_FOUND, f"No run {str(run_id)[:100]!r}: a run id is a UUID.") from None
            run = PipelineRun.objects.select_related("pipeline", "version", "user").filter(
                pk=run_uuid, pipeline__workspace=self.workspace
            ).first()
            if run is None:
                raise AssistantError(ToolErrorCode.NOT_FOUND, f"No run {run_id} in this workspace.")
            return {"run": run_view(run)}
        runs = PipelineRun.objects.select_related("pipeline", "version", "user").filter(pipeline__workspace=self.workspace)
        if pipeline_code is not None:
            runs = runs.filter(pipeline=self.pipeline(pipeline_code))
        if status is not None:
            if status not in RUN_STATUSES:
                raise AssistantError(ToolErrorCode.INVALID_INPUT, f"status must be one of {', '.join(RUN_STATUSES)}.")
            runs = runs.filter(status=status)
        if since_days is not None:
            runs = runs.filter(created_at__gte=timezone.now() - timedelta(days=since_days))
        shown = runs.order_by("-created_at")[: limit or DEFAULT_RUNS]
        return {"runs": [run_view(run) for run in shown], "total": runs.count()}

    def _proposal(self, pipeline_code, config, version_id=None):
        pipeline = self.pipeline(pipeline_code)
        try:
            version = version_of(pipeline, version_id)
            config = checked_config(version, config)
        except RunRefused as refused:
            raise refusal(refused) from None
        return pipeline, version, config

    @tool_method()
    @requires("pipelines.run_workspace_pipelines", "Only the workspace's editors and admins may run pipelines.")
    def preview_run(self, pipeline_code: str, config: dict, version_id: str | None = None) -> dict:
        """What the user is asked to approve, once the config fits the version's parameters."""
        pipeline, version, config = self._proposal(pipeline_code, config, version_id)
        declared = {p["code"]: p for p in version.parameters}
        return {
            "action": "RUN",
            "pipeline_code": pipeline.code,
            "pipeline_name": pipeline.name,
            "pipeline_id": str(pipeline.pk),
            "version": version_view(version),
            "config": config,
            "parameters": [
                {"code": code, "name": declared[code].get("name") or code, "type": declared[code].get("type"), "value": value}
                for code, value in config.items()
            ],
        }

    @tool_method()
    @requires("pipelines.run_workspace_pipelines", "Only the workspace's editors and admins may run pipelines.")
    def run_pipeline(self, pipeline_code: str, config: dict, version_id: str | None = None) -> dict:
        """Start the run (the agent holds the call for approval first)."""
        pipeline, version, config = self._proposal(pipeline_code, config, version_id)
        try:
            run = start_run(self.user, pipeline, str(version.pk), config)
        except RunRefused as refused:
            raise refusal(refused) from None
        return {"run": run_view(run)}

    def _run(self, run_id) -> PipelineRun:
        try:
            run_uuid = uuid.UUID(str(run_id))
        except ValueError:
            raise AssistantError(ToolErrorCode.NOT_FOUND, f"No run {str(run_id)[:100]!r}: a run id is a UUID.") from None
        run = PipelineRun.objects.select_related("pipeline", "version", "user").filter(
            pk=run_uuid, pipeline__workspace=self.workspace
        ).first()
        if run is None:
            raise AssistantError(ToolErrorCode.NOT_FOUND, f"No run {run_id} in this workspace.")
        return run

    @tool_method()
    @requires("pipelines.run_workspace_pipelines", "Only the workspace's editors and admins may stop pipeline runs.")
    def preview_stop(self, run_id: str) -> dict:
        run = self._run(run_id)
        if run.status in FINISHED:
            raise refusal(RunRefused("PIPELINE_ALREADY_COMPLETED"))
        return {
            "action": "STOP",
            "pipeline_code": run.pipeline.code,
            "pipeline_name": run.pipeline.name,
            "pipeline_id": str(run.pipeline.pk),
            "version": version_view(run.version),
            "run_id": str(run.pk),
            "config": run.config,
            "parameters": [{"code": code, "name": code, "type": None, "value": value} for code, value in run.config.items()],
        }

    @tool_method()
    @requires("pipelines.run_workspace_pipelines", "Only the workspace's editors and admins may stop pipeline runs.")
    def stop_pipeline_run(self, run_id: str) -> dict:
        run = self._run(run_id)
        try:
            stop_run(self.user, run)
        except RunRefused as refused:
            raise refusal(refused) from None
        run.refresh_from_db()
        return {"run": run_view(run)}
