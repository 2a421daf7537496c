from django.contrib import admin
from django.urls import include, path

from hexa.core.views import graphql_view

urlpatterns = [
    path("graphql/", graphql_view, name="graphql"),
    path("assistant/", include("hexa.assistant.urls")),
    path("admin/", admin.site.urls),
]
