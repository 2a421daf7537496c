"""Secrets at rest: a text field stored as a Fernet token (AES-128-CBC + HMAC) under ENCRYPTION_KEY."""

from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def encrypt(value: str) -> str:
    return _fernet(settings.ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(settings.ENCRYPTION_KEY).decrypt(token.encode()).decode()


class EncryptedTextField(models.TextField):
    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value in (None, "") else encrypt(value)

    def from_db_value(self, value, expression, connection):
        return value if value in (None, "") else decrypt(value)
