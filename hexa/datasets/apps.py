from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "hexa.datasets"
    label = "datasets"
