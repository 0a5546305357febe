from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "bphub.directory"
    label = "directory"

    def ready(self):
        from bphub.outbox.signals import delivery_given_up

        delivery_given_up.connect(_mark_bounces, dispatch_uid="directory-bounces")


def _mark_bounces(sender, *, recipients, error, **kwargs):
    from bphub.directory.services.verification import email_bounces_from_delivery_failure

    email_bounces_from_delivery_failure(recipients=recipients, error=error)
