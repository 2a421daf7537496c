"""GraphQL of datasets (graphql/schema.graphql), with upstream OpenHEXA's names and shapes.

Every resolver asks `request.user`: a logged-in user, or any principal with `has_perm` and
`is_authenticated` (a pipeline run's identity), through the querysets' `filter_for_user` and
hexa/datasets/permissions.py. What you may not see is null (queries) or `*_NOT_FOUND`
(mutations), never a hint that it exists.
"""

import uuid

from ariadne import MutationType, ObjectType, QueryType, ScalarType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q

from hexa.core.pagination import result_page
from hexa.core.graphql_errors import payload
from hexa.core.text import is_storable_text
from hexa.pipelines.authentication import pipeline_run_of
from hexa.pipelines.outputs import add_dataset_version_output
from hexa.workspaces.models import Workspace

from . import links, samples, storage
from .models import Dataset, DatasetLink, DatasetVersion, DatasetVersionFile, author_of

MAX_NAME_CHARS = 255
MAX_TEXT_CHARS = 10_000

queries = QueryType()
mutations = MutationType()
big_int = ScalarType("BigInt", serializer=int)
dataset_object = ObjectType("Dataset")
dataset_permissions = ObjectType("DatasetPermissions")
version_object = ObjectType("DatasetVersion")
version_permissions = ObjectType("DatasetVersionPermissions")
file_object = ObjectType("DatasetVersionFile")
sample_object = ObjectType("DatasetFileSample")
link_object = ObjectType("DatasetLink")
workspace_object = ObjectType("Workspace")
workspace_permissions = ObjectType("WorkspacePermissions")


def _user(info):
    return info.context["request"].user


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        return None


def _visible(queryset, info, value):
    """The object with this id that the caller may see, or None (also for a malformed id)."""
    pk = _uuid(value)
    return None if pk is None else queryset.filter_for_user(_user(info)).filter(pk=pk).first()


def _name(value) -> str | None:
    """A trimmed name PostgreSQL can store, of a sane length, or None."""
    if not isinstance(value, str) or not is_storable_text(value):
        return None
    value = value.strip()
    return value if 0 < len(value) <= MAX_NAME_CHARS else None


def _text(value) -> str | None:
    if value is None:
        return ""
    return value if isinstance(value, str) and is_storable_text(value) and len(value) <= MAX_TEXT_CHARS else None


for _type in (dataset_object, version_object, file_object, link_object):
    _type.set_field("id", lambda obj, _: str(obj.id))


# -- queries ---------------------------------------------------------------------------------


@queries.field("dataset")
def resolve_dataset(_, info, id):
    return _visible(Dataset.objects, info, id)


@queries.field("datasetVersion")
def resolve_dataset_version(_, info, id):
    return _visible(DatasetVersion.objects, info, id)


@queries.field("datasetVersionFile")
def resolve_dataset_version_file(_, info, id):
    return _visible(DatasetVersionFile.objects, info, id)


@queries.field("datasetLink")
def resolve_dataset_link(_, info, id):
    return _visible(DatasetLink.objects, info, id)


@queries.field("datasetLinkBySlug")
def resolve_dataset_link_by_slug(_, info, workspace_slug, dataset_slug):
    """As upstream: the dataset of that workspace with this slug first, then one linked to it."""
    visible = DatasetLink.objects.filter_for_user(_user(info)).select_related("dataset", "workspace")
    return (
        visible.filter(dataset__slug=dataset_slug, dataset__workspace__slug=workspace_slug).order_by("created_at").first()
        or visible.filter(dataset__slug=dataset_slug, workspace__slug=workspace_slug).first()
    )


def _search(queryset, query, prefix=""):
    if query is None or not query.strip():
        return queryset
    query = query.strip()
    return queryset.filter(
        Q(**{f"{prefix}name__icontains": query})
        | Q(**{f"{prefix}slug__icontains": query})
        | Q(**{f"{prefix}description__icontains": query})
    )


@queries.field("datasets")
def resolve_datasets(_, info, query=None, page=1, per_page=15):
    datasets = _search(Dataset.objects.filter_for_user(_user(info)), query)
    return result_page(datasets.order_by("-updated_at", "id"), page, per_page)


@workspace_object.field("datasets")
def resolve_workspace_datasets(workspace, info, pinned=None, query=None, page=1, per_page=15):
    workspace_links = DatasetLink.objects.filter(workspace=workspace).select_related("dataset")
    if pinned is not None:
        workspace_links = workspace_links.filter(is_pinned=pinned)
    workspace_links = _search(workspace_links, query, prefix="dataset__")
    return result_page(workspace_links.order_by("-dataset__updated_at", "dataset_id"), page, per_page)


@workspace_permissions.field("createDataset")
def resolve_workspace_create_dataset(permissions, info):
    return _user(info).has_perm("datasets.create_dataset", permissions["workspace"])


# -- types -----------------------------------------------------------------------------------


@dataset_object.field("updatedAt")
def resolve_dataset_updated_at(dataset, _):
    return dataset.updated_at


@dataset_object.field("versions")
def resolve_dataset_versions(dataset, info, page=1, per_page=15):
    return result_page(dataset.versions.order_by("-created_at"), page, per_page)


@dataset_object.field("version")
def resolve_dataset_version_by_id(dataset, info, id):
    pk = _uuid(id)
    return None if pk is None else dataset.versions.filter(pk=pk).first()


@dataset_object.field("latestVersion")
def resolve_latest_version(dataset, _):
    return dataset.latest_version


@dataset_object.field("links")
def resolve_dataset_links(dataset, info, page=1, per_page=15):
    shared = dataset.links.exclude(workspace_id=dataset.workspace_id).select_related("workspace")
    return result_page(shared.order_by("-created_at"), page, per_page)


@dataset_object.field("permissions")
@version_object.field("permissions")
def resolve_permissions(obj, _):
    return obj


@dataset_permissions.field("update")
def resolve_dataset_update(dataset, info):
    return _user(info).has_perm("datasets.update_dataset", dataset)


@dataset_permissions.field("delete")
def resolve_dataset_delete(dataset, info):
    return _user(info).has_perm("datasets.delete_dataset", dataset)


@dataset_permissions.field("createVersion")
def resolve_dataset_create_version(dataset, info):
    return _user(info).has_perm("datasets.create_dataset_version", dataset)


@version_object.field("description")
def resolve_version_description(version, _):
    return version.changelog


@version_object.field("fileByName")
def resolve_file_by_name(version, info, name):
    try:
        return version.files.filter(uri=version.full_uri(storage.clean_name(name))).first()
    except storage.InvalidName:
        return None


@version_object.field("files")
def resolve_version_files(version, info, page=1, per_page=15):
    return result_page(version.files.order_by("uri"), page, per_page)


@version_permissions.field("update")
@version_permissions.field("delete")
def resolve_version_change(version, info):
    return _user(info).has_perm("datasets.create_dataset_version", version.dataset)


@version_permissions.field("download")
def resolve_version_download(version, info):
    return _user(info).has_perm("datasets.download_dataset_version", version)


@file_object.field("size")
def resolve_file_size(file, _):
    return file.size or 0


@file_object.field("fileSample")
def resolve_file_sample(file, _):
    return samples.file_sample(file)


@file_object.field("downloadUrl")
def resolve_file_download_url(file, info, attachment=True):
    if file.size is None or not _user(info).has_perm("datasets.download_dataset_version", file.dataset_version):
        return None
    return links.download_url(info.context["request"], file, attachment)


@sample_object.field("statusReason")
def resolve_sample_reason(sample, _):
    return sample.status_reason or None


# -- mutations -------------------------------------------------------------------------------


@mutations.field("createDataset")
def resolve_create_dataset(_, info, input):
    user = _user(info)
    workspace = Workspace.objects.filter_for_user(user).filter(slug=input["workspace_slug"]).first()
    if workspace is None:
        return payload(["WORKSPACE_NOT_FOUND"])
    name, description = _name(input["name"]), _text(input.get("description"))
    if name is None or description is None:
        return payload(["INVALID_NAME"])
    try:
        dataset = Dataset.objects.create_if_has_perm(user, workspace, name=name, description=description)
    except PermissionDenied:
        return payload(["PERMISSION_DENIED"])
    link = DatasetLink.objects.get(dataset=dataset, workspace=workspace)
    return payload(dataset=dataset, link=link)


@mutations.field("deleteDataset")
def resolve_delete_dataset(_, info, input):
    dataset = _visible(Dataset.objects, info, input["id"])
    if dataset is None:
        return payload(["DATASET_NOT_FOUND"])
    if not _user(info).has_perm("datasets.delete_dataset", dataset):
        return payload(["PERMISSION_DENIED"])
    dataset.delete()  # the stored bytes stay: an object store keeps them by its own rules
    return payload()


@mutations.field("createDatasetVersion")
def resolve_create_dataset_version(_, info, input):
    dataset = _visible(Dataset.objects, info, input["dataset_id"])
    if dataset is None:
        return payload(["DATASET_NOT_FOUND"])
    name, changelog = _name(input["name"]), _text(input.get("changelog"))
    if name is None or changelog is None:
        return payload(["INVALID_NAME"])
    try:
        with transaction.atomic():
            version = DatasetVersion.objects.create_if_has_perm(_user(info), dataset, name=name, changelog=changelog)
            run = pipeline_run_of(_user(info))
            if run is not None:  # created by a pipeline's code: one of its run's outputs, as upstream
                add_dataset_version_output(run.pk, version)
    except PermissionDenied:
        return payload(["PERMISSION_DENIED"])
    except IntegrityError:
        return payload(["DUPLICATE_NAME"])
    return payload(version=version)


def _writable_version(info, input):
    """(version, clean name, content type) for adding a file, or an error code."""
    version = _visible(DatasetVersion.objects.select_related("dataset"), info, input["version_id"])
    if version is None:
        return "VERSION_NOT_FOUND"
    if version.dataset.latest_version.pk != version.pk:
        return "LOCKED_VERSION"
    if not _user(info).has_perm("datasets.create_dataset_version_file", version):
        return "PERMISSION_DENIED"
    try:
        name = storage.clean_name(input["uri"])
    except storage.InvalidName:
        return "INVALID_URI"
    return version, name, storage.clean_content_type(input["content_type"])


@mutations.field("generateDatasetUploadUrl")
def resolve_generate_upload_url(_, info, input):
    checked = _writable_version(info, input)
    if isinstance(checked, str):
        return payload([checked])
    version, name, content_type = checked
    if storage.exists(version.full_uri(name)):
        return payload(["ALREADY_EXISTS"])
    return payload(
        upload_url=links.upload_url(info.context["request"], version, name, content_type),
        headers={"Content-Type": content_type},
    )


@mutations.field("createDatasetVersionFile")
def resolve_create_version_file(_, info, input):
    checked = _writable_version(info, input)
    if isinstance(checked, str):
        return payload([checked])
    version, name, content_type = checked
    uri = version.full_uri(name)
    file = DatasetVersionFile.objects.filter(uri=uri).first()
    if file is not None:
        # as upstream: a file whose bytes are not there yet may be announced again
        return payload(["ALREADY_EXISTS"]) if file.size is not None else payload(file=file)
    try:
        with transaction.atomic():
            file = DatasetVersionFile.objects.create(
                dataset_version=version, uri=uri, content_type=content_type, size=storage.size_of(uri),
                created_by=author_of(_user(info)),
            )
    except IntegrityError:
        return payload(["ALREADY_EXISTS"])
    return payload(file=file)


@mutations.field("prepareVersionFileDownload")
def resolve_prepare_download(_, info, input):
    file = _visible(DatasetVersionFile.objects.select_related("dataset_version__dataset"), info, input["file_id"])
    if file is None:
        return payload(["FILE_NOT_FOUND"])
    if not _user(info).has_perm("datasets.download_dataset_version", file.dataset_version):
        return payload(["PERMISSION_DENIED"])
    if file.size is None:
        return payload(["FILE_NOT_UPLOADED"])
    return payload(download_url=links.download_url(info.context["request"], file))


bindables = [
    queries, mutations, big_int, dataset_object, dataset_permissions, version_object, version_permissions,
    file_object, sample_object, link_object, workspace_object, workspace_permissions,
]
