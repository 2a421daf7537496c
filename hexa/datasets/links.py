"""Signed, expiring URLs for a dataset file's bytes, served by this app (views.py), as
upstream hands out the object store's signed URLs. The URL is the credential: whoever holds
it may put (or get) that one file until it expires, with no session or token, which is how
the openhexa-sdk uses them. A URL's payload is signed with SECRET_KEY (django.core.signing):
changing any character of it, or using it past DATASETS_URL_TTL_S, is refused."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

UPLOAD_SALT = "hexa.datasets.upload"
DOWNLOAD_SALT = "hexa.datasets.download"


class BadLink(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def upload_url(request, version, name: str, content_type: str) -> str:
    token = signing.dumps({"v": str(version.id), "n": name, "t": content_type}, salt=UPLOAD_SALT, compress=True)
    return request.build_absolute_uri(reverse("datasets-upload", args=[token]))


def download_url(request, file, attachment: bool = True) -> str:
    token = signing.dumps({"f": str(file.id), "a": bool(attachment)}, salt=DOWNLOAD_SALT)
    return request.build_absolute_uri(reverse("datasets-download", args=[token]))


def read(token: str, salt: str) -> dict:
    try:
        return signing.loads(token, salt=salt, max_age=settings.DATASETS_URL_TTL_S)
    except signing.SignatureExpired:
        raise BadLink("URL_EXPIRED", "This link has expired; ask for a new one.") from None
    except signing.BadSignature:
        raise BadLink("INVALID_SIGNATURE", "This link is not valid.") from None
