from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "bphub.directory"
    label = "directory"
