from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "bphub.accounts"
    label = "accounts"

    def ready(self):
        from bphub.accounts import audit_hooks, mfa
        from bphub.core.home import register_first_steps

        mfa.install()
        audit_hooks.connect()
        register_first_steps("accounts", accounts_first_steps)


def accounts_first_steps(user) -> list:
    """Who may invite people (the RSO; a coordinator, for their member) is offered to."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from bphub.core import policy
    from bphub.core.home import FirstStep

    if not policy.may(user, policy.Capability.INVITE_USERS):
        return []
    if policy.is_coordinator(user):
        title, text = _("Invite your member's officials"), _("They sign in with two-factor authentication.")
    else:
        title, text = _("Invite people"), _("Coordinators, officials and co-chairs of the members, and RSO staff.")
    url = reverse("accounts:invitation_create")
    return [FirstStep(key="accounts.invite", title=title, url=url, text=text, order=30)]
