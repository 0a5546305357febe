import pytest


@pytest.fixture(autouse=True)
def mail_goes_to_the_outbox(settings):
    """Django's test setup swaps every mailer for locmem; put back the real one, so every email
    (ours and allauth's) is an OutboundEmail row as in production. Delivery stays in memory."""
    settings.MAILERS = {
        "default": {"BACKEND": "bphub.outbox.backends.OutboxEmailBackend"},
        "delivery": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
    }


def _member(code: str, name: str):
    from bphub.members.models import Member

    return Member.objects.get_or_create(code=code, defaults={"name": {"en": name}, "kind": Member.Kind.STATE})[0]


@pytest.fixture
def australia(db):
    """A member (the full reference data is not needed here, and loading it takes a second)."""
    return _member("AU", "Australia")


@pytest.fixture
def indonesia(db):
    return _member("ID", "Indonesia")
