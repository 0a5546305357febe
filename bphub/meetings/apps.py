from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "bphub.meetings"
    verbose_name = "Meetings"

    def ready(self):
        from bphub.accounts.signals import user_deactivated
        from bphub.core.home import HomePanel, register_panel
        from bphub.meetings.services.calendars import calendar_feed_tokens_revoke_on_deactivation

        register_panel(HomePanel("my_actions", "meetings/home/my_actions.html", my_actions_panel, order=10))
        # Accounts cannot call meetings (a lower app): it announces a deactivation and meetings
        # revokes the person's calendar feed addresses.
        user_deactivated.connect(
            calendar_feed_tokens_revoke_on_deactivation, sender=None, dispatch_uid="meetings_feed_tokens_revoke"
        )


def my_actions_panel(request) -> dict | None:
    """The reader's open actions (one query); none for people who own no actions."""
    from bphub.core import policy

    if not policy.acts_for_members_people(request.user):
        return None
    from bphub.meetings.selectors.followup import my_open_actions

    return {"actions": my_open_actions(request.user)}
