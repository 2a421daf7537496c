"""Dataset permissions, answered through `user.has_perm("datasets.<name>", obj)`
(hexa/user_management/backends.py), as upstream: the members of a workspace a dataset is
linked to see it and download its files; the editors and admins of the workspace it belongs
to create it, its versions and their files. Superusers are granted everything by Django."""

from hexa.workspaces.models import Workspace, WorkspaceMembershipRole, membership_role

WRITER_ROLES = (WorkspaceMembershipRole.ADMIN, WorkspaceMembershipRole.EDITOR)


def create_dataset(user, workspace):
    return user.is_active and membership_role(workspace.pk, user) in WRITER_ROLES


def view_dataset(user, dataset):
    return (
        user.is_active
        and Workspace.objects.filter_for_user(user).filter(id__in=dataset.links.values("workspace_id")).exists()
    )


def update_dataset(user, dataset):
    return create_dataset(user, dataset.workspace)


def delete_dataset(user, dataset):
    return create_dataset(user, dataset.workspace)


def create_dataset_version(user, dataset):
    return create_dataset(user, dataset.workspace)


def create_dataset_version_file(user, version):
    """Files are added to the latest version only; older versions are locked."""
    latest = version.dataset.latest_version
    return latest is not None and latest.pk == version.pk and create_dataset_version(user, version.dataset)


def view_dataset_version(user, version):
    return view_dataset(user, version.dataset)


def download_dataset_version(user, version):
    return view_dataset(user, version.dataset)


def read_datasets(user, workspace):
    """The assistant's list_datasets: the members of `workspace` read the datasets linked to it
    (view_dataset holds for each of them)."""
    return user.is_active and membership_role(workspace.pk, user) is not None
