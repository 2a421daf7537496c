from django.apps import AppConfig


class DatabasesConfig(AppConfig):
    name = "hexa.databases"
    label = "databases"
