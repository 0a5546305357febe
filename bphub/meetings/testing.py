"""Factories for tests, the authorization matrix, demo data and benchmarks.

They write rows directly (no services, no audit), so a test can set up any state in one line;
tests of the services themselves call the services.
"""

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone

from bphub.core.models import Classification
from bphub.meetings.models import (
    ActionItem,
    AgendaItem,
    AgendaSession,
    Delegate,
    Delegation,
    Document,
    DocumentVersion,
    Meeting,
    MeetingSeries,
    Outcome,
)

_counter = itertools.count(1)

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def make_series(*, code=None, name="Test series", kind=Meeting.Kind.WORKING_GROUP, group=None) -> MeetingSeries:
    number = next(_counter)
    return MeetingSeries.objects.create(code=code or f"series-{number}", name={"en": name}, kind=kind, group=group)


def make_meeting(
    *,
    title="Test meeting",
    classification=Classification.MEMBERS,
    originator=None,
    body=None,
    released_to=(),
    kind=Meeting.Kind.WORKING_GROUP,
    status=Meeting.Status.ANNOUNCED,
    starts_at=None,
    days=1,
    time_zone="Asia/Bangkok",
    group=None,
    series=None,
    number=None,
    host=None,
    **fields,
) -> Meeting:
    """A meeting; by default a one-day meeting 30 days from now, 09:00–17:00 in Bangkok."""
    if starts_at is None:
        day = (timezone.now() + timedelta(days=30)).date()
        starts_at = datetime(day.year, day.month, day.day, 9, 0, tzinfo=ZoneInfo(time_zone))
    meeting = Meeting.objects.create(
        title={"en": title},
        classification=classification,
        originator=originator,
        body=body,
        kind=kind,
        status=status,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=days - 1, hours=8),
        time_zone=time_zone,
        group=group if group is not None else body,
        series=series,
        number=number,
        host=host,
        **fields,
    )
    if released_to:
        meeting.released_to.set(released_to)
    return meeting


def make_classified_meeting(*, classification, originator, body, released_to, marker) -> Meeting:
    """The authorization matrix's shape: a meeting at `classification`, its title carrying `marker`."""
    return make_meeting(
        title=f"Meeting {marker}",
        classification=classification,
        originator=originator,
        body=body,
        released_to=released_to,
    )


def make_agenda(meeting: Meeting, *, sessions=1, items_per_session=3) -> list[AgendaSession]:
    made = []
    for s in range(sessions):
        start = meeting.starts_at + timedelta(hours=2 * s)
        session = AgendaSession.objects.create(
            meeting=meeting,
            title={"en": f"Session {s + 1}"},
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            position=s,
        )
        for i in range(items_per_session):
            AgendaItem.objects.create(
                session=session,
                title={"en": f"Item {s + 1}.{i + 1}"},
                position=i,
                starts_at=start + timedelta(minutes=30 * i),
                ends_at=start + timedelta(minutes=30 * (i + 1)),
            )
        made.append(session)
    return made


def make_document(
    meeting: Meeting | None = None,
    *,
    title="Test document",
    classification=None,
    doc_type=Document.Type.BACKGROUND,
    content: bytes = MINIMAL_PDF,
    name="paper.pdf",
    content_type="application/pdf",
    text="",
    group=None,
    released_to=(),
    **fields,
) -> Document:
    """A document with one version (a tiny PDF by default), as wide as its meeting unless told."""
    if classification is None:
        classification = meeting.classification if meeting else Classification.MEMBERS
    document = Document.objects.create(
        meeting=meeting,
        group=group or (meeting.group if meeting else None),
        doc_type=doc_type,
        title={"en": title},
        classification=classification,
        originator=fields.pop("originator", meeting.originator if meeting else None),
        body=fields.pop("body", meeting.body if meeting else None),
        search_text=f"{title} {text}".lower(),
        **fields,
    )
    if released_to or (meeting and classification == Classification.RESTRICTED):
        document.released_to.set(released_to or meeting.released_to.all())
    version = DocumentVersion.objects.create(
        document=document,
        number=1,
        file=ContentFile(content, name=name),
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256="0" * 64,
        extracted_text=text,
    )
    document.current_version = version
    document.save(update_fields=["current_version"])
    return document


def make_classified_document(*, classification, originator, body, released_to, marker) -> Document:
    """The matrix's shape: a document at `classification` in a meeting at the same level."""
    meeting = make_meeting(
        title=f"Meeting of {marker}",
        classification=classification,
        originator=originator,
        body=body,
        released_to=released_to,
    )
    return make_document(meeting, title=f"Document {marker}", released_to=released_to)


def make_outcome(meeting: Meeting, *, kind=Outcome.Kind.DECISION, text="Agreed to meet again.", **fields) -> Outcome:
    outcome = Outcome.objects.create(
        meeting=meeting,
        kind=kind,
        text={"en": text},
        classification=fields.pop("classification", meeting.classification),
        originator=fields.pop("originator", meeting.originator),
        body=fields.pop("body", meeting.body),
        **fields,
    )
    if outcome.classification == Classification.RESTRICTED:
        outcome.released_to.set(meeting.released_to.all())
    return outcome


def make_action(
    meeting: Meeting,
    *,
    title="Share the draft guide",
    owner_member=None,
    owner_body=None,
    due_on=None,
    status=ActionItem.Status.OPEN,
    **fields,
) -> ActionItem:
    owner_kind = (
        ActionItem.Owner.MEMBER if owner_member else ActionItem.Owner.BODY if owner_body else ActionItem.Owner.RSO
    )
    action = ActionItem.objects.create(
        meeting=meeting,
        title={"en": title},
        owner_kind=owner_kind,
        owner_member=owner_member,
        owner_body=owner_body,
        due_on=due_on,
        status=status,
        classification=fields.pop("classification", meeting.classification),
        originator=fields.pop("originator", meeting.originator),
        body=fields.pop("body", meeting.body),
        **fields,
    )
    if action.classification == Classification.RESTRICTED:
        action.released_to.set(meeting.released_to.all())
    return action


def make_classified_action(*, classification, originator, body, released_to, marker) -> ActionItem:
    meeting = make_meeting(
        title=f"Meeting of {marker}",
        classification=classification,
        originator=originator,
        body=body,
        released_to=released_to,
    )
    return make_action(meeting, title=f"Action {marker}", owner_member=originator)


def make_delegation(meeting: Meeting, member, *, status=Delegation.Status.INVITED, people=()) -> Delegation:
    """A delegation; `people` are focal points, the first one heads it."""
    delegation = Delegation.objects.create(meeting=meeting, member=member, status=status)
    for position, person in enumerate(people):
        Delegate.objects.create(
            delegation=delegation,
            focal_point=person,
            position=position,
            role=Delegate.Role.HEAD if position == 0 else Delegate.Role.DELEGATE,
        )
    return delegation


def make_person(member, *, name=None, user=None, classification=Classification.MEMBERS):
    """A focal point of `member` (optionally linked to an account)."""
    from bphub.directory.models import FocalPoint
    from bphub.directory.text import search_text_for

    name = name or f"Delegate {next(_counter)}"
    return FocalPoint.objects.create(
        member=member,
        originator=member,
        full_name=name,
        classification=classification,
        search_text=search_text_for(name),
        user=user,
    )
