from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "bphub.meetings"
    verbose_name = "Meetings"
