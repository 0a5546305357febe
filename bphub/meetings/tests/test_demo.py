"""The demo secretariat year: every kind of meeting, every state, marked fictitious, loaded once."""

import pytest
from django.core.management import call_command

from bphub.core.models import Classification
from bphub.meetings.models import ActionItem, Document, Meeting, Outcome

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
