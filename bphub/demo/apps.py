from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bphub.demo"
    label = "demo"
    verbose_name = "Demo data (fictitious)"
