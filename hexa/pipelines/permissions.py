"""Pipelines' permissions, through `user.has_perm("pipelines.<name>", obj)` (see
hexa.user_management.backends): every member sees a workspace's pipelines and runs; editors
and admins upload, run and stop them."""

from hexa.workspaces.models import WorkspaceMembershipRole, membership_role

WRITERS = [WorkspaceMembershipRole.ADMIN, WorkspaceMembershipRole.EDITOR]


def _role(principal, workspace):
    return membership_role(workspace.pk, principal)


def view_pipeline(principal, pipeline):
    return _role(principal, pipeline.workspace) is not None


def create_pipeline(principal, workspace):
    return _role(principal, workspace) in WRITERS


def create_pipeline_version(principal, pipeline):
    return _role(principal, pipeline.workspace) in WRITERS


def run_pipeline(principal, pipeline):
    return _role(principal, pipeline.workspace) in WRITERS


def stop_pipeline(principal, pipeline):
    return _role(principal, pipeline.workspace) in WRITERS


# The same rules for a workspace as a whole (the assistant's pipeline tools: what a member may
# do with the workspace's pipelines, before any pipeline is named).
def view_workspace_pipelines(principal, workspace):
    return principal.is_active and _role(principal, workspace) is not None


def run_workspace_pipelines(principal, workspace):
    return principal.is_active and _role(principal, workspace) in WRITERS
