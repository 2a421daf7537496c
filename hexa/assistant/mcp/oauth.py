"""OAuth 2.1 for the MCP server, on django-oauth-toolkit: its access tokens, checked here."""

import hashlib

from django.utils import timezone
from oauth2_provider.models import AccessToken

from ..models import AssistantClient


def oauth_client(token: str, resource: str) -> AssistantClient | None:
    """The client of a live OAuth access token issued for `resource` (RFC 8707: a token
    that names no resource, or another one, is refused), with the user's live consent."""
    access = (
        AccessToken.objects.select_related("user")
        .filter(token_checksum=hashlib.sha256(token.encode()).hexdigest(), expires__gt=timezone.now())
        .first()
    )
    if access is None or access.user is None or not access.user.is_active or not access.allow_scopes(["mcp"]):
        return None
    if not access.resource or not access.allows_audience(resource):
        return None
    return (
        AssistantClient.objects.select_related("user")
        .filter(user=access.user, application_id=access.application_id, revoked_at__isnull=True)
        .first()
    )
