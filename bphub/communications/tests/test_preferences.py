"""Preferences: per topic, email right away / weekly digest / in the app only; they decide what is mailed."""

import pytest
from django.conf import settings
from django.core import mail

from bphub.communications.models import Announcement, Notification, Preference, Topic
from bphub.communications.services import notify

pytestmark = pytest.mark.django_db

Audience = Announcement.Audience


def test_the_preferences_page_shows_the_defaults_and_saves_a_choice_per_topic(client, login, make_user, world):
    # given
    user = make_user("member_official", world.a)
    login(user)
    page = client.get("/news/preferences/").content.decode()
    assert 'name="announcement" value="email" id="id_announcement_0" required checked' in page
    assert 'name="document" value="digest" id="id_document_1" required checked' in page

    # when
    choices = {topic: Preference.Channel.APP for topic in Topic.values}
    choices[Topic.ANNOUNCEMENT] = Preference.Channel.DIGEST
    response = client.post("/news/preferences/", choices, follow=True)

    # then
    assert "Your notification preferences are saved." in response.content.decode()
    saved = dict(Preference.objects.filter(user=user).values_list("topic", "channel"))
    assert saved == choices
    assert 'name="announcement" value="digest" id="id_announcement_1" required checked' in response.content.decode()


def test_an_unknown_channel_is_refused_naming_the_topic_and_nothing_is_saved(client, login, make_user, world):
    user = make_user("member_official", world.a)
    login(user)
    data = {topic: "email" for topic in Topic.values}
    data["meeting"] = "pigeon"
    response = client.post("/news/preferences/", data)
    assert response.status_code == 200
    html = response.content.decode()
    meeting_part = html[html.index("Meetings I am invited to") : html.index("Delegations and nominations")]
    assert "errorlist" in meeting_part
    assert not Preference.objects.exists()


def test_the_account_preferences_page_links_to_the_notification_preferences(client, login, make_user, world):
    login(make_user("member_official", world.a))
    assert 'href="/news/preferences/"' in client.get("/preferences/").content.decode()


def test_preferences_decide_who_is_emailed_right_away(
    make_user, world, announce, django_capture_on_commit_callbacks, settings
):
    # given three readers who chose differently for announcements, one with the default
    def reader(channel, **fields):
        user = make_user("member_official", world.a, **fields)
        if channel:
            Preference.objects.create(user=user, topic=Topic.ANNOUNCEMENT, channel=channel)
        return user

    by_email = reader(Preference.Channel.EMAIL, language="id")
    by_default = reader(None)
    by_digest = reader(Preference.Channel.DIGEST)
    in_app = reader(Preference.Channel.APP)
    settings.SITE_URL = "https://hub.example.org"

    # when
    with django_capture_on_commit_callbacks(execute=True):
        announcement = announce(
            make_user("rso_staff"),
            Audience.ALL_MEMBERS,
            title="Ministerial dates set",
            text="Confidential detail that the mail must not carry.",
        )

    # then one mail each to the email readers (default: email), none to the others
    assert sorted(message.to[0] for message in mail.outbox) == sorted([by_email.email, by_default.email])
    message = next(m for m in mail.outbox if m.to == [by_email.email])
    assert message.subject == "[bphub] Ministerial dates set"
    assert f"https://hub.example.org/news/{announcement.pk}/" in message.body
    assert "Confidential detail" not in message.body, "nothing the title does not show"
    assert message.extra_headers["Content-Language"] == "id", "in the reader's language"
    # and every reader has it in the app; only the mailed ones are marked emailed
    emailed = set(Notification.objects.filter(emailed_at__isnull=False).values_list("user_id", flat=True))
    assert emailed == {by_email.pk, by_default.pk}
    assert Notification.objects.filter(user__in=[by_digest, in_app], emailed_at__isnull=True).count() == 2


def test_changing_the_preference_on_the_page_changes_what_is_emailed(
    client, login, make_user, world, django_capture_on_commit_callbacks
):
    user = make_user("member_official", world.a)
    login(user)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], topic=Topic.DELEGATION, verb="x", title="Before the change")
    assert [m.subject for m in mail.outbox] == ["[bphub] Before the change"]

    choices = {topic: Preference.DEFAULTS[topic] for topic in Topic.values}
    choices[Topic.DELEGATION] = Preference.Channel.APP
    client.post("/news/preferences/", choices)
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], topic=Topic.DELEGATION, verb="x", title="After the change")

    assert [m.subject for m in mail.outbox] == ["[bphub] Before the change"]
    assert Notification.objects.filter(title="After the change", emailed_at__isnull=True).exists()


def test_an_announcement_written_without_email_is_not_mailed(
    make_user, world, announce, django_capture_on_commit_callbacks
):
    make_user("member_official", world.a)
    with django_capture_on_commit_callbacks(execute=True):
        announce(make_user("rso_staff"), Audience.ALL_MEMBERS, send_email=False)
    assert mail.outbox == []
    assert Notification.objects.count() == 1


def test_a_notification_is_mailed_once_even_if_delivery_runs_again(
    make_user, world, django_capture_on_commit_callbacks
):
    from bphub.communications.services import _deliver_immediate

    user = make_user("member_official", world.a)
    with django_capture_on_commit_callbacks(execute=True):
        made = notify(users=[user], topic=Topic.MEETING, verb="x", title="Once only")
    _deliver_immediate(made)
    _deliver_immediate(list(Notification.objects.all()))
    assert len(mail.outbox) == 1
    assert settings.SITE_URL in mail.outbox[0].body
