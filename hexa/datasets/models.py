"""Datasets: versioned, documented files shared by workspaces (as in upstream OpenHEXA).

A Dataset belongs to the workspace it was created in and is linked to it (a DatasetLink);
who sees a dataset is who is a member of a workspace it is linked to. Its versions hold files
whose bytes live under DATASETS_ROOT (hexa/datasets/storage.py), at the file's `uri`:
`<dataset id>/<version id>/<name>`.
"""

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Q
from django.utils.text import slugify

from hexa.core.models import Base, BaseQuerySet
from hexa.user_management.models import User


def _workspaces_of(user):
    """The workspaces `user` may see, as the workspaces app decides (whatever the principal:
    a user, or a pipeline run's identity): datasets are seen through them."""
    from hexa.workspaces.models import Workspace

    return Workspace.objects.filter_for_user(user).values("id")


class DatasetQuerySet(BaseQuerySet):
    def filter_for_user(self, user):
        return self._filter_for_user_and_query_object(user, Q(links__workspace__in=_workspaces_of(user)))


class DatasetManager(models.Manager.from_queryset(DatasetQuerySet)):
    def create_if_has_perm(self, principal, workspace, *, name, description=""):
        """A dataset in `workspace`, linked to it; `principal` must be one of its editors or admins."""
        if not principal.has_perm("datasets.create_dataset", workspace):
            raise PermissionDenied
        with transaction.atomic():
            dataset = self.create(
                workspace=workspace,
                slug=self._unique_slug(name, workspace),
                name=name,
                description=description,
                created_by=author_of(principal),
            )
            DatasetLink.objects.create(dataset=dataset, workspace=workspace, created_by=author_of(principal))
        return dataset

    def _unique_slug(self, name, workspace):
        base = slugify(name)[:200].strip("-") or "dataset"
        slug = base
        while self.filter(workspace=workspace, slug=slug).exists():
            slug = f"{base}-{secrets.token_hex(3)}"
        return slug


def author_of(principal):
    """The user to record as author: a principal that is not a user (a pipeline run's
    identity) names the user it acts for in `user`."""
    return principal if isinstance(principal, User) else getattr(principal, "user", None)


class Dataset(Base):
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=255)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = DatasetManager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [models.UniqueConstraint(fields=["workspace", "slug"], name="dataset_unique_workspace_slug")]

    def __str__(self):
        return self.name

    @property
    def latest_version(self):
        return self.versions.order_by("-created_at").first()


class DatasetLinkQuerySet(BaseQuerySet):
    def filter_for_user(self, user):
        return self._filter_for_user_and_query_object(user, Q(workspace__in=_workspaces_of(user)))


class DatasetLink(Base):
    """A dataset available in a workspace: the one it was created in, or one it is shared with."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="links")
    workspace = models.ForeignKey("workspaces.Workspace", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_pinned = models.BooleanField(default=False)

    objects = DatasetLinkQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dataset", "workspace"], name="dataset_link_unique")]


class DatasetVersionQuerySet(BaseQuerySet):
    def filter_for_user(self, user):
        return self._filter_for_user_and_query_object(user, Q(dataset__links__workspace__in=_workspaces_of(user)))


class DatasetVersionManager(models.Manager.from_queryset(DatasetVersionQuerySet)):
    def create_if_has_perm(self, principal, dataset, *, name, changelog=""):
        if not principal.has_perm("datasets.create_dataset_version", dataset):
            raise PermissionDenied
        with transaction.atomic():
            version = self.create(dataset=dataset, name=name, changelog=changelog or "", created_by=author_of(principal))
            dataset.save(update_fields=["updated_at"])  # lists order datasets by their last change
        return version


class DatasetVersion(Base):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="versions")
    name = models.CharField(max_length=255)
    changelog = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = DatasetVersionManager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["dataset", "name"], name="dataset_version_unique_name")]

    def __str__(self):
        return f"{self.dataset} — {self.name}"

    def full_uri(self, name: str) -> str:
        return f"{self.dataset_id}/{self.id}/{name}"


class DatasetVersionFileQuerySet(BaseQuerySet):
    def filter_for_user(self, user):
        return self._filter_for_user_and_query_object(
            user, Q(dataset_version__dataset__links__workspace__in=_workspaces_of(user))
        )


class DatasetVersionFile(Base):
    """A file of a version. Its bytes are uploaded to a signed URL (views.py); `size` is set
    once they are stored, and is null until then."""

    dataset_version = models.ForeignKey(DatasetVersion, on_delete=models.CASCADE, related_name="files")
    uri = models.TextField(unique=True)
    content_type = models.CharField(max_length=255)
    size = models.BigIntegerField(null=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = DatasetVersionFileQuerySet.as_manager()

    class Meta:
        ordering = ["uri"]

    @property
    def name(self) -> str:
        """The path given by its author, inside the version (may hold folders)."""
        return self.uri.split("/", 2)[2]

    @property
    def filename(self) -> str:
        return self.uri.rsplit("/", 1)[-1]


class DatasetFileSample(Base):
    """The first rows of a CSV or Parquet file, computed once (samples.py)."""

    class Status(models.TextChoices):
        PROCESSING = "PROCESSING"
        FAILED = "FAILED"
        FINISHED = "FINISHED"

    dataset_version_file = models.OneToOneField(DatasetVersionFile, on_delete=models.CASCADE, related_name="sample_entry")
    sample = models.JSONField(default=list)
    status = models.CharField(max_length=16, choices=Status.choices)
    status_reason = models.TextField(blank=True)
