from importlib import import_module

from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "hexa.assistant"
    label = "assistant"
    verbose_name = "Assistant"

    def ready(self):
        # Django's way of connecting an app's receivers once its models are loaded: a turn
        # waiting for a pipeline run goes on when the run ends (pipeline_waits.py connects it)
        import_module(f"{self.name}.pipeline_waits")
