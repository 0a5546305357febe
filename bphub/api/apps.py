from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "bphub.api"
    label = "api"
