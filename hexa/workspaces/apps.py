from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "hexa.workspaces"
    label = "workspaces"
