"""The demo secretariat year: every kind of meeting, every state, marked fictitious, loaded once."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bphub.core.models import Classification
from bphub.meetings.models import ActionItem, AgendaItem, AgendaSession, Document, Meeting, Outcome

pytestmark = pytest.mark.django_db


def test_demo_year_has_every_kind_and_state_and_loads_the_same_twice(reference, settings):
    settings.DEMO_MODE = True

    call_command("load_demo")
    first = Meeting.objects.count()
    call_command("load_demo")

    assert Meeting.objects.count() == first >= 20
    assert set(Meeting.objects.values_list("kind", flat=True)) == set(Meeting.Kind.values)
    statuses = set(Meeting.objects.values_list("status", flat=True))
    assert {Meeting.Status.DRAFT, Meeting.Status.ANNOUNCED, Meeting.Status.REGISTRATION_OPEN} <= statuses
    assert {Meeting.Status.OUTCOMES_PUBLISHED, Meeting.Status.CLOSED} <= statuses
    # Every record says it is invented.
    assert not Meeting.objects.filter(is_demo=False).exists()
    assert all("Fictitious demo" in m.description["en"] for m in Meeting.objects.all())
    assert not Document.objects.filter(is_demo=False).exists()
    assert not ActionItem.objects.filter(is_demo=False).exists()
    # Past meetings have outcomes and actions; the consultation is confidential and emergency.
    held = Meeting.objects.filter(status=Meeting.Status.OUTCOMES_PUBLISHED)
    assert all(Outcome.objects.filter(meeting=m).exists() for m in held)
    consultation = Meeting.objects.get(kind=Meeting.Kind.CONSULTATION)
    assert consultation.is_emergency and consultation.classification == Classification.RESTRICTED
    assert consultation.released_to.exists()
    # Working groups use the real bodies of the reference data.
    assert set(Meeting.objects.exclude(group=None).values_list("group__code", flat=True)) >= {"TIPWG", "DWG", "AHG"}


def test_demo_documents_are_real_pdfs_that_say_they_are_fictitious(reference, settings):
    import io

    import pypdf

    settings.DEMO_MODE = True
    call_command("load_demo")

    document = Document.objects.select_related("current_version").first()
    text = pypdf.PdfReader(io.BytesIO(document.current_version.file.read())).pages[0].extract_text()
    assert text.startswith("FICTITIOUS DEMO DOCUMENT")


def test_demo_agendas_open_first_close_last_and_run_in_time_order(reference, settings):
    # given the demo year
    settings.DEMO_MODE = True
    call_command("load_demo")

    # then every agenda opens first and closes last, and its sessions and items follow the clock
    for meeting in Meeting.objects.exclude(status=Meeting.Status.DRAFT).exclude(kind=Meeting.Kind.CONSULTATION):
        sessions = list(AgendaSession.objects.filter(meeting=meeting).order_by("position"))
        assert sessions, meeting
        assert sessions[0].title["en"] == "Opening session" or len(sessions) == 1, meeting
        assert sessions[-1].title["en"] == "Closing session", meeting
        assert [s.starts_at for s in sessions] == sorted(s.starts_at for s in sessions), meeting
        titles = [s.title["en"] for s in sessions]
        assert len(titles) == len(set(titles)), titles  # no session twice
        for session in sessions:
            items = list(AgendaItem.objects.filter(session=session).order_by("position"))
            assert items and [i.starts_at for i in items] == sorted(i.starts_at for i in items)
            assert session.starts_at <= items[0].starts_at and items[-1].ends_at <= session.ends_at
            assert meeting.starts_at <= session.starts_at and session.ends_at <= meeting.ends_at
        first_items = AgendaItem.objects.filter(session=sessions[0]).order_by("position")
        last_items = AgendaItem.objects.filter(session=sessions[-1]).order_by("position")
        if len(sessions) > 1:
            assert first_items.first().title["en"] == "Welcome remarks by the co-chairs"
        assert last_items.last().title["en"] == "Closing remarks by the co-chairs"


def test_demo_meetings_fall_on_working_days_and_the_ministerial_follows_the_som(reference, settings):
    # given the demo year
    settings.DEMO_MODE = True
    call_command("load_demo")

    # then every planned meeting (not the emergency consultation) runs on working days of its host
    for meeting in Meeting.objects.exclude(kind=Meeting.Kind.CONSULTATION).select_related("host"):
        first = timezone.localtime(meeting.starts_at, meeting.host_zone).date()
        last = timezone.localtime(meeting.ends_at, meeting.host_zone).date()
        weekend = {6, 7} | {int(d) for d in (meeting.host.weekend if meeting.host else "").split(",") if d}
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        assert all(day.isoweekday() not in weekend for day in days), (str(meeting), days)
    som = Meeting.objects.get(kind=Meeting.Kind.SENIOR_OFFICIALS)
    ministerial = Meeting.objects.get(kind=Meeting.Kind.MINISTERIAL)
    assert som.ends_at < ministerial.starts_at <= som.ends_at + timedelta(days=4)
    # and titles read as real ones: "10th Senior Officials' Meeting", nothing "in preparation"
    assert str(som) == f"{som.number}th Senior Officials' Meeting"
    assert not Meeting.objects.filter(title__en__icontains="in preparation").exists()
