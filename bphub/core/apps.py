from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "bphub.core"
    label = "core"

    def ready(self):
        from django.db.models import fields
        from django.urls import register_converter

        from bphub.core.i18n import BLANK_CHOICE_LABEL
        from bphub.core.ids import IdConverter

        register_converter(IdConverter, "id")
        fields.BLANK_CHOICE_LABEL = BLANK_CHOICE_LABEL
