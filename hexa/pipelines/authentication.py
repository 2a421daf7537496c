"""A running pipeline authenticates with its run's token (`Authorization: Bearer <token>`, as
the openhexa-sdk sends it): the request then acts as the run's user, with that user's
permissions but only within the run's workspace, and only while the run runs.

`RunTokenMiddleware` sets `request.user` to that identity (lazily: the lookup runs on the
resolver's thread); a request with a bearer token that matches no running run is anonymous,
whatever its session cookie says. Other apps' resolvers need nothing special: a workspace
outside the run's is not found (`Workspace.objects.filter_for_user` and `has_perm` refuse
it), and `pipeline_run_of(user)` tells the pipelines' own mutations which run is calling.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from .models import PipelineRun, PipelineRunStatus, hash_token

# the run's process talks to the server while it runs and while it is being stopped
LIVE = [PipelineRunStatus.RUNNING, PipelineRunStatus.TERMINATING]


# what an object belongs to, up to the model that has a workspace: a dataset version file to its
# version, a version to its dataset (hexa/datasets), a run or version to its pipeline
OWNERS = ("dataset_version", "dataset", "pipeline")


def _workspace_id_of(obj):
    from hexa.workspaces.models import Workspace

    for _ in range(len(OWNERS) + 1):
        if isinstance(obj, Workspace):
            return obj.pk
        if hasattr(obj, "workspace_id"):
            return obj.workspace_id
        owner = next((getattr(obj, name) for name in OWNERS if hasattr(obj, name)), None)
        if owner is None:
            return getattr(getattr(obj, "workspace", None), "pk", None)
        obj = owner
    return None


def run_identity(token: str):
    """The run's user, limited to the run's workspace, or AnonymousUser."""
    if not token or len(token) > 200:
        return AnonymousUser()
    run = (
        PipelineRun.objects.filter(token_hash=hash_token(token), status__in=LIVE)
        .select_related("pipeline__workspace", "user")
        .first()
    )
    if run is None or run.user is None or not run.user.is_active:
        return AnonymousUser()
    user = run.user
    workspace_id = run.pipeline.workspace_id
    user_has_perm = user.has_perm
    # a superuser's run gets its workspace's member permissions, not the whole instance
    user.is_superuser = False
    user.is_staff = False

    def has_perm(perm, obj=None):
        return obj is not None and _workspace_id_of(obj) == workspace_id and user_has_perm(perm, obj)

    user.has_perm = has_perm
    user.pipeline_run = run
    user.pipeline_run_workspace_id = workspace_id
    return user


def pipeline_run_of(user) -> PipelineRun | None:
    """The run a request authenticated with a run token comes from, else None."""
    return getattr(user, "pipeline_run", None)


def scoped_workspace_id(user):
    """The only workspace a run-token identity may reach, or None for a normal user."""
    return getattr(user, "pipeline_run_workspace_id", None)


def _bearer(request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


class RunTokenMiddleware:
    """After Django's AuthenticationMiddleware: a bearer token replaces the session's user."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        from asgiref.sync import iscoroutinefunction, markcoroutinefunction

        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def _authenticate(self, request):
        token = _bearer(request)
        if token is not None:
            from asgiref.sync import sync_to_async

            request.user = SimpleLazyObject(lambda: run_identity(token))

            async def auser():
                return await sync_to_async(run_identity, thread_sensitive=False)(token)

            request.auser = auser

    def __call__(self, request):
        self._authenticate(request)
        if self.is_async:
            return self.__acall__(request)
        return self.get_response(request)

    async def __acall__(self, request):
        return await self.get_response(request)
