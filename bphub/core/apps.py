from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bphub.core"
    label = "core"
