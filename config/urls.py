from django.contrib import admin
from django.urls import include, path

from hexa.core.views import graphql_view, healthz_view

handler400 = "hexa.core.views.bad_request"
handler500 = "hexa.core.views.server_error"

urlpatterns = [
    path("graphql/", graphql_view, name="graphql"),
    path("healthz", healthz_view, name="healthz"),
    path("assistant/", include("hexa.assistant.urls")),
    path("datasets/", include("hexa.datasets.urls")),
    path("admin/", admin.site.urls),
    # OAuth 2.1 of the MCP server (/assistant/mcp/): metadata, registration, consent, tokens
    path("", include("hexa.assistant.mcp.urls")),
]
