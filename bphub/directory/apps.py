from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "bphub.directory"
    label = "directory"

    def ready(self):
        from bphub.core.home import register_first_steps, register_needs
        from bphub.directory.needs import directory_first_steps, directory_needs
        from bphub.outbox.signals import delivery_given_up

        delivery_given_up.connect(_mark_bounces, dispatch_uid="directory-bounces")
        register_needs("directory", directory_needs)
        register_first_steps("directory", directory_first_steps)


def _mark_bounces(sender, *, recipients, error, **kwargs):
    from bphub.directory.services.verification import email_bounces_from_delivery_failure

    email_bounces_from_delivery_failure(recipients=recipients, error=error)
