"""The pre-briefing PDF reads like a briefing officers print: its first page is the briefing itself
(facts, purpose, classification, at a glance), the agenda starts the next page, and no page ends
with a heading whose text is on the next. Laid out by WeasyPrint as the task worker does it."""

import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from pypdf import PdfReader

from bphub.meetings.models import Delegation
from bphub.meetings.prebriefing import GENERATED_PLACEHOLDER, build_pack, pack_source
from bphub.meetings.testing import (
    make_action,
    make_agenda,
    make_delegation,
    make_document,
    make_meeting,
    make_person,
    make_series,
)
from bphub.members.models import Body, BodyMembership, Member

HEADINGS = {"h1", "h2", "h3"}


@pytest.fixture(params=[4, 5, 6, 7])
def long_pack(request, db, make_user):
    """A three-day meeting of a series with a long agenda (sessions of 4 to 7 items, so that the
    page ends fall in different places), documents, many actions and delegations."""
    members = {c: Member.objects.create(code=c, name={"en": f"Member {c}"}, kind=Member.Kind.STATE) for c in "ABCDEF"}
    body = Body.objects.create(code="WGX", name={"en": "Working Group X"}, kind=Body.Kind.WORKING_GROUP)
    BodyMembership.objects.create(member=members["B"], body=body, valid_from=date(2020, 1, 1))
    series = make_series(name="Working Group X meeting", group=body)
    previous = make_meeting(
        title="6th Working Group X meeting",
        series=series,
        number=6,
        group=body,
        starts_at=timezone.now() - timedelta(days=120),
    )
    meeting = make_meeting(
        title="7th Working Group X meeting",
        series=series,
        number=7,
        group=body,
        host=members["A"],
        days=3,
        venue="Bangkok",
        starts_at=datetime(2031, 3, 10, 9, 0, tzinfo=ZoneInfo("Asia/Bangkok")),
        description={"en": "The group reviews its work plan and agrees the next steps."},
    )
    make_agenda(meeting, sessions=9, items_per_session=request.param)
    for n in range(6):
        make_document(meeting, title=f"Key paper {n}", is_key=True)
    for n in range(40):
        make_action(
            previous,
            title=f"Carried action number {n} with a title long enough to wrap in its cell",
            owner_member=members["B"],
            due_on=date(2020, 1, 1) + timedelta(days=30 * n),
        )
    for code in "ABCDEF":
        make_delegation(
            meeting,
            members[code],
            status=Delegation.Status.APPROVED,
            people=[make_person(members[code], name=f"Head {code}")],
        )
    reader = make_user("member_official", members["B"])
    return build_pack(meeting=meeting, reader=reader)


def _blocks(box, page_number, out):
    """(page number, tag, text) of every element box laid out, in order; a heading's text whole."""
    tag = getattr(box, "element_tag", None)
    children = getattr(box, "children", None) or []
    if tag in HEADINGS and box.element is not None:
        out.append((page_number, tag, " ".join("".join(box.element.itertext()).split())))
        return
    if tag in {"li", "tr", "p", "dd"} and box.element is not None:
        out.append((page_number, tag, ""))
    for child in children:
        _blocks(child, page_number, out)


def test_the_pdf_opens_with_a_full_briefing_page_and_never_strands_a_heading(long_pack):
    from bphub.meetings.pdf import html_to_document  # WeasyPrint, as the worker has it

    # given the pack's HTML, as the task worker gets it
    source = pack_source(long_pack)
    html = source.html.replace(GENERATED_PLACEHOLDER, source.generated_label)

    # when it is laid out and written
    document = html_to_document(html, base_url="http://testserver/")
    pages = PdfReader(io.BytesIO(document.write_pdf())).pages
    texts = [page.extract_text() for page in pages]

    # then the first page is the briefing: facts, purpose, classification and the glance, well filled
    first = texts[0]
    for shown in (
        "7th Working Group X meeting",
        "Member A",
        "Bangkok",
        "Purpose",
        "reviews its work plan",
        "At a glance",
        f"{long_pack.agenda_item_count} items in 9 session(s)",
        "6 key documents",
        "40 open action items",
        "6 approved delegations",
    ):
        assert shown.casefold() in first.casefold(), shown
    assert len(first.split()) > 120
    # the agenda opens the second page, and the pack runs on over several pages
    assert texts[1].index("Agenda") < texts[1].index("Session 1")
    assert len(pages) >= 4
    # no heading ends a page with its content on the next
    laid_out = []
    for number, page in enumerate(document.pages, start=1):
        _blocks(page._page_box, number, laid_out)
    for index, (number, tag, text) in enumerate(laid_out[:-1]):
        if tag in HEADINGS:
            following = laid_out[index + 1]
            assert following[0] == number, f"“{text}” ends page {number}; what it heads starts page {following[0]}"
