from django.urls import path

from .views import download_view, upload_view

urlpatterns = [
    path("upload/<str:token>/", upload_view, name="datasets-upload"),
    path("download/<str:token>/", download_view, name="datasets-download"),
]
