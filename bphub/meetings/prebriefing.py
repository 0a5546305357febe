"""Pre-briefing packs: what a reader needs before a meeting, as a plain data structure.

`build_pack(meeting=, reader=)` gathers, each part through `policy.visible_to`:
the agenda in the reader's time zone (the host's beside it), the approved delegations (member,
head, size), the key documents, the open action items of the meeting, those carried forward from
earlier meetings of the series, those of the reader's member and of the groups it sits on, and
the outcomes of the previous meeting of the series. The pack is built from the database at the
moment it is asked for. Its PDF is made by the task worker (bphub.meetings.packs) and kept only
under the digest of its full HTML (`pack_source`), so a stored PDF is always exactly the one the
current content would give.

The first page is a briefing of its own: the meeting's facts (dates in the reader's zone, venue,
host, body), its purpose, the classification of the most restricted content in the pack, and an
"at a glance" of the agenda, the key documents, the open actions (overdue first) and the
delegations; the parts follow in full.
"""

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from bphub.core import policy
from bphub.core.i18n import localize
from bphub.core.models import Classification
from bphub.meetings.models import (
    CLASSIFICATION_RANK,
    ActionItem,
    AgendaItem,
    AgendaSession,
    Delegate,
    Delegation,
    Document,
    Meeting,
    Outcome,
    zone,
)
from bphub.meetings.selectors.followup import (
    ACTION_ORDER,
    annotate_for,
    carried_forward_filter,
    mine_filter,
    outcomes_by_kind,
)

DAY = "D j M Y"
TIME = "H:i"
OTHER_ACTIONS_LIMIT = 100
GLANCE_SESSIONS = 4
GLANCE_DOCUMENTS = 4
GLANCE_ACTIONS = 3


@dataclass
class TimeSpan:
    """A span shown in the reader's zone, and in the host's when that differs."""

    reader: str
    host: str = ""
    iso: str = ""


@dataclass
class PackItem:
    title: str
    when: TimeSpan | None
    presenters: str
    documents: list = field(default_factory=list)  # [PackDocument]


@dataclass
class PackSession:
    title: str
    day: str
    when: TimeSpan
    room: str
    items: list = field(default_factory=list)


@dataclass
class PackDocument:
    title: str
    doc_type: str
    language: str
    classification: str
    classification_label: str
    url: str


@dataclass
class PackDelegation:
    member_code: str
    member_name: str
    head: str  # "" when the reader may not see the head's directory record
    size: int


@dataclass
class PackAction:
    title: str
    owner: str
    due_on: object
    status: str
    status_label: str
    overdue: bool
    meeting_title: str
    meeting_url: str
    classification: str
    classification_label: str
    url: str


@dataclass
class PackOutcome:
    text: str
    classification: str
    classification_label: str


@dataclass
class Pack:
    meeting_id: int
    title: str
    kind: str
    number_label: str
    venue: str
    host: str
    body: str
    purpose: str
    status_label: str
    nomination_deadline: str  # "" when none
    online_url: str
    when: TimeSpan
    reader_zone: str
    host_zone: str
    language: str
    generated_at: datetime
    generated_label: str
    classification: str = Classification.PUBLIC
    classification_label: str = ""
    sessions: list = field(default_factory=list)
    agenda_item_count: int = 0
    delegations: list = field(default_factory=list)
    key_documents: list = field(default_factory=list)
    meeting_actions: list = field(default_factory=list)
    carried_actions: list = field(default_factory=list)
    member_actions: list = field(default_factory=list)
    group_actions: list = field(default_factory=list)
    other_actions_truncated: bool = False
    previous_meeting: dict | None = None
    previous_outcomes: list = field(default_factory=list)  # [(kind label, [PackOutcome])]
    _levels: set = field(default_factory=set, repr=False)

    def include(self, classification: str) -> None:
        self._levels.add(classification)

    @property
    def all_actions(self) -> list:
        return self.meeting_actions + self.carried_actions + self.member_actions + self.group_actions

    @property
    def overdue_count(self) -> int:
        return sum(1 for action in self.all_actions if action.overdue)

    @property
    def previous_outcome_count(self) -> int:
        return sum(len(outcomes) for _label, outcomes in self.previous_outcomes)

    # -- the first page's "at a glance" ----------------------------------------------------------

    @property
    def glance_sessions(self) -> list:
        return self.sessions[:GLANCE_SESSIONS]

    @property
    def more_sessions(self) -> int:
        return max(len(self.sessions) - GLANCE_SESSIONS, 0)

    @property
    def glance_documents(self) -> list:
        return self.key_documents[:GLANCE_DOCUMENTS]

    @property
    def more_documents(self) -> int:
        return max(len(self.key_documents) - GLANCE_DOCUMENTS, 0)

    @property
    def glance_actions(self) -> list:
        """The open actions to mind first: overdue ones, then the soonest due (undated last)."""
        ordered = sorted(
            self.all_actions,
            key=lambda action: (not action.overdue, action.due_on is None, action.due_on or date.max),
        )
        return ordered[:GLANCE_ACTIONS]

    @property
    def more_actions(self) -> int:
        return max(len(self.all_actions) - GLANCE_ACTIONS, 0)

    @property
    def delegate_count(self) -> int:
        return sum(delegation.size for delegation in self.delegations)

    @property
    def delegation_codes(self) -> str:
        return ", ".join(delegation.member_code for delegation in self.delegations)

    def finish(self) -> "Pack":
        widest_first = sorted(self._levels, key=CLASSIFICATION_RANK.__getitem__)
        self.classification = widest_first[-1] if widest_first else Classification.PUBLIC
        self.classification_label = str(Classification(self.classification).label)
        return self


def _span(start, end, reader_zone, host_zone, *, with_day: bool) -> TimeSpan:
    """ "Tue 3 Mar 2026, 09:00–10:30" in the reader's zone, and the same in the host's zone when it differs."""

    def fmt(tz):
        a = timezone.localtime(start, tz)
        text = date_format(a, f"{DAY}, {TIME}" if with_day else TIME, use_l10n=True)
        if end is not None:
            b = timezone.localtime(end, tz)
            same_day = b.date() == a.date()
            text += "–" + date_format(b, TIME if same_day else f"{DAY}, {TIME}", use_l10n=True)
        return text, a

    mine, mine_start = fmt(reader_zone)
    theirs, theirs_start = fmt(host_zone)
    differs = mine_start.utcoffset() != theirs_start.utcoffset() or str(reader_zone) != str(host_zone)
    return TimeSpan(reader=mine, host=theirs if differs else "", iso=start.isoformat())


def _doc(document: Document) -> PackDocument:
    return PackDocument(
        title=localize(document.title).text,
        doc_type=document.get_doc_type_display(),
        language=document.language,
        classification=document.classification,
        classification_label=str(document.get_classification_display()),
        url=document.get_absolute_url(),
    )


def _action(action: ActionItem) -> PackAction:
    return PackAction(
        title=localize(action.title).text,
        owner=action.owner_label,
        due_on=action.due_on,
        status=action.status,
        status_label=str(action.get_status_display()),
        overdue=action.overdue,
        meeting_title=localize(action.meeting.title).text,
        meeting_url=action.meeting.get_absolute_url(),
        classification=action.classification,
        classification_label=str(action.get_classification_display()),
        url=action.get_absolute_url(),
    )


def reader_zone_of(reader):
    if reader is not None and reader.is_authenticated:
        return zone(reader.time_zone)
    return timezone.get_current_timezone()


def build_pack(*, meeting: Meeting, reader, now: datetime | None = None, reader_zone=None) -> Pack:
    """The pack of `meeting` as `reader` may see it (the caller checked that the reader sees the meeting).

    Every part is read through the policy; nothing the reader may not see is included.
    """
    now = now or timezone.now()
    reader_zone = reader_zone or reader_zone_of(reader)
    host_zone = meeting.host_zone
    deadline = meeting.nomination_deadline
    pack = Pack(
        meeting_id=meeting.pk,
        title=localize(meeting.title).text,
        kind=str(meeting.get_kind_display()),
        number_label=meeting.number_note,
        venue=meeting.venue,
        host=str(meeting.host) if meeting.host_id else gettext("Regional Support Office"),
        body=f"{meeting.group} ({meeting.group.code})" if meeting.group_id else "",
        purpose=localize(meeting.description).text,
        status_label=str(meeting.get_status_display()),
        nomination_deadline=date_format(timezone.localtime(deadline, reader_zone), f"{DAY}, {TIME}", use_l10n=True)
        if deadline
        else "",
        online_url=meeting.online_url,
        when=_span(meeting.starts_at, meeting.ends_at, reader_zone, host_zone, with_day=True),
        reader_zone=str(reader_zone),
        host_zone=host_zone.key,
        language=translation.get_language() or "en",
        generated_at=timezone.localtime(now, reader_zone),
        generated_label=date_format(timezone.localtime(now, reader_zone), f"{DAY}, {TIME} T", use_l10n=True),
    )
    pack.include(meeting.classification)
    _add_agenda(pack, meeting, reader, reader_zone, host_zone)
    _add_delegations(pack, meeting, reader)
    _add_key_documents(pack, meeting, reader)
    _add_actions(pack, meeting, reader)
    _add_previous_outcomes(pack, meeting, reader, reader_zone)
    return pack.finish()


def _add_agenda(pack: Pack, meeting, reader, reader_zone, host_zone) -> None:
    sessions = list(AgendaSession.objects.filter(meeting=meeting).order_by("starts_at", "position", "id"))
    items = list(
        AgendaItem.objects.filter(session__meeting=meeting).only(
            "id", "session_id", "title", "starts_at", "ends_at", "presenters", "position"
        )
    )
    links = AgendaItem.documents.through.objects.filter(agendaitem__session__meeting=meeting)
    documents_of: dict[int, list[int]] = {}
    for item_id, document_id in links.values_list("agendaitem_id", "document_id"):
        documents_of.setdefault(item_id, []).append(document_id)
    linked_ids = {pk for ids in documents_of.values() for pk in ids}
    visible_documents = {}
    if linked_ids:
        visible_documents = {
            document.pk: document
            for document in policy.visible_to(Document.objects.filter(pk__in=linked_ids), reader).only(
                "id", "title", "doc_type", "language", "classification"
            )
        }
    items_of: dict[int, list[AgendaItem]] = {}
    for item in items:
        items_of.setdefault(item.session_id, []).append(item)
    for session in sessions:
        local_start = timezone.localtime(session.starts_at, reader_zone)
        pack_session = PackSession(
            title=localize(session.title).text,
            day=date_format(local_start, DAY, use_l10n=True),
            when=_span(session.starts_at, session.ends_at, reader_zone, host_zone, with_day=False),
            room=session.room,
        )
        for item in sorted(
            items_of.get(session.pk, []), key=lambda i: (i.position, i.starts_at or session.starts_at, i.pk)
        ):
            documents = []
            for document_id in documents_of.get(item.pk, []):
                document = visible_documents.get(document_id)
                if document is not None:
                    documents.append(_doc(document))
                    pack.include(document.classification)
            pack_session.items.append(
                PackItem(
                    title=localize(item.title).text,
                    when=_span(item.starts_at, item.ends_at, reader_zone, host_zone, with_day=False)
                    if item.starts_at
                    else None,
                    presenters=item.presenters,
                    documents=documents,
                )
            )
            pack.agenda_item_count += 1
        pack.sessions.append(pack_session)


def _add_delegations(pack: Pack, meeting, reader) -> None:
    from bphub.directory.models import FocalPoint

    delegations = list(
        Delegation.objects.filter(meeting=meeting, status=Delegation.Status.APPROVED)
        .select_related("member")
        .annotate(size=Count("delegates"))
        .order_by("member__code")
    )
    heads = dict(
        Delegate.objects.filter(delegation__in=delegations, role=Delegate.Role.HEAD).values_list(
            "delegation_id", "focal_point_id"
        )
    )
    visible_heads = {
        person.pk: person
        for person in policy.visible_to(FocalPoint.objects.filter(pk__in=heads.values()), reader).only(
            "id", "full_name", "local_name", "classification"
        )
    }
    for delegation in delegations:
        head = visible_heads.get(heads.get(delegation.pk))
        if head is not None:
            pack.include(head.classification)
        pack.delegations.append(
            PackDelegation(
                member_code=delegation.member.code,
                member_name=str(delegation.member),
                head=head.full_name if head is not None else "",
                size=delegation.size,
            )
        )


def _add_key_documents(pack: Pack, meeting, reader) -> None:
    documents = policy.visible_to(Document.objects.filter(meeting=meeting, is_key=True), reader)
    for document in documents.order_by("doc_type", "id"):
        pack.key_documents.append(_doc(document))
        pack.include(document.classification)


def _add_actions(pack: Pack, meeting, reader) -> None:
    actions = ActionItem.objects.select_related("meeting", "owner_member", "owner_body").filter(
        status__in=ActionItem.OPEN_STATUSES
    )
    here = policy.visible_to(actions.filter(Q(meeting=meeting) | carried_forward_filter(meeting)), reader)
    shown = set()
    for action in annotate_for(list(here.order_by(*ACTION_ORDER)), reader):
        (pack.meeting_actions if action.meeting_id == meeting.pk else pack.carried_actions).append(_action(action))
        pack.include(action.classification)
        shown.add(action.pk)
    mine = mine_filter(reader)
    groups = policy.seated_body_ids(reader)
    wanted = Q(pk__in=[])
    if mine is not None:
        wanted |= mine
    if groups:
        wanted |= Q(owner_body_id__in=groups)
    others = policy.visible_to(actions.filter(wanted).exclude(pk__in=shown), reader).order_by(*ACTION_ORDER)
    others = annotate_for(list(others[: OTHER_ACTIONS_LIMIT + 1]), reader)
    pack.other_actions_truncated = len(others) > OTHER_ACTIONS_LIMIT
    member_id = policy.acting_member_id(reader)
    for action in others[:OTHER_ACTIONS_LIMIT]:
        is_group = action.owner_kind == ActionItem.Owner.BODY and action.owner_body_id in groups
        is_member = action.owner_member_id is not None and action.owner_member_id == member_id
        (pack.group_actions if is_group and not is_member else pack.member_actions).append(_action(action))
        pack.include(action.classification)


def _add_previous_outcomes(pack: Pack, meeting, reader, reader_zone) -> None:
    if not meeting.series_id:
        return
    previous = (
        policy.visible_to(
            Meeting.objects.filter(series_id=meeting.series_id, starts_at__lt=meeting.starts_at),
            reader,
        )
        .select_related("series")
        .order_by("-starts_at", "-id")
        .first()
    )
    if previous is None:
        return
    pack.include(previous.classification)
    pack.previous_meeting = {
        "title": localize(previous.title).text,
        "number_label": previous.number_note,
        "day": date_format(timezone.localtime(previous.starts_at, reader_zone), DAY, use_l10n=True),
        "url": previous.get_absolute_url(),
    }
    # The policy leaves out the outcomes of a meeting not yet published (but for its managers).
    outcomes = list(policy.visible_to(Outcome.objects.filter(meeting=previous), reader).order_by("position", "id"))
    for outcome in outcomes:
        pack.include(outcome.classification)
    pack.previous_outcomes = [
        (
            label,
            [
                PackOutcome(
                    text=localize(outcome.text).text,
                    classification=outcome.classification,
                    classification_label=str(outcome.get_classification_display()),
                )
                for outcome in items
            ],
        )
        for label, items in outcomes_by_kind(outcomes)
    ]


# -- The PDF's source ------------------------------------------------------------------------------

GENERATED_PLACEHOLDER = "\ue000generated\ue000"


@dataclass(frozen=True)
class PackSource:
    """The HTML a pack's PDF is made from. `html` holds GENERATED_PLACEHOLDER where the time of
    generation goes, so `digest` (SHA-256 of `html`) names the content alone: the same content gives
    the same digest, any change in what the pack holds gives another."""

    html: str
    digest: str
    generated_label: str


def pack_source(pack: Pack) -> PackSource:
    """The PDF's HTML for `pack`, built in the request from the pack the reader may see (cheap);
    turning it into a PDF is the task worker's job (bphub.meetings.packs)."""
    generated_label = pack.generated_label
    pack.generated_label = GENERATED_PLACEHOLDER
    try:
        html = render_to_string("meetings/followup/prebriefing_pdf.html", {"pack": pack})
    finally:
        pack.generated_label = generated_label
    return PackSource(html=html, digest=hashlib.sha256(html.encode()).hexdigest(), generated_label=generated_label)
