"""The demo's news and notifications: every role finds announcements it may read and notifications
of its own, as a real year would leave them, without a single mail queued."""

import pytest
from django.core.management import call_command

from bphub.accounts.models import Role, User
from bphub.communications.models import Announcement, Notification
from bphub.communications.selectors import announcements_visible_to, notifications_visible_to
from bphub.outbox.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_every_demo_role_has_news_and_notifications_and_loading_twice_adds_none(reference, settings, login):
    # given demo mode
    settings.DEMO_MODE = True

    # when the demo is loaded (twice)
    call_command("load_demo")
    counts = (Announcement.objects.count(), Notification.objects.count())
    call_command("load_demo")

    # then nothing was added the second time, and every announcement says it is invented
    assert (Announcement.objects.count(), Notification.objects.count()) == counts
    assert counts[0] >= 5 and not Announcement.objects.filter(is_demo=False).exists()
    assert all("Fictitious demo" in a.text["en"] for a in Announcement.objects.all())
    # every role reads some news and has notifications it may still see, some of them unread
    users = list(User.objects.filter(email__endswith="@demo.bphub.example"))
    assert {user.role for user in users} == set(Role.values)
    for user in users:
        assert announcements_visible_to(user).exists(), user.email
        visible = notifications_visible_to(user)
        assert visible.count() >= 2, user.email
        assert visible.filter(read_at__isnull=True).exists(), user.email
        assert visible.count() == Notification.objects.filter(user=user).count(), user.email  # none it may not see
        # and each notification's link opens for its reader
        client = login(user)
        for notification in visible:
            assert client.get(notification.url).status_code == 200, (user.email, notification.url)
    # each audience is represented; the narrower ones reach only their readers
    assert set(Announcement.objects.values_list("audience", flat=True)) >= {"public", "all_members", "body"}
    researcher = User.objects.get(email="researcher@demo.bphub.example")
    assert set(announcements_visible_to(researcher).values_list("audience", flat=True)) == {"public"}
    # in the app only: the demo queues no mail
    assert not OutboundEmail.objects.exists()
