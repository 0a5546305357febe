from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bphub.core"
    label = "core"

    def ready(self):
        from django.urls import register_converter

        from bphub.core.ids import IdConverter

        register_converter(IdConverter, "id")
