import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils.text import slugify

from hexa.core.encryption import EncryptedTextField
from hexa.core.models import Base, BaseQuerySet
from hexa.databases import api as databases
from hexa.files import api as files


class WorkspaceQuerySet(BaseQuerySet):
    def filter_for_user(self, user):
        workspaces = self._filter_for_user_and_query_object(user, Q(members=user))
        # a running pipeline's token (hexa/pipelines/authentication.py) reaches its run's workspace only
        scope = getattr(user, "pipeline_run_workspace_id", None)
        return workspaces.filter(pk=scope) if scope else workspaces


class WorkspaceManager(models.Manager.from_queryset(WorkspaceQuerySet)):
    def create_if_has_perm(self, principal, *, name, description="", slug=None):
        """Create a workspace with its bucket and database; `principal` becomes its ADMIN."""
        if not principal.has_perm("workspaces.create_workspace"):
            raise PermissionDenied
        slug = slug or self._unique_slug(name)
        workspace = self.model(
            name=name,
            slug=slug,
            description=description,
            bucket_name=files.generate_bucket_name(slug),
            db_name=databases.generate_db_name(slug),
            db_password=databases.generate_password(),
            db_ro_password=databases.generate_password(),
            created_by=principal,
        )
        databases.create_database(workspace.db_name, workspace.db_password, workspace.db_ro_password)
        try:
            files.create_bucket(workspace.bucket_name)
            with transaction.atomic():
                workspace.save()
                WorkspaceMembership.objects.create(
                    workspace=workspace, user=principal, role=WorkspaceMembershipRole.ADMIN
                )
        except Exception:
            databases.delete_database(workspace.db_name)
            files.delete_bucket(workspace.bucket_name)
            raise
        return workspace

    def _unique_slug(self, name):
        base = slugify(name)[:40].strip("-") or "workspace"
        slug = base
        while self.filter(slug=slug).exists():
            slug = f"{base}-{secrets.token_hex(2)}"
        return slug


class Workspace(Base):
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=63, unique=True)
    description = models.TextField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="WorkspaceMembership", related_name="workspaces"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    bucket_name = models.CharField(max_length=63, unique=True)
    db_name = models.CharField(max_length=63, unique=True)
    db_password = EncryptedTextField()
    db_ro_password = EncryptedTextField()

    objects = WorkspaceManager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def role_of(self, user):
        """The user's WorkspaceMembershipRole here, or None."""
        return membership_role(self.pk, user)

    def delete_if_has_perm(self, principal):
        if not principal.has_perm("workspaces.delete_workspace", self):
            raise PermissionDenied
        self.delete()
        databases.delete_database(self.db_name)
        files.delete_bucket(self.bucket_name)


class WorkspaceMembershipRole(models.TextChoices):
    ADMIN = "ADMIN", "Admin"
    EDITOR = "EDITOR", "Editor"
    VIEWER = "VIEWER", "Viewer"


class WorkspaceMembershipQuerySet(BaseQuerySet):
    def filter_for_user(self, user):
        return self._filter_for_user_and_query_object(user, Q(workspace__members=user))


class WorkspaceMembership(Base):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=WorkspaceMembershipRole.choices)

    objects = WorkspaceMembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="workspace_membership_unique_workspace_user")
        ]

    def __str__(self):
        return f"{self.user} — {self.workspace} ({self.role})"


def membership_role(workspace_id, user) -> str | None:
    """The user's WorkspaceMembershipRole in the workspace with this id, or None."""
    if not user.is_authenticated:
        return None
    # Every permission check and every tool call of every running assistant turn asks: a
    # plain query, as the ORM takes several times longer to build this one than PostgreSQL
    # takes to answer it.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT role FROM {connection.ops.quote_name(WorkspaceMembership._meta.db_table)} "
            "WHERE workspace_id = %s AND user_id = %s",
            [workspace_id, user.pk],
        )
        row = cursor.fetchone()
    return row[0] if row else None
