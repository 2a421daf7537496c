import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils.text import slugify

from hexa.core.encryption import EncryptedTextField
from hexa.core.models import Base, BaseQuerySet
from hexa.core.text import STORABLE_TEXT_MESSAGE, is_storable_text
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


class ConnectionType(models.TextChoices):
    DHIS2 = "DHIS2", "DHIS2 instance"
    IASO = "IASO", "IASO instance"
    POSTGRESQL = "POSTGRESQL", "PostgreSQL database"
    S3 = "S3", "S3 bucket"
    GCS = "GCS", "GCS bucket"
    CUSTOM = "CUSTOM", "Custom"


# What a connection may hold: enough for any real service, bounded so that a hostile caller
# cannot store megabytes through it.
MAX_CONNECTION_FIELDS = 50
MAX_FIELD_VALUE_LENGTH = 10_000
MAX_DESCRIPTION_LENGTH = 10_000


def validate_storable_text(value):
    """Refused as a field error before PostgreSQL would refuse it (a NUL, a lone surrogate)."""
    if not is_storable_text(value):
        raise ValidationError(STORABLE_TEXT_MESSAGE)


class ConnectionQuerySet(BaseQuerySet):
    def filter_for_user(self, user):
        return self.filter(workspace__in=Workspace.objects.filter_for_user(user))


class ConnectionManager(models.Manager.from_queryset(ConnectionQuerySet)):
    def create_if_has_perm(self, principal, workspace, *, name, connection_type, slug=None, description="", fields=None):
        """A connection with its fields; PermissionDenied, or ValidationError for a bad slug or field."""
        if not principal.has_perm("workspaces.create_connection", workspace):
            raise PermissionDenied
        if slug is None:  # from the name, made unique; a slug given by the caller is taken as it is or refused
            base = slugify(name)[:40].strip("-") or "connection"
            slug = base
            while self.filter(workspace=workspace, slug=slug).exists():
                slug = f"{base}-{secrets.token_hex(2)}"
        connection = self.model(
            workspace=workspace, user=principal, name=name, slug=slug, description=description or "",
            connection_type=connection_type,
        )
        with transaction.atomic():
            connection.full_clean()
            connection.save()
            connection.set_fields(principal, fields or [])
        return connection


class Connection(Base):
    """Credentials and settings of an external system (a DHIS2 instance, a database, a bucket…)
    that the workspace's pipelines and analysts use; its fields' values are encrypted at rest."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="connections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=255, validators=[validate_storable_text])
    slug = models.SlugField(max_length=100, allow_unicode=False)
    description = models.TextField(
        blank=True, validators=[MaxLengthValidator(MAX_DESCRIPTION_LENGTH), validate_storable_text]
    )
    connection_type = models.CharField(max_length=32, choices=ConnectionType.choices)

    objects = ConnectionManager()

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="connection_unique_workspace_slug")
        ]

    def __str__(self):
        return self.slug

    def set_fields(self, principal, fields):
        """Make the fields those given: new codes are added, given codes updated (a value or
        `secret` left null keeps what is stored, so that an editor can change a URL without
        typing the password again), codes not given removed."""
        if len(fields) > MAX_CONNECTION_FIELDS:
            raise ValidationError(f"At most {MAX_CONNECTION_FIELDS} fields.")
        codes = [field["code"] for field in fields]
        if len(set(codes)) != len(codes):
            raise ValidationError("Each field code may be given once.")
        existing = {field.code: field for field in self.fields.all()}
        for given in fields:
            field = existing.pop(given["code"], None) or ConnectionField(
                connection=self, user=principal, code=given["code"], value="", secret=False
            )
            if given.get("value") is not None:
                field.value = given["value"]
            if given.get("secret") is not None:
                field.secret = given["secret"]
            try:
                field.full_clean()
            except ValidationError as error:  # about the fields, whichever attribute it names
                raise ValidationError(f"Field {given['code'][:30]!r}: {'; '.join(error.messages)}") from None
            field.save()
        ConnectionField.objects.filter(pk__in=[field.pk for field in existing.values()]).delete()

    def update_if_has_perm(self, principal, *, fields=None, **changes):
        if not principal.has_perm("workspaces.update_connection", self):
            raise PermissionDenied
        for name, value in changes.items():
            setattr(self, name, value)
        with transaction.atomic():
            self.full_clean()
            self.save()
            if fields is not None:
                self.set_fields(principal, fields)

    def delete_if_has_perm(self, principal):
        if not principal.has_perm("workspaces.delete_connection", self):
            raise PermissionDenied
        self.delete()


class ConnectionField(Base):
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="fields")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    code = models.SlugField(max_length=30)
    # Every value is encrypted, not only the secret ones: a URL or a user name tells an
    # attacker which system to aim at.
    value = EncryptedTextField(blank=True, validators=[MaxLengthValidator(MAX_FIELD_VALUE_LENGTH), validate_storable_text])
    secret = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "code"]
        constraints = [
            models.UniqueConstraint(fields=["connection", "code"], name="connection_field_unique_connection_code")
        ]

    def __str__(self):
        return f"{self.connection.slug}.{self.code}"

    def __repr__(self):  # never the value, in a traceback or a log line
        return f"<ConnectionField {self.connection_id}:{self.code} secret={self.secret}>"
