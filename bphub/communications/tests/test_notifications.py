"""In-app notifications through HTTP: one's own only, newest first, and only while the target may be seen."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bphub.communications.models import Announcement, Notification, Topic
from bphub.communications.services import notify
from bphub.core.models import Classification

pytestmark = pytest.mark.django_db

Audience = Announcement.Audience


def test_the_list_shows_ones_own_notifications_newest_first_with_unread_marked_in_words(
    client, login, make_user, world
):
    # given
    reader = make_user("member_official", world.a)
    other = make_user("member_official", world.a)
    now = timezone.now()
    for hours_ago, title in ((3, "Oldest item"), (2, "Middle item"), (1, "Newest item")):
        (made,) = notify(users=[reader], topic=Topic.DIRECTORY, verb="test", title=title, url="/news/")
        Notification.objects.filter(pk=made.pk).update(created_at=now - timedelta(hours=hours_ago))
    Notification.objects.filter(user=reader, title="Middle item").update(read_at=now)
    notify(users=[other], topic=Topic.DIRECTORY, verb="test", title="Not yours", url="/news/")

    # when
    login(reader)
    html = client.get("/news/notifications/").content.decode()

    # then
    assert html.index("Newest item") < html.index("Middle item") < html.index("Oldest item")
    assert "Not yours" not in html
    assert html.count(">Unread</span>") == 2
    assert "Notifications (2 unread)" in html


def test_a_notification_whose_target_is_narrowed_later_disappears_title_and_all(
    client, login, make_user, world, announce
):
    # given an official of CC told about an all-members announcement
    reader = make_user("member_official", world.c)
    announcement = announce(make_user("rso_staff"), Audience.ALL_MEMBERS, title="Wide then narrow")
    (notification,) = Notification.objects.filter(user=reader)
    login(reader)
    assert "Wide then narrow" in client.get("/news/notifications/").content.decode()

    # when the announcement is narrowed to a body CC has no seat on
    Announcement.objects.filter(pk=announcement.pk).update(classification=Classification.BODY, body=world.body)
    from django.core.cache import cache

    cache.clear()  # the unread count is cached for a minute

    # then the notification is gone from the list and the count, and cannot be opened
    html = client.get("/news/notifications/").content.decode()
    assert "Wide then narrow" not in html
    assert "unread)" not in html
    response = client.post(f"/news/notifications/{notification.pk}/read/", {"open": "1"})
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None

    # and when it is widened again, it comes back
    Announcement.objects.filter(pk=announcement.pk).update(classification=Classification.MEMBERS, body=None)
    assert "Wide then narrow" in client.get("/news/notifications/").content.decode()


def test_a_notification_whose_target_was_deleted_is_hidden(client, login, make_user, world):
    from bphub.meetings.testing import make_meeting

    reader = make_user("member_official", world.a)
    meeting = make_meeting(title="Soon gone")
    notify(users=[reader], topic=Topic.MEETING, verb="meeting.announced", title="Soon gone meets", target=meeting)
    login(reader)
    assert "Soon gone meets" in client.get("/news/notifications/").content.decode()
    meeting.delete()
    assert "Soon gone meets" not in client.get("/news/notifications/").content.decode()


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, login, make_user, world, announce):
    reader = make_user("member_official", world.a)
    announcement = announce(make_user("rso_staff"), Audience.ALL_MEMBERS, title="Open me")
    (notification,) = Notification.objects.filter(user=reader)
    login(reader)

    response = client.post(f"/news/notifications/{notification.pk}/read/", {"open": "1"})

    assert response.status_code == 302
    assert response["Location"] == f"/news/{announcement.pk}/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "unread)" not in client.get("/news/notifications/").content.decode()


def test_marking_one_read_stays_on_the_list_and_an_outside_link_is_never_followed(client, login, make_user, world):
    reader = make_user("member_official", world.a)
    (notification,) = notify(
        users=[reader], topic=Topic.DIRECTORY, verb="test", title="Odd link", url="https://evil.example/x"
    )
    login(reader)
    response = client.post(f"/news/notifications/{notification.pk}/read/", {"open": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/news/notifications/"


def test_mark_all_read(client, login, make_user, world):
    reader = make_user("member_official", world.a)
    other = make_user("member_official", world.a)
    notify(users=[reader, other], topic=Topic.DIRECTORY, verb="test", title="One")
    notify(users=[reader, other], topic=Topic.DIRECTORY, verb="test", title="Two")
    login(reader)
    assert "Notifications (2 unread)" in client.get("/news/notifications/").content.decode()

    response = client.post("/news/notifications/read-all/", follow=True)

    html = response.content.decode()
    assert "2 notifications marked read." in html
    assert ">Unread</span>" not in html and "unread)" not in html
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 2, "others' are untouched"


def test_someone_elses_notification_cannot_be_marked_and_reading_needs_post(client, login, make_user, world):
    owner = make_user("member_official", world.a)
    (notification,) = notify(users=[owner], topic=Topic.DIRECTORY, verb="test", title="Mine")
    login(make_user("rso_admin"))
    assert client.post(f"/news/notifications/{notification.pk}/read/").status_code == 404
    login(owner)
    assert client.get(f"/news/notifications/{notification.pk}/read/").status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None
    client.logout()
    assert client.get("/news/notifications/").status_code == 302


def test_notify_tells_only_active_users_who_may_see_the_target(make_user, world):
    from bphub.meetings.testing import make_meeting

    meeting = make_meeting(title="Body meeting", classification=Classification.BODY, body=world.body)
    seated = make_user("member_official", world.a)
    unseated = make_user("member_official", world.b)
    gone = make_user("member_official", world.a, is_active=False)

    made = notify(users=[seated, unseated, gone, seated], topic=Topic.MEETING, verb="x", title="t", target=meeting)

    assert [n.user for n in made] == [seated]
    assert Notification.objects.count() == 1
