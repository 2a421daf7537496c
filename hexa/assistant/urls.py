from django.urls import path

from .downloads import download_view
from .views import events_view, stream_view

urlpatterns = [
    path("conversations/<uuid:conversation_id>/stream/", stream_view, name="assistant-stream"),
    path("conversations/<uuid:conversation_id>/events/", events_view, name="assistant-events"),
    path("tool-executions/<uuid:execution_id>/download.csv", download_view, name="assistant-download"),
]
