from django.apps import AppConfig


class CommunicationsConfig(AppConfig):
    name = "bphub.communications"
    verbose_name = "Communications"
