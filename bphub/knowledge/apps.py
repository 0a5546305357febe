from django.apps import AppConfig


class KnowledgeConfig(AppConfig):
    name = "bphub.knowledge"
    label = "knowledge"
