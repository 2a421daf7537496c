"""GraphQL for pipelines, upstream's names: queries, runPipeline/stopPipeline/uploadPipeline,
and the mutations the openhexa-sdk sends from inside a run (authenticated by the run's token:
authentication.py). Business errors are data (`PipelineError`)."""

import base64
import binascii
import io
import zipfile
from pathlib import PurePosixPath

from ariadne import MutationType, ObjectType, QueryType
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from hexa.core.pagination import result_page
from hexa.core.graphql_errors import payload
from hexa.databases import api as databases
from hexa.files import api as files
from hexa.workspaces.models import Workspace

from .authentication import pipeline_run_of, scoped_workspace_id
from .outputs import add_output
from .models import Pipeline, PipelineRun, PipelineRunStatus, PipelineVersion
from .launch import RunRefused, start_run, stop_run
from .parameters import InvalidConfig, validate_parameters
from .runner import add_message, fail_stale_runs

queries = QueryType()
mutations = MutationType()
pipeline_object = ObjectType("Pipeline")
version_object = ObjectType("PipelineVersion")
run_object = ObjectType("PipelineRun")

PRIORITIES = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


def _user(info):
    return info.context["request"].user


def _scoped(queryset, user, workspace_field):
    """A run's token reaches its own workspace only."""
    scope = scoped_workspace_id(user)
    return queryset.filter(**{workspace_field: scope}) if scope else queryset


def visible_pipelines(user):
    return _scoped(Pipeline.objects.filter_for_user(user), user, "workspace_id")


def visible_runs(user):
    return _scoped(PipelineRun.objects.filter_for_user(user), user, "pipeline__workspace_id")


# --- Queries ---------------------------------------------------------------------------


@queries.field("pipelines")
def resolve_pipelines(_, info, workspace_slug=None, search=None, page=None, per_page=None):
    pipelines = visible_pipelines(_user(info)).select_related("workspace")
    if workspace_slug is not None:
        pipelines = pipelines.filter(workspace__slug=workspace_slug)
    if search:
        pipelines = pipelines.filter(Q(name__icontains=search[:200]) | Q(code__icontains=search[:200]))
    return result_page(pipelines.order_by("name", "code"), page, per_page)


@queries.field("pipeline")
def resolve_pipeline(_, info, id):
    return visible_pipelines(_user(info)).filter(pk=id).first()


@queries.field("pipelineByCode")
def resolve_pipeline_by_code(_, info, workspace_slug, code):
    return visible_pipelines(_user(info)).filter(workspace__slug=workspace_slug, code=code).first()


@queries.field("pipelineVersion")
def resolve_pipeline_version(_, info, id):
    user = _user(info)
    versions = _scoped(PipelineVersion.objects.filter_for_user(user), user, "pipeline__workspace_id")
    return versions.select_related("pipeline").filter(pk=id).first()


@queries.field("pipelineRun")
def resolve_pipeline_run(_, info, id):
    run = visible_runs(_user(info)).select_related("pipeline", "version").filter(pk=id).first()
    if run is not None and run.status in (PipelineRunStatus.RUNNING, PipelineRunStatus.TERMINATING):
        # a run whose worker died is failed when read, not only at the next sweep of a worker
        if fail_stale_runs():
            run.refresh_from_db()
    return run


# --- Fields ----------------------------------------------------------------------------


@pipeline_object.field("currentVersion")
def resolve_current_version(pipeline, _):
    return pipeline.last_version


@pipeline_object.field("versions")
def resolve_versions(pipeline, _, page=None, per_page=None):
    return result_page(pipeline.versions.order_by("-version_number"), page, per_page)


@pipeline_object.field("runs")
def resolve_runs(pipeline, _, page=None, per_page=None):
    return result_page(pipeline.runs.order_by("-created_at"), page, per_page)


@pipeline_object.field("permissions")
def resolve_permissions(pipeline, info):
    user = _user(info)
    return {
        "run": user.has_perm("pipelines.run_pipeline", pipeline),
        "stop_pipeline": user.has_perm("pipelines.stop_pipeline", pipeline),
        "create_version": user.has_perm("pipelines.create_pipeline_version", pipeline),
    }


@version_object.field("versionName")
def resolve_version_name(version, _):
    return version.display_name


@version_object.field("zipfile")
def resolve_zipfile(version, _):
    return base64.b64encode(bytes(version.zipfile)).decode()


@version_object.field("parameters")
def resolve_parameters(version, _):
    return [
        {"name": p["code"], "multiple": False, "required": True, **{k: v for k, v in p.items() if v is not None}}
        for p in version.parameters
    ]


@run_object.field("duration")
def resolve_duration(run, _):
    return int(run.duration.total_seconds()) if run.duration is not None else None


@run_object.field("code")
def resolve_code(run, _):
    return base64.b64encode(bytes(run.version.zipfile)).decode()


# --- Mutations of users ----------------------------------------------------------------


@mutations.field("runPipeline")
def resolve_run_pipeline(_, info, input):
    user = _user(info)
    pipeline = visible_pipelines(user).select_related("workspace").filter(pk=input["id"]).first()
    if pipeline is None:
        return payload(["PIPELINE_NOT_FOUND"])
    try:
        run = start_run(user, pipeline, input.get("version_id"), input.get("config"))
    except RunRefused as refused:
        return payload([refused.code], details=refused.details)
    return payload(run=run)


@mutations.field("stopPipeline")
def resolve_stop_pipeline(_, info, input):
    user = _user(info)
    run = visible_runs(user).select_related("pipeline").filter(pk=input["run_id"]).first()
    if run is None:
        return payload(["PIPELINE_NOT_FOUND"])
    try:
        stop_run(user, run)
    except RunRefused as refused:
        return payload([refused.code])
    return payload()


def _zip_from_files(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            path = PurePosixPath(entry["path"])
            if path.is_absolute() or ".." in path.parts or not path.parts:
                raise ValueError("file paths must be relative, within the pipeline")
            archive.writestr(str(path), entry["content"])
    return buffer.getvalue()


def _version_zip(input) -> bytes:
    """The version's zip from `zipfile` or `files` (exactly one), with a pipeline.py at its root."""
    if (input.get("zipfile") is None) == (input.get("files") is None):
        raise ValueError("give exactly one of zipfile or files")
    if input.get("files") is not None:
        data = _zip_from_files(input["files"])
    else:
        try:
            data = base64.b64decode(input["zipfile"], validate=True)
        except (binascii.Error, ValueError):
            raise ValueError("zipfile is not valid base64")
    if len(data) > settings.PIPELINE_MAX_ZIP_BYTES:
        raise ValueError(f"the code is larger than {settings.PIPELINE_MAX_ZIP_BYTES} bytes")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "pipeline.py" not in archive.namelist():
                raise ValueError("the code has no pipeline.py at its root")
    except zipfile.BadZipFile:
        raise ValueError("zipfile is not a zip archive")
    return data


@mutations.field("uploadPipeline")
def resolve_upload_pipeline(_, info, input):
    user = _user(info)
    workspace = Workspace.objects.filter_for_user(user).filter(slug=input["workspace_slug"]).first()
    if workspace is None:
        return payload(["WORKSPACE_NOT_FOUND"])
    if not user.has_perm("pipelines.create_pipeline", workspace):
        return payload(["PERMISSION_DENIED"])
    code = (input.get("pipeline_code") or "").strip()
    if not code or len(code) > 255:
        return payload(["PIPELINE_NOT_FOUND"], details="pipelineCode is required")
    timeout = input.get("timeout")
    if timeout is not None and not 1 <= timeout <= settings.PIPELINE_MAX_TIMEOUT_S:
        return payload(["INVALID_TIMEOUT_VALUE"], details=f"between 1 and {settings.PIPELINE_MAX_TIMEOUT_S} seconds")
    try:
        data = _version_zip(input)
    except ValueError as invalid:
        return payload(["INVALID_VERSION_FILES"], details=str(invalid))
    try:
        parameters = validate_parameters([dict(p) for p in input.get("parameters") or []])
    except InvalidConfig as invalid:
        return payload(["INVALID_CONFIG"], details=str(invalid))
    with transaction.atomic():
        pipeline, _created = Pipeline.objects.select_for_update().get_or_create(
            workspace=workspace, code=code,
            defaults={"name": input.get("name") or code, "description": input.get("description") or ""},
        )
        number = (pipeline.versions.aggregate(n=Max("version_number"))["n"] or 0) + 1
        version = PipelineVersion.objects.create(
            pipeline=pipeline, version_number=number, name=input.get("name") or "", user=user if user.pk else None,
            zipfile=data, parameters=parameters, timeout=timeout,
        )
    return payload(pipeline_version=version)


# --- Mutations of a running pipeline (its run's token) -----------------------------------


def _calling_run(info):
    """The run whose token authenticated this request, if it is still running."""
    run = pipeline_run_of(_user(info))
    if run is None:
        return None
    return PipelineRun.objects.select_related("pipeline__workspace").filter(
        pk=run.pk, status__in=[PipelineRunStatus.RUNNING, PipelineRunStatus.TERMINATING]
    ).first()


@mutations.field("logPipelineMessage")
def resolve_log_message(_, info, input):
    run = _calling_run(info)
    if run is None:
        return payload(["PERMISSION_DENIED"])
    priority = input["priority"] if input["priority"] in PRIORITIES else "INFO"
    add_message(run.pk, priority, input["message"])
    return payload()


@mutations.field("updatePipelineProgress")
def resolve_update_progress(_, info, input):
    run = _calling_run(info)
    if run is None:
        return payload(["PERMISSION_DENIED"])
    PipelineRun.objects.filter(pk=run.pk).update(progress=max(0, min(100, input["percent"])))
    return payload()


@mutations.field("updatePipelineHeartbeat")
def resolve_update_heartbeat(_, info):
    run = _calling_run(info)
    if run is None:
        return payload(["PERMISSION_DENIED"])
    PipelineRun.objects.filter(pk=run.pk).update(sdk_heartbeat_at=timezone.now())
    return payload()


def _file_exists(workspace, uri: str) -> bool:
    """`gs://<bucket>/<path>` (as the SDK writes it) names a file of the run's own bucket."""
    prefix = f"gs://{workspace.bucket_name}/"
    if not uri.startswith(prefix):
        return False
    root = files.bucket_path(workspace.bucket_name).resolve()
    path = (root / uri[len(prefix):]).resolve()
    return path.is_relative_to(root) and path.is_file()


def _table_exists(workspace, name: str) -> bool:
    with databases.connect(workspace) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'public."{name}"' if name.isidentifier() else name])
        exists = cursor.fetchone()[0]
    connection.close()
    return exists


@mutations.field("addPipelineOutput")
def resolve_add_output(_, info, input):
    run = _calling_run(info)
    if run is None:
        return payload(["PERMISSION_DENIED"])
    workspace = run.pipeline.workspace
    kind, uri, name = input["type"][:32], input["uri"][:2000], (input.get("name") or "")[:255]
    if kind == "file" and not _file_exists(workspace, uri):
        return payload(["FILE_NOT_FOUND"])
    if kind == "db":
        try:
            found = _table_exists(workspace, name)
        except Exception:
            found = False
        if not found:
            return payload(["TABLE_NOT_FOUND"])
    add_output(run.pk, kind, uri, name)
    return payload()


bindables = [queries, mutations, pipeline_object, version_object, run_object]
