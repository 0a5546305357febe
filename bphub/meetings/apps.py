from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "bphub.meetings"
    verbose_name = "Meetings"

    def ready(self):
        from bphub.accounts.signals import user_deactivated
        from bphub.core.home import HomePanel, register_first_steps, register_needs, register_panel
        from bphub.meetings.needs import meetings_first_steps, meetings_needs
        from bphub.meetings.services.calendars import calendar_feed_tokens_revoke_on_deactivation

        register_needs("meetings", meetings_needs)
        register_first_steps("meetings", meetings_first_steps)
        register_panel(
            HomePanel("upcoming_meetings", "meetings/home/upcoming_meetings.html", upcoming_meetings_panel, order=20)
        )
        # Accounts cannot call meetings (a lower app): it announces a deactivation and meetings
        # revokes the person's calendar feed addresses.
        user_deactivated.connect(
            calendar_feed_tokens_revoke_on_deactivation, sender=None, dispatch_uid="meetings_feed_tokens_revoke"
        )


UPCOMING_SHOWN = 5
UPCOMING_DAYS = 180


def upcoming_meetings_panel(request) -> dict:
    """The next meetings the reader may see (those that concern their member, for people acting for
    one), shown in the reader's time zone; one query."""
    from datetime import timedelta

    from django.utils import timezone

    from bphub.core import policy
    from bphub.meetings.selectors.calendars import upcoming

    now = timezone.now()
    mine = policy.acting_member_id(request.user) is not None
    meetings = list(upcoming(request.user, now, now + timedelta(days=UPCOMING_DAYS), mine=mine)[:UPCOMING_SHOWN])
    return {"meetings": meetings, "mine": mine}
