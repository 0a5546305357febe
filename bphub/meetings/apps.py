from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "bphub.meetings"
    verbose_name = "Meetings"

    def ready(self):
        # Accounts cannot call meetings (a lower app): it announces a deactivation and meetings
        # revokes the person's calendar feed addresses.
        from bphub.accounts.signals import user_deactivated
        from bphub.meetings.services.calendars import calendar_feed_tokens_revoke_on_deactivation

        user_deactivated.connect(
            calendar_feed_tokens_revoke_on_deactivation, sender=None, dispatch_uid="meetings_feed_tokens_revoke"
        )
