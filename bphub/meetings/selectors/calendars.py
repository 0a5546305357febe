"""Reads for the calendars: the month and list views, and the iCalendar feeds.

Every read goes through the one policy (`policy.visible_to`). Draft meetings appear only to those
who may manage them (the RSO, a working group's co-chairs for the group's meetings), and never in
a feed: a feed is copied into other people's calendars, so it carries announced meetings only.
"""

from calendar import Calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from bphub.core import policy
from bphub.core.models import Classification
from bphub.meetings.models import Delegate, Delegation, Meeting
from bphub.meetings.permissions import meetings_visible_to

# A feed carries the last five years and everything ahead (a calendar client keeps the rest).
FEED_PAST_DAYS = 5 * 366

LIST_COLUMNS = (
    "id",
    "title",
    "kind",
    "status",
    "classification",
    "starts_at",
    "ends_at",
    "time_zone",
    "venue",
    "online_url",
    "is_emergency",
    "group__code",
    "group__name",
)


def meetings_for_calendar(user, *, mine: bool = False) -> QuerySet:
    """The meetings `user` may see on a calendar page: visible through the policy, drafts only
    for those who may manage them; with `mine`, only those that concern the user (see `mine_filter`)."""
    queryset = meetings_visible_to(user)
    if mine:
        queryset = queryset.filter(mine_filter(user))
    return queryset


def mine_filter(user) -> Q:
    """The meetings that concern the user: their member's delegations, the bodies where their
    member sits today, and those they are a delegate of. The RSO runs every meeting: all."""
    if policy.is_rso(user):
        return Q()
    concerns = Q(Exists(Delegate.objects.filter(delegation__meeting_id=OuterRef("pk"), focal_point__user_id=user.pk)))
    member_id = policy.acting_member_id(user)
    if member_id:
        concerns |= Q(Exists(Delegation.objects.filter(meeting_id=OuterRef("pk"), member_id=member_id)))
        concerns |= Q(group_id__in=policy.seated_body_ids(user))
    return concerns


def meetings_between(queryset: QuerySet, start: datetime, end: datetime) -> QuerySet:
    """Meetings that overlap [start, end), with only the columns a calendar shows."""
    return (
        queryset.filter(starts_at__lt=end, ends_at__gte=start)
        .select_related("group")
        .only(*LIST_COLUMNS)
        .order_by("starts_at", "id")
    )


@dataclass
class CalendarEntry:
    meeting: Meeting
    continues: bool  # the meeting started on an earlier day


@dataclass
class CalendarDay:
    day: date
    in_month: bool
    is_today: bool
    meetings: list[CalendarEntry] = field(default_factory=list)


@dataclass
class MonthGrid:
    first: date  # the first of the month
    weeks: list[list[CalendarDay]]
    zone: ZoneInfo

    @property
    def previous(self) -> date:
        return (self.first - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return (self.first + timedelta(days=32)).replace(day=1)

    @property
    def days_with_meetings(self) -> list[CalendarDay]:
        return [day for week in self.weeks for day in week if day.in_month and day.meetings]


def month_grid(user, first: date, zone: ZoneInfo, *, mine: bool = False) -> MonthGrid:
    """The month of `first` in the reader's zone, weeks from Monday; a meeting shows on every day
    it spans in that zone (a meeting at 23:30 UTC is on the next day for a reader in Jakarta)."""
    weeks_of_dates = Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    grid_start, grid_end = weeks_of_dates[0][0], weeks_of_dates[-1][-1] + timedelta(days=1)
    today = timezone.localdate(timezone=zone)
    days = {
        day: CalendarDay(day=day, in_month=day.month == first.month, is_today=day == today)
        for week in weeks_of_dates
        for day in week
    }
    start = datetime.combine(grid_start, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(grid_end, datetime.min.time(), tzinfo=zone)
    for meeting in meetings_between(meetings_for_calendar(user, mine=mine), start, end):
        for position, day in enumerate(local_days(meeting.starts_at, meeting.ends_at, zone)):
            if day in days:
                days[day].meetings.append(CalendarEntry(meeting=meeting, continues=position > 0))
    weeks = [[days[day] for day in week] for week in weeks_of_dates]
    return MonthGrid(first=first, weeks=weeks, zone=zone)


def local_days(starts_at: datetime, ends_at: datetime, zone: ZoneInfo) -> list[date]:
    """The dates, in `zone`, that a meeting touches (an end at midnight does not touch the next day)."""
    first = starts_at.astimezone(zone).date()
    last_moment = ends_at - timedelta(microseconds=1) if ends_at > starts_at else ends_at
    last = last_moment.astimezone(zone).date()
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def upcoming(user, start: datetime, end: datetime, *, mine: bool = False) -> QuerySet:
    """The list view: meetings overlapping [start, end) that the reader may see."""
    return meetings_between(meetings_for_calendar(user, mine=mine), start, end)


# --- Feeds ----------------------------------------------------------------------------------

FEED_COLUMNS = (
    "id",
    "title",
    "description",
    "kind",
    "status",
    "classification",
    "starts_at",
    "ends_at",
    "time_zone",
    "venue",
    "online_url",
    "created_at",
    "updated_at",
    "group__code",
)


def feed_window_start() -> datetime:
    now = timezone.now()
    # Whole days, so that the window (and with it the cache key) changes once a day, not every request.
    return datetime.combine(now.date() - timedelta(days=FEED_PAST_DAYS), datetime.min.time(), tzinfo=now.tzinfo)


def public_feed_meetings() -> QuerySet:
    """Public, announced meetings: never a draft, never an emergency consultation."""
    return Meeting.objects.filter(
        classification=Classification.PUBLIC, is_emergency=False, ends_at__gte=feed_window_start()
    ).exclude(status=Meeting.Status.DRAFT)


def personal_feed_meetings(user) -> QuerySet:
    """What `user` may see now through the policy, drafts left out (even their managers')."""
    return meetings_visible_to(user).filter(ends_at__gte=feed_window_start()).exclude(status=Meeting.Status.DRAFT)


def group_feed_meetings(body, user=None) -> QuerySet:
    """A body's meetings: the public ones, or (with a personal token's user) those the user may see."""
    queryset = personal_feed_meetings(user) if user is not None else public_feed_meetings()
    return queryset.filter(group_id=body.pk)


def feed_fingerprint(queryset: QuerySet) -> tuple[datetime | None, int]:
    """The newest change and the number of meetings in the feed: one cheap aggregate query."""
    result = queryset.order_by().aggregate(newest=Max("updated_at"), count=Count("id"))
    return result["newest"], result["count"]


def feed_rows(queryset: QuerySet) -> list[dict]:
    """The feed's meetings as plain rows, in one query with only the columns a feed needs."""
    return list(queryset.order_by("starts_at", "id").values(*FEED_COLUMNS))
