"""The weekly digest: what changed last week that the reader may see now, sent once per user and week."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from bphub.communications.models import Announcement, DigestRun, Notification, Preference, Topic
from bphub.communications.services.digest import (
    DIGEST_JOB_NAME,
    digest_recipients,
    digest_run_if_due,
    digest_send_all,
    digest_week_start,
)
from bphub.core.models import Classification

pytestmark = pytest.mark.django_db

Audience = Announcement.Audience


def digest_for(user):
    (message,) = [message for message in mail.outbox if message.to == [user.email]]
    return message


def test_the_digest_gathers_what_changed_last_week_that_the_reader_may_see_now(
    make_user, world, week_of_news, week_start, settings
):
    # given
    settings.SITE_URL = "https://hub.example.org"
    seated = make_user("member_official", world.a, full_name="Ada Seated")
    outsider = make_user("member_official", world.c, full_name="Cy Outside")

    # when
    counts = digest_send_all(week_start=week_start, users=[seated, outsider])

    # then
    assert counts["sent"] == 2
    mine = digest_for(seated).body
    for shown in (
        "Members news",
        "Body news",
        "Open meeting",
        "Body meeting",
        "Agenda paper",
        "Outcome meeting",
        "Send the report",
    ):
        assert shown in mine, shown
    for hidden in (
        "Too old news",
        "Draft meeting",
        "Old meeting",
        "Next week's change",
        "CC's chore",
        "Far future chore",
    ):
        assert hidden not in mine, hidden
    assert "Overdue" in mine
    assert "https://hub.example.org/news/" in mine
    theirs = digest_for(outsider).body
    for shown in ("Members news", "Open meeting", "Agenda paper", "Outcome meeting", "CC's chore"):
        assert shown in theirs, shown
    for hidden in ("Body news", "Body meeting", "Send the report"):
        assert hidden not in theirs, hidden
    html = dict((mimetype, content) for content, mimetype in digest_for(seated).alternatives)["text/html"]
    assert 'href="https://hub.example.org/news/' in html
    assert DigestRun.objects.get(user=seated).week_starting == week_start.date()


def test_the_digest_reflects_what_the_reader_may_see_at_sending_time(make_user, world, week_of_news, week_start):
    seated = make_user("member_official", world.a)
    Announcement.objects.filter(title__en="Members news").update(classification=Classification.SECRETARIAT)
    digest_send_all(week_start=week_start, users=[seated])
    assert "Members news" not in digest_for(seated).body


def test_an_empty_digest_is_not_sent_but_recorded(make_user, world, week_start):
    quiet = make_user("member_official", world.a)
    assert digest_send_all(week_start=week_start, users=[quiet])["empty"] == 1
    assert mail.outbox == []
    assert DigestRun.objects.get(user=quiet).item_count == 0


def test_the_digest_is_sent_once_a_week_however_often_it_runs(make_user, world, week_of_news, week_start):
    # given
    from bphub.directory.models import ScheduledRun

    reader = make_user("member_official", world.a)
    now = week_start + timedelta(hours=1)

    # when the job runs on every heartbeat, the week is claimed again, and the command is run by hand
    first = digest_run_if_due(now=now)
    assert digest_run_if_due(now=now + timedelta(minutes=1)) is None
    ScheduledRun.objects.filter(name=DIGEST_JOB_NAME).delete()
    second = digest_run_if_due(now=now + timedelta(minutes=2))
    call_command("send_digest", stdout=StringIO())

    # then
    assert first["sent"] == 2  # the reader and the RSO author
    assert second["sent"] == 0 and second["already-sent"] == 2
    assert len([m for m in mail.outbox if m.to == [reader.email]]) == 1
    assert DigestRun.objects.filter(user=reader).count() == 1
    assert ScheduledRun.objects.get(name=DIGEST_JOB_NAME).last_result["status"] == "done"


def test_a_run_that_stopped_half_way_is_taken_over_after_the_lease(make_user, world, week_of_news, week_start):
    from bphub.directory.models import ScheduledRun

    reader = make_user("member_official", world.a)
    now = week_start + timedelta(hours=2)
    ScheduledRun.objects.create(
        name=DIGEST_JOB_NAME,
        last_run_on=week_start.date(),
        last_run_at=now - timedelta(minutes=5),
        last_result={"status": "running"},
    )
    assert digest_run_if_due(now=now) is None, "another worker is still at it"
    assert mail.outbox == []
    assert digest_run_if_due(now=now + timedelta(minutes=40)) is not None
    assert len([m for m in mail.outbox if m.to == [reader.email]]) == 1


def test_who_gets_a_digest(make_user, world):
    default = make_user("member_official", world.a)
    rso = make_user("rso_staff")
    chose_digest_only_for_meetings = make_user("member_official", world.a)
    for topic in (Topic.DOCUMENT, Topic.ACTION):
        Preference.objects.create(user=chose_digest_only_for_meetings, topic=topic, channel="app")
    Preference.objects.create(user=chose_digest_only_for_meetings, topic=Topic.MEETING, channel="digest")
    opted_out = make_user("member_official", world.a)
    for topic in (Topic.DOCUMENT, Topic.ACTION):
        Preference.objects.create(user=opted_out, topic=topic, channel="email")
    make_user("researcher")
    make_user("alumnus")
    make_user("member_official", world.a, is_active=False)

    assert set(digest_recipients()) == {default, rso, chose_digest_only_for_meetings}


def test_the_digest_week_starts_monday_0600_utc():
    monday = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
    assert digest_week_start(monday) == monday
    assert digest_week_start(monday - timedelta(minutes=1)) == monday - timedelta(days=7)
    assert digest_week_start(monday + timedelta(days=6, hours=17)) == monday
    bangkok_monday_morning = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.get_fixed_timezone(7 * 60))
    assert digest_week_start(bangkok_monday_morning) == monday - timedelta(days=7)


def test_the_digest_is_in_the_readers_language(make_user, world, week_of_news, week_start):
    reader = make_user("member_official", world.a, language="th")
    digest_send_all(week_start=week_start, users=[reader])
    assert digest_for(reader).extra_headers["Content-Language"] == "th"


def test_notifications_waiting_for_the_digest_are_listed(make_user, world, week_start, last_week):
    from bphub.communications.services import notify

    reader = make_user("member_official", world.a)
    Preference.objects.create(user=reader, topic=Topic.DELEGATION, channel="digest")
    (waiting,) = notify(users=[reader], topic=Topic.DELEGATION, verb="x", title="Your delegation was approved")
    Notification.objects.filter(pk=waiting.pk).update(created_at=last_week)
    digest_send_all(week_start=week_start, users=[reader])
    assert "Your delegation was approved" in digest_for(reader).body


def test_send_digest_dry_run_writes_and_sends_nothing_and_user_picks_one(make_user, world, week_of_news):
    reader = make_user("member_official", world.a, email="reader@example.org")
    out = StringIO()
    call_command("send_digest", "--dry-run", "--user", "READER@example.org", stdout=out)
    assert "reader@example.org: would-send" in out.getvalue()
    assert mail.outbox == [] and not DigestRun.objects.exists()
    call_command("send_digest", "--user", "reader@example.org", stdout=out)
    assert [m.to for m in mail.outbox] == [[reader.email]]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_digest", "--user", "nobody@example.org", stdout=out)
