from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "hexa.assistant"
    label = "assistant"
    verbose_name = "Assistant"

    def ready(self):
        # a turn waiting for a pipeline run goes on when the run ends (pipeline_waits.py)
        from hexa.pipelines.signals import run_finished

        from .pipeline_waits import on_run_finished

        run_finished.connect(on_run_finished, dispatch_uid="assistant.pipeline_waits")
