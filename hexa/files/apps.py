from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "hexa.files"
    label = "files"
