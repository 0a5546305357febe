"""Reads of the participation part: delegations, participants, documents, with their query shape.

Every read goes through a meeting (or document) the reader may see; documents are filtered by the
one policy (`policy.visible_to`, which includes the approved participants' grant).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from bphub.core import policy
from bphub.core.ids import parse_id
from bphub.directory.models import FocalPoint
from bphub.directory.text import fold
from bphub.meetings.models import Delegate, Delegation, Document, DocumentVersion, Meeting
from bphub.meetings.permissions import delegations_visible_to, documents_visible_to


def delegations_for(user, meeting: Meeting) -> QuerySet:
    """The delegations of `meeting` that `user` may see (`permissions.delegations_visible_to`: approved
    ones for its readers, a member's own for its coordinators, all for its managers), by member code,
    with their people. The web page and the API list exactly these."""
    return (
        delegations_visible_to(user, meeting)
        .select_related("member", "decided_by", "submitted_by")
        .prefetch_related(
            Prefetch("delegates", queryset=Delegate.objects.select_related("focal_point").order_by("position", "id"))
        )
        .order_by("member__code")
    )


def readable_people(user, delegates) -> set[int]:
    """The focal points among `delegates` whose directory record `user` may see (names of the others
    are not shown, as on the participant list)."""
    person_ids = {delegate.focal_point_id for delegate in delegates}
    if not person_ids:
        return set()
    return set(policy.visible_to(FocalPoint.all_objects.filter(pk__in=person_ids), user).values_list("pk", flat=True))


@dataclass
class Participant:
    delegate: Delegate
    name: str  # "" when the reader may not see the person's directory record
    member: object
    role_label: str


@dataclass
class ParticipantList:
    rows: list = field(default_factory=list)
    members: int = 0
    withheld: int = 0


def participant_list(user, meeting: Meeting) -> ParticipantList:
    """The people of the approved delegations (name, role, member; never contact details), in member
    order. A name is shown when the reader may see the person's directory record, so a
    participant list never tells more about a person than the directory would. Three queries,
    however long the list."""
    delegates = list(
        Delegate.objects.filter(delegation__meeting=meeting, delegation__status=Delegation.Status.APPROVED)
        .select_related("delegation__member", "focal_point")
        .order_by("delegation__member__code", "position", "id")
    )
    person_ids = [d.focal_point_id for d in delegates]
    readable = (
        set(policy.visible_to(FocalPoint.all_objects.filter(pk__in=person_ids), user).values_list("pk", flat=True))
        if person_ids
        else set()
    )
    result = ParticipantList()
    members = set()
    for delegate in delegates:
        shown = delegate.focal_point_id in readable
        result.withheld += not shown
        members.add(delegate.delegation.member_id)
        result.rows.append(
            Participant(
                delegate=delegate,
                name=str(delegate.focal_point) if shown else "",
                member=delegate.delegation.member,
                role_label=delegate.get_role_display(),
            )
        )
    result.members = len(members)
    return result


@dataclass
class OwnDelegation:
    pk: int
    member_id: int
    member_code: str
    status: str

    def get_status_display(self) -> str:
        return str(Delegation.Status(self.status).label)


@dataclass
class DelegationSummary:
    counts: list  # (status value, label, count) for the statuses present
    total: int
    own: OwnDelegation | None  # the reader's member's delegation, if invited


def delegation_summary(user, meeting: Meeting) -> DelegationSummary:
    """Counts of the meeting's delegations that `user` may see, by status, and the reader's own member's
    among them (one query, besides the reader's seats the policy caches for the request)."""
    rows = list(delegations_visible_to(user, meeting).values_list("pk", "member_id", "member__code", "status"))
    counts = Counter(row[3] for row in rows)
    member_id = policy.acting_member_id(user)
    own = None
    for pk, member, code, status in rows:
        if member_id is not None and member == member_id:
            own = OwnDelegation(pk=pk, member_id=member, member_code=code, status=status)
    return DelegationSummary(
        counts=[(value, label, counts[value]) for value, label in Delegation.Status.choices if counts[value]],
        total=len(rows),
        own=own,
    )


def meeting_documents(user, meeting: Meeting) -> QuerySet:
    """The documents of `meeting` that `user` may read, with their current version (one query)."""
    return policy.visible_to(meeting.documents.all(), user).select_related("current_version").order_by("doc_type", "id")


def document_versions(document: Document) -> QuerySet:
    return document.versions.select_related("uploaded_by").order_by("-number")


def document_version_for_download(document: Document, number) -> DocumentVersion | None:
    """The version `number` of `document` (the current one when `number` is empty)."""
    if number in (None, ""):
        return document.current_version
    number = parse_id(number)
    return document.versions.filter(number=number).first() if number else None


def document_search(user, q: str = "") -> QuerySet:
    """Documents `user` may read whose title or extracted text has every word of `q` (folded:
    case- and accent-insensitive), newest first."""
    qs = documents_visible_to(user)
    for term in fold(q).split(" "):
        if term:
            qs = qs.filter(search_text__contains=term)
    return qs.select_related("meeting", "current_version").order_by("-created_at", "-id")
