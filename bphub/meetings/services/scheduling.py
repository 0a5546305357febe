"""Scheduling across the region's time zones: the slot finder and the burden record.

The members of the Bali Process span UTC+3 to UTC+14 (with half- and quarter-hour offsets), the
Americas and Europe: no hour suits everyone. For each candidate start the slot finder shows every
invited member's local time and whether it falls inside working hours (09:00–17:30 on a working
day of the member's own week; before 07:00 or after 21:00 counts as night), and ranks the
candidates so that the inconvenient hours rotate: fewest members outside working hours first,
then the candidate whose inconvenienced members have carried the fewest inconvenient meetings of
the same series (or body) before.

The first half of this module is pure computation over plain data (no ORM), so it tests fast;
the second half reads and writes the database: who is invited, the burden so far, the record of
where an announced meeting fell in each member's day (`MeetingLocalTime`) and moving a meeting to
a chosen start.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.core.audit import audit_record
from bphub.meetings.models import AgendaItem, AgendaSession, Delegation, Meeting, MeetingLocalTime
from bphub.meetings.services.common import meeting_touch

WORK_STARTS = time(9, 0)
WORK_ENDS = time(17, 30)
NIGHT_ENDS = time(7, 0)  # before 07:00 is night
NIGHT_STARTS = time(21, 0)  # after 21:00 is night
DEFAULT_WEEKEND = frozenset({6, 7})
# Fixed English abbreviations for the stored label ("Tue 02:30"): the record reads the same whatever
# the language or locale of the process that wrote it.
WEEKDAY_ABBREVIATIONS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


# --- Pure computation ---------------------------------------------------------------------


def parse_weekend(text: str | None) -> frozenset[int]:
    """ "6,7" -> {6, 7} (ISO weekdays); anything unreadable -> Saturday and Sunday."""
    days = set()
    for part in (text or "").split(","):
        part = part.strip()
        if part.isdigit() and 1 <= int(part) <= 7:
            days.add(int(part))
    return frozenset(days) if days else DEFAULT_WEEKEND


def zone_or_none(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class Invitee:
    """An invited member as the slot finder needs it; `burden` = inconvenient meetings so far."""

    member_id: int
    code: str
    name: str
    time_zone: str  # "" when unknown
    weekend: frozenset[int] = DEFAULT_WEEKEND
    burden: int = 0


@dataclass(frozen=True)
class LocalTime:
    """Where a meeting (each of its days) falls in one invited member's day."""

    invitee: Invitee
    local_start: datetime | None  # aware, in the member's zone; None when the zone is unknown
    local_end: datetime | None  # the end of the first day
    is_weekend: bool = False
    is_night: bool = False
    is_outside_hours: bool = False  # outside 09:00–17:30 (night included)
    weekend_days: tuple[int, ...] = ()  # the ISO weekdays of the meeting that fall on the weekend

    @property
    def is_known(self) -> bool:
        return self.local_start is not None

    @property
    def is_inconvenient(self) -> bool:
        return self.is_weekend or self.is_outside_hours

    @property
    def fit(self) -> str:
        """One word for styling and sorting: working, outside, night, weekend or unknown."""
        if not self.is_known:
            return "unknown"
        if self.is_night:
            return "night"
        if self.is_weekend:
            return "weekend"
        return "outside" if self.is_outside_hours else "working"

    @property
    def label(self) -> str:
        """The local start as stored in the burden record: "Tue 02:30"."""
        return local_label(self.local_start) if self.local_start else ""

    @property
    def day_shift(self) -> int:
        """-1, 0 or +1 (or more): the member's local date against the UTC date of the start."""
        if not self.local_start:
            return 0
        return (self.local_start.date() - self.local_start.astimezone(UTC).date()).days

    def describe(self) -> str:
        """The fit in words, e.g. "At night (before 07:00 or after 21:00), on the weekend"."""
        if not self.is_known:
            return _("Time zone unknown")
        parts = []
        if self.is_night:
            parts.append(_("At night (before 07:00 or after 21:00)"))
        elif self.is_outside_hours:
            parts.append(_("Outside working hours (09:00–17:30)"))
        if self.is_weekend:
            parts.append(_("on the weekend (%(days)s)") % {"days": weekday_names(self.weekend_days)})
        if not parts:
            return _("Inside working hours")
        text = ", ".join(parts)
        return text[0].upper() + text[1:]


def local_label(instant: datetime) -> str:
    return f"{WEEKDAY_ABBREVIATIONS[instant.isoweekday() - 1]} {instant:%H:%M}"


def weekday_names(days: Iterable[int]) -> str:
    from django.utils.dates import WEEKDAYS

    return ", ".join(str(WEEKDAYS[day - 1]) for day in sorted(set(days)))


def meeting_spans(starts_at: datetime, ends_at: datetime, host_zone: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The meeting's daily spans as UTC instants.

    A meeting of a day or less is one span. A longer one (09:00 on Monday to 17:00 on Wednesday)
    meets each day at the same host wall-clock time, so a DST change in the host zone between its
    days moves the later days' UTC instants.
    """
    duration = ends_at - starts_at
    if duration <= timedelta(days=1):
        return [(starts_at, ends_at)]
    whole_days, daily = duration.days, duration - timedelta(days=duration.days)
    if not daily:
        whole_days, daily = whole_days - 1, timedelta(days=1)
    local_start = starts_at.astimezone(host_zone)
    spans = []
    for day in range(whole_days + 1):
        wall = (local_start.replace(tzinfo=None) + timedelta(days=day)).replace(tzinfo=host_zone)
        start = wall.astimezone(UTC)
        spans.append((start, start + daily))
    return spans


def assess(spans: Sequence[tuple[datetime, datetime]], invitee: Invitee) -> LocalTime:
    """Where each span falls in the member's day: working hours, outside them, night, weekend."""
    member_zone = zone_or_none(invitee.time_zone)
    if member_zone is None or not spans:
        return LocalTime(invitee=invitee, local_start=None, local_end=None)
    night = outside = False
    weekend_days: set[int] = set()
    for start, end in spans:
        local_start, local_end = start.astimezone(member_zone), end.astimezone(member_zone)
        # Compare wall-clock times: "09:00 local" is what a person in that zone reads on the clock.
        wall_start, wall_end = local_start.replace(tzinfo=None), local_end.replace(tzinfo=None)
        day = wall_start.date()
        if wall_start.time() < NIGHT_ENDS or wall_start.time() >= NIGHT_STARTS:
            night = True
        if wall_end > datetime.combine(day, NIGHT_STARTS):
            night = True
        if wall_start.time() < WORK_STARTS or wall_end > datetime.combine(day, WORK_ENDS):
            outside = True
        last_moment = wall_end - timedelta(microseconds=1) if wall_end > wall_start else wall_end
        for touched in {day, last_moment.date()}:
            if touched.isoweekday() in invitee.weekend:
                weekend_days.add(touched.isoweekday())
    first_start, first_end = spans[0]
    return LocalTime(
        invitee=invitee,
        local_start=first_start.astimezone(member_zone),
        local_end=first_end.astimezone(member_zone),
        is_weekend=bool(weekend_days),
        is_night=night,
        is_outside_hours=outside or night,
        weekend_days=tuple(sorted(weekend_days)),
    )


@dataclass
class Candidate:
    """A candidate start with every invited member's local time, and its place in the ranking."""

    starts_at: datetime  # UTC
    ends_at: datetime
    local_times: list[LocalTime]
    rank: int = 0
    is_current: bool = False

    @property
    def inconvenienced(self) -> list[LocalTime]:
        return [local for local in self.local_times if local.is_inconvenient]

    @property
    def outside_count(self) -> int:
        return len(self.inconvenienced)

    @property
    def night_count(self) -> int:
        return sum(1 for local in self.local_times if local.is_night)

    @property
    def burden_sum(self) -> int:
        """How many inconvenient meetings those this start inconveniences carried before."""
        return sum(local.invitee.burden for local in self.inconvenienced)

    @property
    def sort_key(self) -> tuple:
        return (self.outside_count, self.burden_sum, self.night_count, self.starts_at)


def evaluate(
    starts: Iterable[datetime],
    *,
    duration: timedelta,
    host_zone: ZoneInfo,
    invitees: Sequence[Invitee],
    current_start: datetime | None = None,
) -> list[Candidate]:
    """Every candidate start assessed for every invitee, ranked (rank 1 = best).

    Ranking: fewest members outside working hours; then, so that the burden rotates, the smallest
    sum of the burden of those it inconveniences (members who carried inconvenient hours before
    are spared); then fewest at night; then the earlier start.
    """
    candidates = []
    seen = set()
    for start in starts:
        start = start.astimezone(UTC)
        if start in seen:
            continue
        seen.add(start)
        spans = meeting_spans(start, start + duration, host_zone)
        candidates.append(
            Candidate(
                starts_at=start,
                ends_at=start + duration,
                local_times=[assess(spans, invitee) for invitee in invitees],
                is_current=current_start is not None and start == current_start.astimezone(UTC),
            )
        )
    candidates.sort(key=lambda candidate: candidate.sort_key)
    for position, candidate in enumerate(candidates, start=1):
        candidate.rank = position
    return candidates


def automatic_starts(around: datetime, host_zone: ZoneInfo, *, days_either_side: int = 1) -> list[datetime]:
    """Every full hour of the host's clock from the day before the meeting's date to the day after.

    Hours that do not exist on the host's clock (skipped when DST starts) are left out; an hour
    that happens twice (when DST ends) is offered once, at its first occurrence.
    """
    local_day = around.astimezone(host_zone).date()
    first = local_day - timedelta(days=days_either_side)
    starts = []
    for day_offset in range(2 * days_either_side + 1):
        day = first + timedelta(days=day_offset)
        for hour in range(24):
            instant = local_instant(datetime.combine(day, time(hour)), host_zone)
            if instant is not None:
                starts.append(instant)
    return starts


def local_instant(wall: datetime, host_zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a wall-clock time in `host_zone`; None when the clock skips it (DST gap)."""
    aware = wall.replace(tzinfo=host_zone, fold=0)
    instant = aware.astimezone(UTC)
    if instant.astimezone(host_zone).replace(tzinfo=None) != wall:
        return None
    return instant


# --- Reading and writing the database -----------------------------------------------------


def invitees_of(meeting: Meeting, *, with_burden: bool = True) -> tuple[list[Invitee], str]:
    """The members invited to `meeting` and where that list comes from ("delegations" or "seats").

    The invited members are the meeting's delegations (declined ones left out); before any
    invitation is resolved, the members with a seat on the meeting's body today.
    """
    from bphub.members.models import BodyMembership, Member

    member_ids = list(
        Delegation.objects.filter(meeting=meeting)
        .exclude(status=Delegation.Status.DECLINED)
        .values_list("member_id", flat=True)
    )
    source = "delegations"
    if not member_ids and not Delegation.objects.filter(meeting=meeting).exists() and meeting.group_id:
        member_ids = list(
            BodyMembership.objects.on(timezone.localdate())
            .filter(body_id=meeting.group_id)
            .values_list("member_id", flat=True)
            .distinct()
        )
        source = "seats"
    members = Member.objects.filter(pk__in=member_ids).only("pk", "code", "name", "time_zone", "weekend")
    burdens = burden_counts(meeting, member_ids) if with_burden else {}
    invitees = [
        Invitee(
            member_id=member.pk,
            code=member.code,
            name=str(member),
            time_zone=member.time_zone,
            weekend=parse_weekend(member.weekend),
            burden=burdens.get(member.pk, 0),
        )
        for member in members
    ]
    invitees.sort(key=lambda invitee: invitee.code)
    return invitees, source


def burden_scope(meeting: Meeting) -> dict | None:
    """The meetings whose inconvenient hours count: the same series, else the same body."""
    if meeting.series_id:
        return {"meeting__series_id": meeting.series_id}
    if meeting.group_id:
        return {"meeting__group_id": meeting.group_id}
    return None


def burden_counts(meeting: Meeting, member_ids: Iterable[int]) -> dict[int, int]:
    """For each member: how many other meetings of the series (or body) put it outside working hours."""
    scope = burden_scope(meeting)
    if scope is None:
        return {}
    rows = (
        MeetingLocalTime.objects.filter(**scope, is_inconvenient=True, member_id__in=list(member_ids))
        .exclude(meeting_id=meeting.pk)
        .values("member_id")
        .annotate(total=Count("meeting_id", distinct=True))
    )
    return {row["member_id"]: row["total"] for row in rows}


def slot_finder_report(meeting: Meeting, starts: Iterable[datetime] | None = None) -> dict:
    """Everything the slot finder page shows for `meeting`: invitees and ranked candidates.

    `starts` are candidate UTC instants; None proposes every full hour of the host's clock over
    the meeting's date ± 1 day. With nobody invited there is nothing to compare: no candidate is
    ranked ("candidates" is empty and "current" is None).
    """
    host_zone = meeting.host_zone
    invitees, source = invitees_of(meeting)
    automatic = starts is None
    if not invitees:
        return {
            "invitees": [],
            "source": source,
            "candidates": [],
            "automatic": automatic,
            "unknown_zones": [],
            "current": None,
        }
    if automatic:
        starts = automatic_starts(meeting.starts_at, host_zone)
    candidates = evaluate(
        [*starts, meeting.starts_at],
        duration=meeting.ends_at - meeting.starts_at,
        host_zone=host_zone,
        invitees=invitees,
        current_start=meeting.starts_at,
    )
    return {
        "invitees": invitees,
        "source": source,
        "candidates": candidates,
        "automatic": automatic,
        "unknown_zones": [invitee for invitee in invitees if not zone_or_none(invitee.time_zone)],
        "current": next(candidate for candidate in candidates if candidate.is_current),
    }


def meeting_local_times_record(meeting: Meeting) -> None:
    """Record where the meeting's start falls in each invited member's day (see MeetingLocalTime).

    Writes or updates one row per invited member whose time zone is known (zone, local label such
    as "Tue 02:30", whether it is inconvenient), and removes the rows of members no longer invited:
    the record the slot finder's burden counts read. Idempotent; call it inside the caller's
    transaction (announcing, rescheduling).
    """
    invitees, _source = invitees_of(meeting, with_burden=False)
    spans = meeting_spans(meeting.starts_at, meeting.ends_at, meeting.host_zone)
    rows = []
    for invitee in invitees:
        local = assess(spans, invitee)
        if not local.is_known:
            continue
        rows.append(
            MeetingLocalTime(
                meeting_id=meeting.pk,
                member_id=invitee.member_id,
                time_zone=invitee.time_zone,
                local_start=meeting.starts_at,
                local_label=local.label,
                is_inconvenient=local.is_inconvenient,
            )
        )
    if rows:
        MeetingLocalTime.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["meeting", "member"],
            update_fields=["time_zone", "local_start", "local_label", "is_inconvenient"],
        )
    MeetingLocalTime.objects.filter(meeting_id=meeting.pk).exclude(
        member_id__in=[row.member_id for row in rows]
    ).delete()


MOVABLE_STATUSES = (Meeting.Status.DRAFT, Meeting.Status.ANNOUNCED, Meeting.Status.REGISTRATION_OPEN)


@transaction.atomic
def meeting_start_apply(*, meeting: Meeting, starts_at: datetime, actor, request=None) -> Meeting:
    """Move the meeting to start at `starts_at`, keeping its length; its agenda moves with it.

    Guarantees: the end moves by the same amount, agenda sessions and items keep their places
    in the day; an announced meeting's burden record is brought up to date; the change is audited
    and the meeting touched (pages and feeds show it at once).
    Raises PermissionDenied when `actor` may not manage the meeting, and ValidationError (naming
    the field) when the meeting has already been held or the new start breaks a rule (e.g.
    nominations would close after the start); nothing is changed then.
    """
    from bphub.meetings.permissions import can_manage_meeting

    if not can_manage_meeting(actor, meeting):
        raise PermissionDenied
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status not in MOVABLE_STATUSES:
        raise ValidationError(
            {
                "starts_at": _("A meeting that has been held cannot be moved (it is “%(status)s”).")
                % {"status": meeting.get_status_display()}
            }
        )
    if starts_at.tzinfo is None:
        raise ValidationError({"starts_at": _("The new start needs a time zone.")})
    before_start, before_end = meeting.starts_at, meeting.ends_at
    delta = starts_at.astimezone(UTC) - before_start
    if not delta:
        return meeting
    meeting.starts_at = before_start + delta
    meeting.ends_at = before_end + delta
    meeting.full_clean()
    meeting.save(update_fields=["starts_at", "ends_at", "updated_at"])
    AgendaSession.objects.filter(meeting_id=meeting.pk).update(
        starts_at=F("starts_at") + delta, ends_at=F("ends_at") + delta
    )
    AgendaItem.objects.filter(session__meeting_id=meeting.pk).update(
        starts_at=F("starts_at") + delta, ends_at=F("ends_at") + delta
    )
    if meeting.status != Meeting.Status.DRAFT:
        meeting_local_times_record(meeting)
    audit_record(
        verb="meeting.rescheduled",
        actor=actor,
        target=meeting,
        request=request,
        starts_at=[before_start.isoformat(), meeting.starts_at.isoformat()],
        ends_at=[before_end.isoformat(), meeting.ends_at.isoformat()],
    )
    meeting_touch(meeting.pk)
    return meeting


def parse_host_wall_time(wall: datetime, host_zone: ZoneInfo) -> datetime:
    """A wall-clock time typed in the host's zone as a UTC instant.

    Raises ValidationError when the host's clock skips that time (the hour DST starts).
    """
    instant = local_instant(wall.replace(tzinfo=None), host_zone)
    if instant is None:
        raise ValidationError(
            _("%(time)s does not exist in %(zone)s: the clocks go forward then.")
            % {"time": wall.strftime("%Y-%m-%d %H:%M"), "zone": host_zone.key}
        )
    return instant
