"""Notifications about a meeting are written in each reader's own language, not the sender's."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from bphub.communications.models import Notification
from bphub.meetings.models import Meeting
from bphub.meetings.services.lifecycle import meeting_announce
from bphub.meetings.testing import make_delegation, make_meeting
from bphub.members.models import Member


@pytest.mark.django_db
def test_an_announcement_reaches_each_invited_person_in_their_language(make_user, django_capture_on_commit_callbacks):
    thailand = Member.objects.create(code="TH", name={"en": "Thailand"}, kind=Member.Kind.STATE)
    thai = make_user("member_coordinator", thailand, language="th")
    english = make_user("member_official", thailand, language="en")
    rso = make_user("rso_staff", language="id")
    meeting = make_meeting(title="Roundtable on returns", status=Meeting.Status.DRAFT)
    make_delegation(meeting, thailand)

    with translation.override("id"), django_capture_on_commit_callbacks(execute=True):  # the RSO works in Indonesian
        meeting_announce(meeting=meeting, actor=rso)

    with translation.override("th"):
        thai_title = gettext("Meeting announced: %(title)s") % {"title": "Roundtable on returns"}
    assert thai_title != "Meeting announced: Roundtable on returns"  # the catalogue has it
    assert Notification.objects.get(user=thai).title == thai_title
    assert Notification.objects.get(user=english).title == "Meeting announced: Roundtable on returns"
