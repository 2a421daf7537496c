from django.urls import path

from .views import events_view, stream_view

urlpatterns = [
    path("conversations/<uuid:conversation_id>/stream/", stream_view, name="assistant-stream"),
    path("conversations/<uuid:conversation_id>/events/", events_view, name="assistant-events"),
]
