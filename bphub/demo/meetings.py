"""Demo secretariat year: a plausible year of meetings of every kind. Demo mode only.

Everything here is fictitious and marked as such: every meeting, document, outcome and action is
`is_demo=True`, every description says "Fictitious demo", and the documents are small generated
PDFs whose first line says so. The meetings use the real governance bodies and working groups of
the reference data (the Ministerial Conference, Senior Officials, the Ad Hoc Group, the Steering
Group, the working groups, the Consultation Mechanism), but their dates, numbers, agendas and
outcomes are invented.

The year runs from about nine months before today to three months after it, so the lifecycle shows
every state: past meetings held, with outcomes published or closed; upcoming ones announced or open
for nominations; one draft; and one emergency consultation of a few members. Generated
deterministically (one seeded random stream), written directly (no notifications or mail), and
idempotent: loading twice adds nothing.
"""

import hashlib
import random
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from bphub.core.models import Classification
from bphub.directory.models import FocalPoint
from bphub.meetings.models import (
    ActionItem,
    ActionItemUpdate,
    AgendaItem,
    AgendaSession,
    Delegate,
    Delegation,
    Document,
    DocumentVersion,
    Meeting,
    MeetingInvitation,
    MeetingSeries,
    Outcome,
    WorkPlanItem,
)
from bphub.members.models import Body, BodyMembership, Member

K = Meeting.Kind
S = Meeting.Status
DEMO_NOTE = "Fictitious demo meeting: dates, agenda, documents and outcomes are invented."
# What each kind of meeting is for, as its description says it (then the demo note).
PURPOSES = {
    K.MINISTERIAL: "Ministers review the region's cooperation against people smuggling, trafficking in persons "
                   "and related transnational crime, and adopt the Co-Chairs' Statement.",
    K.SENIOR_OFFICIALS: "Senior officials prepare the Ministerial Conference: they review the work of the Ad Hoc "
                        "Group and the working groups and agree the draft Co-Chairs' Statement.",
    K.AD_HOC_GROUP: "The most-affected members review the year's operational cooperation and agree the priorities "
                    "they recommend to the Co-Chairs.",
    K.STEERING_GROUP: "The Steering Group takes stock of the Bali Process work plan and prepares the next "
                      "meetings of the Ad Hoc Group.",
    K.WORKING_GROUP: "The working group reviews progress on its forward work plan, hears members' updates and "
                     "agrees its next activities.",
    K.THEMATIC_DIALOGUE: "An open dialogue of members, international organisations and experts on a question of "
                         "common concern, to share practice and identify next steps.",
    K.ROUNDTABLE: "A roundtable of practitioners to compare approaches and agree practical follow-up.",
    K.WORKSHOP: "A hands-on workshop for frontline and investigating officials, with case studies and exercises.",
    K.PRE_BRIEFING: "The RSO briefs members ahead of the meetings: agenda, key documents and open actions.",
}

# Where the hosts' officials sit, for members whose zone the reference data may not give yet.
HOST_ZONES = {
    "TH": "Asia/Bangkok", "ID": "Asia/Jakarta", "AU": "Australia/Sydney", "NZ": "Pacific/Auckland",
    "LK": "Asia/Colombo", "PH": "Asia/Manila", "VN": "Asia/Ho_Chi_Minh", "MY": "Asia/Kuala_Lumpur",
    "FJ": "Pacific/Fiji", "NP": "Asia/Kathmandu", "BD": "Asia/Dhaka", "KH": "Asia/Phnom_Penh",
    "LA": "Asia/Vientiane", "MV": "Indian/Maldives", "PK": "Asia/Karachi", "AE": "Asia/Dubai",
}

SERIES = [
    # code, name, kind, body code
    ("bpmc", "Bali Process Ministerial Conference", K.MINISTERIAL, "BPMC"),
    ("som", "Senior Officials' Meeting", K.SENIOR_OFFICIALS, "SOM"),
    ("ahg-som", "Ad Hoc Group Senior Officials' Meeting", K.AD_HOC_GROUP, "AHG"),
    ("sg", "Steering Group meeting", K.STEERING_GROUP, "SG"),
    ("tipwg", "Working Group on Trafficking in Persons meeting", K.WORKING_GROUP, "TIPWG"),
    ("dwg", "Working Group on Disruption of Criminal Networks meeting", K.WORKING_GROUP, "DWG"),
    ("tegrr", "Technical Experts Group on Returns and Reintegration meeting", K.WORKING_GROUP, "TEGRR"),
]

# (series or None, number, kind, title, body, host, day offset from today, days, classification, online)
PLAN = [
    ("sg", 41, K.STEERING_GROUP, None, "SG", None, -265, 1, Classification.BODY, True),
    ("tipwg", 17, K.WORKING_GROUP, None, "TIPWG", "ID", -240, 2, Classification.MEMBERS, False),
    (None, None, K.WORKSHOP, "Capacity-building workshop: financial investigation of people-smuggling networks",
     "DWG", "MY", -225, 3, Classification.MEMBERS, False),
    (None, None, K.THEMATIC_DIALOGUE, "Thematic dialogue: online recruitment and trafficking for forced criminality",
     None, "TH", -200, 1, Classification.PUBLIC, True),
    ("tegrr", 11, K.WORKING_GROUP, None, "TEGRR", "PH", -185, 2, Classification.MEMBERS, False),
    ("sg", 42, K.STEERING_GROUP, None, "SG", None, -170, 1, Classification.BODY, True),
    (None, None, K.PRE_BRIEFING, "Pre-briefing for the Ad Hoc Group Senior Officials' Meeting",
     "AHG", None, -152, 1, Classification.BODY, True),
    ("ahg-som", 18, K.AD_HOC_GROUP, None, "AHG", "LK", -145, 2, Classification.BODY, False),
    ("dwg", 9, K.WORKING_GROUP, None, "DWG", "NZ", -120, 2, Classification.MEMBERS, False),
    (None, None, K.ROUNDTABLE, "Roundtable with the Government and Business Forum on ethical recruitment",
     "GABF", "AU", -105, 1, Classification.PUBLIC, False),
    ("sg", 43, K.STEERING_GROUP, None, "SG", None, -80, 1, Classification.BODY, True),
    ("tipwg", 18, K.WORKING_GROUP, None, "TIPWG", "AU", -60, 2, Classification.MEMBERS, False),
    (None, None, K.WORKSHOP, "Capacity-building workshop: victim identification at airports",
     "TIPWG", "VN", -45, 3, Classification.MEMBERS, False),
    (None, None, K.THEMATIC_DIALOGUE, "Thematic dialogue: safety at sea and disembarkation",
     None, "ID", -30, 1, Classification.PUBLIC, True),
    ("tegrr", 12, K.WORKING_GROUP, None, "TEGRR", "AU", -12, 1, Classification.MEMBERS, True),
    # upcoming
    ("sg", 44, K.STEERING_GROUP, None, "SG", None, 9, 1, Classification.BODY, True),
    (None, None, K.PRE_BRIEFING, "Pre-briefing for the Senior Officials' Meeting and Ministerial Conference",
     "SOM", None, 20, 1, Classification.MEMBERS, True),
    ("som", 10, K.SENIOR_OFFICIALS, None, "SOM", "ID", 34, 1, Classification.MEMBERS, False),
    ("bpmc", 9, K.MINISTERIAL, None, "BPMC", "ID", 35, 1, Classification.PUBLIC, False),
    ("dwg", 10, K.WORKING_GROUP, None, "DWG", "VN", 52, 2, Classification.MEMBERS, False),
    (None, None, K.WORKSHOP, "Capacity-building workshop: digital evidence in smuggling cases",
     "DWG", "KH", 66, 3, Classification.MEMBERS, False),
    ("tipwg", 19, K.WORKING_GROUP, None, "TIPWG", "ID", 80, 2, Classification.MEMBERS, False),
    (None, None, K.ROUNDTABLE, "Roundtable on data sharing for returns and reintegration",
     "TEGRR", "NP", 95, 1, Classification.MEMBERS, True),
]

# The agenda of every demo meeting: the opening session first, the closing session last, and
# between them (in this order) as many of the working sessions as the meeting has room for.
# (title, [(item title, presenter)]); presenter "host" is the host member (the RSO when none).
OPENING_SESSION = ("Opening session", [
    ("Welcome remarks by the co-chairs", "Co-chairs"),
    ("Adoption of the agenda", "Co-chairs"),
    ("Report of the Regional Support Office", "RSO"),
])
WORKING_SESSIONS = [
    ("Updates from members", [("Member presentations", "Member delegations"), ("Questions and discussion", "")]),
    ("Regional trends and data", [("Regional trends in irregular migration", "RSO"), ("Presentation by IOM", "IOM"),
                                  ("Presentation by UNHCR", "UNHCR")]),
    ("Panel: national approaches", [("Panel of member experts", "Member delegations"),
                                    ("Questions from the floor", "")]),
    ("Case studies", [("Case study from the host", "host"), ("Presentation by UNODC", "UNODC"),
                      ("Discussion", "")]),
    ("Tools and good practice", [("Good practice from the region", "Member delegations"),
                                 ("The RSO's tools and guides", "RSO")]),
    ("Practical exercise", [("Scenario exercise", "Facilitators"), ("Debrief", "Facilitators")]),
    ("Break-out groups", [("Break-out groups on the guiding questions", "Facilitators"),
                          ("Report back to the plenary", "Rapporteurs")]),
    ("Partners' perspectives", [("Perspective of civil society", "Invited experts"),
                                ("Perspective of the private sector", "Government and Business Forum")]),
    ("Discussion of the draft outcome", [("Draft outcome document", "RSO"), ("Comments from members", "")]),
    ("Forward work plan", [("Review of the forward work plan", "Co-chairs"),
                           ("Proposals for the coming year", "Member delegations")]),
]
CLOSING_SESSION = ("Closing session", [
    ("Agreement on next steps", "Co-chairs"),
    ("Date and venue of the next meeting", "Co-chairs"),
    ("Any other business", ""),
    ("Closing remarks by the co-chairs", "Co-chairs"),
])
# Session starts and lengths within a day, in minutes after the meeting's daily start.
IN_PERSON_DAY = [(0, 90), (120, 90), (270, 90), (390, 90)]  # 09:30, 11:30, 14:00, 16:00 (to 17:30)
ONLINE_DAY = [(0, 55), (65, 55)]  # 14:00 and 15:05 (to 16:00)
DECISIONS = [
    "Members agreed to share their national referral procedures through the Exchange before the next meeting.",
    "The group endorsed the draft guidance note for consideration by the Ad Hoc Group.",
    "Members welcomed the offer of a member to host a capacity-building workshop next year.",
    "The co-chairs will report the group's progress to the Senior Officials' Meeting.",
]
RECOMMENDATIONS = [
    "Members are encouraged to nominate a second focal point for the group.",
    "The RSO should compile members' good practices on victim identification into a short guide.",
]
ACTIONS = [
    ("Compile members' national referral procedures", "rso"),
    ("Circulate the revised draft guidance note", "body"),
    ("Nominate a focal point for the joint period of action", "member"),
    ("Share the national data on returns for the regional snapshot", "member"),
    ("Prepare the concept note for the next workshop", "rso"),
    ("Report on the outcomes of the national consultation", "member"),
]
DOC_TYPES = [
    (Document.Type.CONCEPT_NOTE, "Concept note"), (Document.Type.AGENDA, "Annotated agenda"),
    (Document.Type.BACKGROUND, "Background paper"), (Document.Type.PRESENTATION, "RSO presentation"),
]


def demo_pdf(lines: list[str]) -> bytes:
    """A small valid one-page PDF with `lines` of text (Helvetica), readable by any PDF tool."""
    def escape(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 11 Tf 50 780 Td 14 TL " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _zone_of(member: Member | None) -> str:
    if member is None:
        return "Asia/Bangkok"  # the RSO
    return member.time_zone or HOST_ZONES.get(member.code, "Asia/Bangkok")


def _invitees(rng, body: Body | None, members: list[Member], today: date) -> list[Member]:
    """The members invited: those seated on the body today, and (for open bodies) a regional spread."""
    seated = []
    if body is not None:
        seated = [s.member for s in BodyMembership.objects.on(today).filter(body=body).select_related("member")]
    if body is None or body.code in {"SOM", "BPMC"}:
        return [m for m in members if m.standing == Member.Standing.MEMBER]
    extra = rng.sample(members, k=min(len(members), 8 if body.kind == Body.Kind.WORKING_GROUP else 4))
    return sorted({m.pk: m for m in seated + extra}.values(), key=lambda m: m.code)


@transaction.atomic
def demo_meetings_ensure() -> dict[str, int]:
    """The demo year of meetings (see the module docstring). Idempotent; demo mode only."""
    from bphub.demo.data import _require_demo_mode

    _require_demo_mode()
    if Meeting.objects.filter(is_demo=True).exists():
        return {"meetings": 0}
    rng = random.Random(20261129)
    today = timezone.localdate()
    bodies = {b.code: b for b in Body.objects.all()}
    members = list(Member.objects.order_by("code"))
    by_code = {m.code: m for m in members}
    people = {}
    for person in FocalPoint.objects.filter(is_active=True).order_by("member_id", "full_name", "pk"):
        people.setdefault(person.member_id, []).append(person)
    series = {}
    for code, name, kind, body_code in SERIES:
        series[code], _ = MeetingSeries.objects.get_or_create(
            code=code, defaults={"name": {"en": name}, "kind": kind, "group": bodies.get(body_code)}
        )

    made = []
    for series_code, number, kind, title, body_code, host_code, offset, days, classification, online in PLAN:
        day = today + timedelta(days=offset)
        if series_code == "bpmc" and made and made[-1].kind == K.SENIOR_OFFICIALS:
            # The Ministerial Conference follows its Senior Officials' Meeting, the next working day.
            day = timezone.localtime(made[-1].ends_at, made[-1].host_zone).date() + timedelta(days=1)
        made.append(
            _meeting(rng, series.get(series_code), number, kind, title, bodies.get(body_code), by_code.get(host_code),
                     day, days, classification, online, members, people, today)
        )
    # One draft the RSO is still preparing, and one emergency consultation of three members.
    draft = _meeting(rng, None, None, K.ROUNDTABLE, "Roundtable on labour migration pathways",
                     None, by_code.get("TH"), today + timedelta(days=120), 1, Classification.MEMBERS, True,
                     members, people, today, is_draft=True)
    made.append(draft)
    roster = [m for m in (by_code.get("ID"), by_code.get("AU"), by_code.get("MY"), by_code.get("LK")) if m]
    made.append(_consultation(rng, bodies.get("CM"), roster, today, people))
    _work_plans(bodies)
    _record_local_times(made)
    return {"meetings": len(made)}


def working_days_from(day: date, days: int, host: Member | None) -> date:
    """The first date from `day` on whose `days` days all fall on working days (not Saturday,
    Sunday or the host's own weekend): officials meet on working days."""
    from bphub.meetings.services.scheduling import parse_weekend

    weekend = {6, 7} | set(parse_weekend(host.weekend if host is not None else ""))
    while any((day + timedelta(days=offset)).isoweekday() in weekend for offset in range(days)):
        day += timedelta(days=1)
    return day


def _meeting(rng, series, number, kind, title, body, host, day, days, classification, online, members, people, today,
             *, is_draft=False):
    zone_name = _zone_of(host)
    day = working_days_from(day, days, host)
    start = datetime(day.year, day.month, day.day, 9, 30, tzinfo=ZoneInfo(zone_name))
    if online:
        start = start.replace(hour=14, minute=0)  # online meetings of a few hours
    end = start + timedelta(days=days - 1, hours=8 if not online else 2)
    name = title or f"{_ordinal(number)} {series.name['en']}"
    past = end.date() < today
    if is_draft:
        status = S.DRAFT
    elif past:
        status = S.CLOSED if (today - end.date()).days > 150 else S.OUTCOMES_PUBLISHED
    else:
        status = S.REGISTRATION_OPEN if (day - today).days < 60 else S.ANNOUNCED
    if body is None and classification == Classification.BODY:
        classification = Classification.MEMBERS
    meeting = Meeting.objects.create(
        title={"en": name}, kind=kind, series=series, number=number, group=body, host=host,
        description={"en": f"{PURPOSES.get(kind, '')}\n\n{DEMO_NOTE}".strip()}, classification=classification,
        body=body if classification == Classification.BODY else None,
        venue="" if online else f"{_city(host)} (demo venue)",
        online_url="https://meet.example/bphub-demo-" + str(rng.randrange(10**6, 10**7)) if online else "",
        starts_at=start, ends_at=end, time_zone=zone_name, status=status,
        nomination_deadline=start - timedelta(days=14) if status != S.DRAFT else None,
        is_demo=True,
    )
    invited = _invitees(rng, body, members, today)
    if status != S.DRAFT:
        if body is not None:
            MeetingInvitation.objects.create(
                meeting=meeting, target=MeetingInvitation.Target.BODY, body=body, label=str(body)
            )
        _agenda(rng, meeting, days, online, host)
        _delegations(rng, meeting, invited, people, past)
        docs = _documents(rng, meeting)
        if past:
            _outcomes_and_actions(rng, meeting, invited, docs, today)
    return meeting


def _consultation(rng, body, roster, today, people):
    day = timezone.localdate() - timedelta(days=40)
    start = datetime(day.year, day.month, day.day, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))  # convened at short notice
    meeting = Meeting.objects.create(
        title={"en": "Emergency consultation: irregular maritime movement in the Andaman Sea"},
        kind=K.CONSULTATION, group=body, host=None, description={"en": DEMO_NOTE},
        classification=Classification.RESTRICTED, originator=roster[0] if roster else None,
        online_url="https://meet.example/bphub-demo-cm", starts_at=start, ends_at=start + timedelta(hours=2),
        time_zone="Asia/Jakarta", status=S.OUTCOMES_PUBLISHED, is_emergency=True, is_demo=True,
    )
    meeting.released_to.set(roster[1:])
    _delegations(rng, meeting, roster, people, past=True)
    Outcome.objects.create(
        meeting=meeting, kind=Outcome.Kind.CO_CHAIRS_STATEMENT, position=0,
        text={"en": "The co-chairs thanked the affected members for convening at short notice and agreed to "
                    "coordinate search-and-rescue information through the RSO for the next fourteen days."},
        classification=Classification.RESTRICTED, originator=meeting.originator,
    ).released_to.set(roster[1:])
    action = ActionItem.objects.create(
        meeting=meeting, title={"en": "Circulate a daily situation note to the consultation's members"},
        owner_kind=ActionItem.Owner.RSO, due_on=today - timedelta(days=26), status=ActionItem.Status.DONE,
        completed_on=today - timedelta(days=27), classification=Classification.RESTRICTED,
        originator=meeting.originator, is_demo=True,
    )
    action.released_to.set(roster[1:])
    return meeting


def _ordinal(number: int | None) -> str:
    if not number:
        return ""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _city(host: Member | None) -> str:
    cities = {"ID": "Bali", "TH": "Bangkok", "AU": "Canberra", "NZ": "Wellington", "LK": "Colombo",
              "PH": "Manila", "VN": "Hanoi", "MY": "Kuala Lumpur", "KH": "Phnom Penh", "NP": "Kathmandu"}
    return cities.get(host.code, str(host)) if host else "Bangkok"


def _agenda(rng, meeting, days, online, host):
    """Opening first, closing last, the working sessions between them in their order; each
    session's items share its time, in order."""
    day_plan = ONLINE_DAY if online else IN_PERSON_DAY
    slots = [(day, offset, length) for day in range(days) for offset, length in day_plan]
    middle = len(slots) - 2
    chosen = sorted(rng.sample(range(len(WORKING_SESSIONS)), k=min(max(middle, 0), len(WORKING_SESSIONS))))
    working = [WORKING_SESSIONS[i] for i in chosen]
    working += [WORKING_SESSIONS[-1]] * (middle - len(working))  # never for the demo's longest (3 days)
    plan = [OPENING_SESSION, *working, CLOSING_SESSION] if len(slots) > 1 else [CLOSING_SESSION]
    host_name = str(host) if host is not None else "RSO"
    rooms = ["Plenary hall", "Room Melati", "Room Kenanga"]
    for position, ((day, offset, length), (title, items)) in enumerate(zip(slots, plan, strict=True)):
        start = meeting.starts_at + timedelta(days=day, minutes=offset)
        plenary = title in (OPENING_SESSION[0], CLOSING_SESSION[0])
        room = "" if online else ("Plenary hall" if plenary else rng.choice(rooms))
        session = AgendaSession.objects.create(
            meeting=meeting, position=position, starts_at=start, ends_at=start + timedelta(minutes=length),
            title={"en": title}, room=room,
        )
        each = (length // len(items)) // 5 * 5
        for index, (item_title, presenter) in enumerate(items):
            item_start = start + timedelta(minutes=each * index)
            last = index == len(items) - 1
            item_end = start + timedelta(minutes=length) if last else item_start + timedelta(minutes=each)
            AgendaItem.objects.create(
                session=session, position=index, starts_at=item_start, ends_at=item_end, title={"en": item_title},
                presenters=host_name if presenter == "host" else presenter,
            )


def _delegations(rng, meeting, invited, people, past):
    for member in invited:
        persons = people.get(member.pk, [])
        status = Delegation.Status.APPROVED if past else rng.choice(
            [Delegation.Status.INVITED, Delegation.Status.SUBMITTED, Delegation.Status.APPROVED]
        )
        if not persons:
            status = Delegation.Status.INVITED
        delegation = Delegation.objects.create(
            meeting=meeting, member=member, status=status,
            submitted_at=meeting.starts_at - timedelta(days=20) if status != Delegation.Status.INVITED else None,
            decided_at=meeting.starts_at - timedelta(days=16) if status == Delegation.Status.APPROVED else None,
        )
        if status == Delegation.Status.INVITED:
            continue
        for position, person in enumerate(rng.sample(persons, k=min(len(persons), rng.randint(1, 3)))):
            Delegate.objects.create(
                delegation=delegation, focal_point=person, position=position,
                role=Delegate.Role.HEAD if position == 0 else rng.choice([Delegate.Role.DELEGATE,
                                                                          Delegate.Role.ADVISER]),
                attended=(rng.random() > 0.1) if past else None,
                attendance_recorded_at=meeting.ends_at if past else None,
            )


def _documents(rng, meeting):
    docs = []
    for doc_type, label in rng.sample(DOC_TYPES, k=3):
        title = f"{label}: {meeting.title['en']}"
        text = [f"FICTITIOUS DEMO DOCUMENT - {label}", meeting.title["en"],
                "Prepared by the Regional Support Office for the demo of bphub.",
                "Themes: irregular migration, people smuggling, trafficking in persons, returns."]
        docs.append(_document(meeting, doc_type, title, text, is_key=doc_type in {Document.Type.AGENDA,
                                                                                   Document.Type.CONCEPT_NOTE}))
    return docs


def _document(meeting, doc_type, title, lines, *, is_key=False, classification=None):
    content = demo_pdf(lines)
    document = Document.objects.create(
        meeting=meeting, group=meeting.group, doc_type=doc_type, title={"en": title}, language="en", is_key=is_key,
        classification=classification or meeting.classification, originator=meeting.originator,
        body=meeting.body, search_text=" ".join([title, *lines]).lower(), is_demo=True,
    )
    if document.classification == Classification.RESTRICTED:
        document.released_to.set(meeting.released_to.all())
    version = DocumentVersion.objects.create(
        document=document, number=1, file=ContentFile(content, name=f"demo-{doc_type}.pdf"),
        original_name=f"{doc_type.replace('_', '-')}.pdf", content_type="application/pdf", size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), extracted_text="\n".join(lines),
        uploaded_at=meeting.starts_at - timedelta(days=10),
    )
    document.current_version = version
    document.save(update_fields=["current_version"])
    return document


def _outcomes_and_actions(rng, meeting, invited, docs, today):
    position = 0
    for text in rng.sample(DECISIONS, k=2):
        Outcome.objects.create(meeting=meeting, kind=Outcome.Kind.DECISION, text={"en": text}, position=position,
                               classification=meeting.classification, body=meeting.body)
        position += 1
    Outcome.objects.create(meeting=meeting, kind=Outcome.Kind.RECOMMENDATION, position=position,
                           text={"en": rng.choice(RECOMMENDATIONS)}, classification=meeting.classification,
                           body=meeting.body)
    if meeting.kind in {K.MINISTERIAL, K.SENIOR_OFFICIALS, K.AD_HOC_GROUP, K.CONSULTATION}:
        Outcome.objects.create(
            meeting=meeting, kind=Outcome.Kind.CO_CHAIRS_STATEMENT, position=position + 1,
            text={"en": "Co-chairs' statement (fictitious demo): members reaffirmed their commitment to "
                        "cooperation against people smuggling and trafficking in persons."},
            classification=meeting.classification, body=meeting.body,
        )
    Outcome.objects.create(
        meeting=meeting, kind=Outcome.Kind.MINUTES, position=position + 2,
        text={"en": f"Minutes (fictitious demo): {len(invited)} members were invited; the meeting followed the "
                    "agenda and agreed the decisions and recommendations above."},
        classification=meeting.classification, body=meeting.body,
    )
    _document(meeting, Document.Type.MINUTES, f"Minutes: {meeting.title['en']}",
              ["FICTITIOUS DEMO DOCUMENT - Minutes", meeting.title["en"]])
    for title, owner in rng.sample(ACTIONS, k=rng.randint(2, 3)):
        owner_member = rng.choice(invited) if owner == "member" and invited else None
        owner_body = meeting.group if owner == "body" and meeting.group else None
        kind = (ActionItem.Owner.MEMBER if owner_member else ActionItem.Owner.BODY if owner_body
                else ActionItem.Owner.RSO)
        due = meeting.ends_at.date() + timedelta(days=rng.choice([30, 60, 90, 120]))
        status = rng.choice([ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS, ActionItem.Status.DONE])
        action = ActionItem.objects.create(
            meeting=meeting, title={"en": title}, owner_kind=kind, owner_member=owner_member, owner_body=owner_body,
            due_on=due, status=status, completed_on=min(due, today) if status == ActionItem.Status.DONE else None,
            classification=meeting.classification, body=meeting.body, is_demo=True,
        )
        if status != ActionItem.Status.OPEN:
            ActionItemUpdate.objects.create(
                action_item=action, status_before=ActionItem.Status.OPEN, status_after=status,
                text="Demo progress note: work started with the members concerned."
                if status == ActionItem.Status.IN_PROGRESS else "Demo progress note: completed and circulated.",
                created_at=meeting.ends_at + timedelta(days=14),
            )


def _work_plans(bodies):
    plans = {
        "TIPWG": [("Regional guide on victim identification for frontline officials", "2025–2026", "AU, ID"),
                  ("Workshop series on trafficking for forced criminality", "2026", "RSO"),
                  ("Review of national referral mechanisms", "2026–2027", "Members")],
        "DWG": [("Joint period of action on smuggling networks at sea", "2026", "NZ, VN"),
                ("Financial investigation training", "2026–2027", "RSO, UNODC")],
        "TEGRR": [("Update of the Policy Guide on Returns and Reintegration", "2025–2027", "AU, PH"),
                  ("Data exchange pilot on returns", "2027", "IOM")],
    }
    for code, items in plans.items():
        body = bodies.get(code)
        if body is None or WorkPlanItem.objects.filter(group=body).exists():
            continue
        for position, (title, period, lead) in enumerate(items):
            WorkPlanItem.objects.create(
                group=body, title={"en": f"{title} (demo)"}, period=period, lead=lead, position=position,
                status=WorkPlanItem.Status.UNDER_WAY if position == 0 else WorkPlanItem.Status.PLANNED,
            )


def _record_local_times(meetings):
    from bphub.meetings.services.scheduling import meeting_local_times_record

    for meeting in meetings:
        if meeting.status != S.DRAFT:
            meeting_local_times_record(meeting)
