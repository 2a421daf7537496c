from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hexa.core"
    label = "core"
