from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "bphub.members"
    label = "members"
