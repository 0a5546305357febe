from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "bphub.outbox"
    label = "outbox"
