from django.apps import AppConfig


class UserManagementConfig(AppConfig):
    name = "hexa.user_management"
    label = "user_management"
