import uuid

from django.contrib.auth.models import AbstractUser, UserManager as BaseUserManager
from django.db import models


class UserManager(BaseUserManager):
    """Users log in with their email; there is no username."""

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    class Language(models.TextChoices):
        """The languages the interface speaks (the page holds a translation for each)."""

        ENGLISH = "en", "English"
        FRENCH = "fr", "Français"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    username = None
    email = models.EmailField("email address", unique=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ENGLISH)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        db_table = "user_management_user"
        ordering = ["email"]

    @property
    def display_name(self):
        full_name = f"{self.first_name} {self.last_name}".strip()
        return full_name or self.email

    def __str__(self):
        return self.display_name


class LoginFailure(models.Model):
    """One login attempt that has not succeeded, counted against its account and against its
    client address (two rows, `scope` telling which). An attempt counts from the moment it
    starts (so that attempts made at the same time cannot all pass the limit); a login that
    succeeds removes its own rows and every failure of its account. See throttle.py."""

    class Scope(models.TextChoices):
        ACCOUNT = "ACCOUNT"
        ADDRESS = "ADDRESS"

    scope = models.CharField(max_length=8, choices=Scope.choices)
    # ACCOUNT: the SHA-256 of the lower-cased email (whatever was typed is not kept);
    # ADDRESS: the client's IP address (an IPv6 client's /64 network).
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "user_management_loginfailure"
        indexes = [models.Index(fields=["scope", "key", "created_at"], name="loginfailure_scope_key_time")]

    def __str__(self):
        return f"{self.scope} {self.key} {self.created_at:%Y-%m-%d %H:%M:%S}"
