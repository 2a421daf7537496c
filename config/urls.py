from django.contrib import admin
from django.urls import path

from hexa.core.views import graphql_view

urlpatterns = [
    path("graphql/", graphql_view, name="graphql"),
    path("admin/", admin.site.urls),
]
