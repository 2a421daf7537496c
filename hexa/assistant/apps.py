from django.apps import AppConfig


class AssistantConfig(AppConfig):
    name = "hexa.assistant"
    label = "assistant"
    verbose_name = "Assistant"
