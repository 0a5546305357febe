from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bphub.accounts"
    label = "accounts"

    def ready(self):
        from bphub.accounts import audit_hooks, mfa

        mfa.install()
        audit_hooks.connect()
