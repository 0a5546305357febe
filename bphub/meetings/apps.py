from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "bphub.meetings"
    verbose_name = "Meetings"

    def ready(self):
        from bphub.core.home import HomePanel, register_panel

        register_panel(HomePanel("my_actions", "meetings/home/my_actions.html", my_actions_panel, order=10))


def my_actions_panel(request) -> dict | None:
    """The reader's open actions (one query); none for people who own no actions."""
    from bphub.accounts.models import MEMBER_ROLES, RSO_ROLES
    from bphub.core import policy

    if policy.role_of(request.user) not in MEMBER_ROLES | RSO_ROLES:
        return None
    from bphub.meetings.selectors.followup import my_open_actions

    return {"actions": my_open_actions(request.user)}
