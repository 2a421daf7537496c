"""The OAuth endpoints of the MCP server, mounted at the site's root. The namespace is
django-oauth-toolkit's: its metadata view finds the endpoints by these names."""

from django.urls import path, re_path
from oauth2_provider import views

from .oauth import ConsentView, ResourceMetadataView, login_view

app_name = "oauth2_provider"

urlpatterns = [
    path(".well-known/oauth-authorization-server", views.OAuthServerMetadataView.as_view(), name="oauth-server-metadata"),
    # RFC 9728: the resource's metadata at the well-known prefix + its path (/assistant/mcp, with or without the slash)
    re_path(r"^\.well-known/oauth-protected-resource/assistant/mcp/?$", ResourceMetadataView.as_view(),
            name="oauth-resource-metadata"),
    path("oauth/authorize/", ConsentView.as_view(), name="authorize"),
    path("oauth/token/", views.TokenView.as_view(), name="token"),
    path("oauth/revoke/", views.RevokeTokenView.as_view(), name="revoke-token"),
    path("oauth/register/", views.DynamicClientRegistrationView.as_view(), name="dcr-register"),
    # RFC 7592: a client reads, updates or deletes its own registration with the token it was given
    path("oauth/register/<str:client_id>/", views.DynamicClientRegistrationManagementView.as_view(),
         name="dcr-register-management"),
    path("oauth/login/", login_view, name="login"),
]
