"""The weekly digest opens with "What needs you": the home page's list, from the same code, with
absolute links; a person with something waiting gets a digest even in a quiet week."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from bphub.communications.services.digest import digest_send_all
from bphub.core.models import Classification
from bphub.core.tests.home_needs import home_needs
from bphub.meetings.testing import make_action, make_meeting

pytestmark = pytest.mark.django_db


def test_the_digest_opens_with_what_needs_the_reader_as_the_home_page_lists_it(
    world, make_user, login, week_start, settings
):
    # given: a quiet week; AA owns two late actions, one on a meeting AA may not read; BB owns one
    settings.SITE_URL = "https://hub.example.org"
    today = timezone.localdate()
    earlier = make_meeting(title="Earlier meeting", starts_at=timezone.now() - timedelta(days=60))
    late = make_action(earlier, title="AA's late action", owner_member=world.a, due_on=today - timedelta(days=4))
    make_action(earlier, title="BB's late action", owner_member=world.b, due_on=today - timedelta(days=4))
    hidden = make_meeting(
        title="CC's own meeting",
        classification=Classification.RESTRICTED,
        originator=world.c,
        starts_at=timezone.now() - timedelta(days=50),
    )
    make_action(hidden, title="AA's hidden action", owner_member=world.a, due_on=today - timedelta(days=9))
    official = make_user("member_official", world.a)

    # when
    counts = digest_send_all(week_start=week_start, users=[official])

    # then: sent, the list first, counted and linked as on the home page
    assert counts["sent"] == 1
    (message,) = mail.outbox
    body = message.body
    assert body.index("== What needs you ==") < body.index("== Action items due or overdue ==")
    assert "- Overdue action items (1 item · Overdue since" in body
    assert f"https://hub.example.org{late.get_absolute_url()}" in body
    assert "AA's hidden action" not in body and "BB's late action" not in body
    page = home_needs(login(official, Client()))
    assert [need.title for need in page.needs] == ["Overdue action items"]
    html = dict((mimetype, content) for content, mimetype in message.alternatives)["text/html"]
    assert f'href="https://hub.example.org{late.get_absolute_url()}"' in html


def test_a_person_with_nothing_waiting_and_a_quiet_week_gets_no_digest(world, make_user, week_start):
    counts = digest_send_all(week_start=week_start, users=[make_user("member_official", world.b)])

    assert counts["empty"] == 1 and mail.outbox == []
