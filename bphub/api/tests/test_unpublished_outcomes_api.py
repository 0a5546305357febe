"""The meetings API lists outcomes once published (before, only for the people who run the meeting)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bphub.meetings.models import Meeting
from bphub.meetings.testing import make_meeting, make_outcome
from bphub.members.models import Member

pytestmark = pytest.mark.django_db


def test_outcomes_not_yet_published_are_listed_only_for_the_people_who_run_the_meeting(client, make_user, bearer):
    member = Member.objects.create(code="AA", name={"en": "Member A"}, kind=Member.Kind.STATE)
    held = make_meeting(status=Meeting.Status.HELD, starts_at=timezone.now() - timedelta(days=2))
    make_outcome(held, text="Unagreed wording.")
    path = f"/api/v1/meetings/{held.pk}/outcomes"

    reader = client.get(path, headers=bearer(make_user("member_coordinator", member)))
    manager = client.get(path, headers=bearer(make_user("rso_staff")))

    assert reader.status_code == 200 and "Unagreed wording." not in reader.content.decode()
    assert "Unagreed wording." in manager.content.decode()

    held.status = Meeting.Status.OUTCOMES_PUBLISHED
    held.save()
    again = client.get(path, headers=bearer(make_user("member_coordinator", member)))
    assert "Unagreed wording." in again.content.decode()
