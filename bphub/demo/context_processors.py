from django.conf import settings


def demo(request):
    """The demo accounts on the sign-in page, in demo mode only (`BPHUB_DEMO=1`)."""
    if not settings.DEMO_MODE:
        return {"demo": None}
    from bphub.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET

    return {
        "demo": {
            "accounts": [(role.label, email) for email, _name, role, _member, _bodies in DEMO_ACCOUNTS],
            "password": DEMO_PASSWORD,
            "totp_secret": DEMO_TOTP_SECRET,
        }
    }
