"""Calendars: the month and list views (in the reader's zone), the feeds page, and the iCalendar
feeds (public, personal by secret token, per working group)."""

import re
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from bphub.meetings.calendars import build_feed, cached_feed, feed_cache_key, feed_language
from bphub.meetings.selectors.calendars import (
    feed_fingerprint,
    feed_rows,
    group_feed_meetings,
    month_grid,
    personal_feed_meetings,
    public_feed_meetings,
    upcoming,
)
from bphub.meetings.services.calendars import (
    calendar_feed_token_create,
    calendar_feed_token_of,
    calendar_feed_token_resolve,
    calendar_feed_token_revoke,
)
from bphub.meetings.services.common import readership_key
from bphub.members.models import Body

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
LIST_PAGE_SIZE = 25
LIST_DEFAULT_DAYS = 365
LIST_MAX_DAYS = 10 * 366
FEED_MAX_AGE = 300  # seconds a calendar client or proxy may reuse a feed without asking again


def _mine(request) -> bool:
    return request.user.is_authenticated and request.GET.get("mine") == "1"


def calendar_month(request):
    """The month grid in the reader's zone (?month=YYYY-MM, ?mine=1)."""
    zone = timezone.get_current_timezone()
    first = timezone.localdate().replace(day=1)
    error = ""
    text = request.GET.get("month", "").strip()
    if text:
        match = MONTH.match(text)
        try:
            if not match:
                raise ValueError
            first = date(int(match[1]), int(match[2]), 1)
        except ValueError:
            error = _("Month: “%(value)s” is not a month. Write it as YYYY-MM, e.g. 2026-12.") % {"value": text}
    mine = _mine(request)
    grid = month_grid(request.user, first, zone, mine=mine)
    return render(
        request,
        "meetings/calendar/month.html",
        {
            "grid": grid,
            "mine": mine,
            "error": error,
            "zone_name": zone.key,
            "area_key": "meetings",
        },
        status=400 if error else 200,
    )


def _parse_day(text: str, field: str, errors: list) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(_("%(field)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"field": field, "value": text})
        return None


def calendar_list(request):
    """Upcoming meetings, day by day in the reader's zone (?from=, ?to= as YYYY-MM-DD, ?mine=1)."""
    zone = timezone.get_current_timezone()
    errors: list[str] = []
    today = timezone.localdate()
    first = _parse_day(request.GET.get("from"), _("From"), errors) or today
    last = _parse_day(request.GET.get("to"), _("To"), errors) or first + timedelta(days=LIST_DEFAULT_DAYS)
    if last < first:
        errors.append(_("To: the last day is before the first."))
        last = first + timedelta(days=LIST_DEFAULT_DAYS)
    if (last - first).days > LIST_MAX_DAYS:
        errors.append(_("To: show at most ten years at a time."))
        last = first + timedelta(days=LIST_MAX_DAYS)
    mine = _mine(request)
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    page = Paginator(upcoming(request.user, start, end, mine=mine), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    days: list[tuple[date, list]] = []
    for meeting in page.object_list:
        day = timezone.localtime(meeting.starts_at, zone).date()
        if days and days[-1][0] == day:
            days[-1][1].append(meeting)
        else:
            days.append((day, [meeting]))
    return render(
        request,
        "meetings/calendar/list.html",
        {
            "page": page,
            "days": days,
            "first": first,
            "last": last,
            "mine": mine,
            "errors": errors,
            "zone_name": zone.key,
            "area_key": "meetings",
        },
        status=400 if errors else 200,
    )


def _feeds_context(request, raw_token: str = "") -> dict:
    token = calendar_feed_token_of(request.user)
    personal_url = (
        request.build_absolute_uri(reverse("calendar:personal_feed", kwargs={"token": raw_token})) if raw_token else ""
    )
    groups = Body.objects.filter(kind=Body.Kind.WORKING_GROUP).only("code", "name").order_by("code")
    return {
        "token": token,
        "raw_token": raw_token,
        "personal_url": personal_url,
        "public_url": request.build_absolute_uri(reverse("calendar:public_feed")),
        "groups": [
            (group, request.build_absolute_uri(reverse("calendar:group_feed", kwargs={"code": group.code})))
            for group in groups
        ],
        "area_key": "meetings",
    }


@login_required
def feeds(request):
    """The feeds page: the public and group addresses, and the person's own secret address."""
    return render(request, "meetings/calendar/feeds.html", _feeds_context(request))


@require_POST
@login_required
def feed_token_create(request):
    """Make (or remake) the person's secret feed address; it is shown on this response only."""
    _record, raw = calendar_feed_token_create(actor=request.user, request=request)
    return render(request, "meetings/calendar/feeds.html", _feeds_context(request, raw_token=raw))


@require_POST
@login_required
def feed_token_revoke(request):
    if calendar_feed_token_revoke(actor=request.user, request=request):
        messages.success(request, _("Your personal feed address no longer works."))
    else:
        messages.info(request, _("You had no personal feed address."))
    return redirect("calendar:feeds")


# --- Feeds --------------------------------------------------------------------------------


def _serve_feed(request, *, feed: str, queryset, readership: str, name: str, filename: str, private: bool):
    """Serve a feed with ETag and Last-Modified: one aggregate query decides whether anything
    changed (304, or the cached body, or a rebuilt one)."""
    language = feed_language()
    newest, count = feed_fingerprint(queryset)
    host = request.get_host()
    key = feed_cache_key(feed, readership, language, request.scheme, host, newest.isoformat() if newest else "", count)
    etag = f'"{key[-40:]}"'
    modified = newest.astimezone(UTC) if newest else datetime(2020, 1, 1, tzinfo=UTC)
    modified_ts = int(modified.timestamp())
    response = get_conditional_response(request, etag=etag, last_modified=modified_ts)
    if response is None:
        base_url = f"{request.scheme}://{host}"
        body = cached_feed(
            key,
            lambda: build_feed(feed_rows(queryset), name=name, base_url=base_url, host=host, language=language),
        )
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified_ts)
    response["Cache-Control"] = f"{'private' if private else 'public'}, max-age={FEED_MAX_AGE}"
    if private:
        response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def public_feed(request):
    """Public, announced meetings only: never a draft, an emergency consultation or anything narrower."""
    return _serve_feed(
        request,
        feed="public",
        queryset=public_feed_meetings(),
        readership="public",
        name=_("Bali Process: public meetings"),
        filename="bali-process-public.ics",
        private=False,
    )


@require_GET
def personal_feed(request, token):
    """What the token's owner may see now, checked on every fetch; 404 once revoked."""
    record = calendar_feed_token_resolve(token)
    if record is None:
        raise Http404
    user = record.user
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return _serve_feed(
            request,
            feed="personal",
            queryset=personal_feed_meetings(user),
            readership=readership_key(user),
            name=_("Bali Process: my meetings"),
            filename="bali-process-mine.ics",
            private=True,
        )


@require_GET
def group_feed(request, code):
    """A body's public meetings; with ?token=<personal token>, its meetings that person may see."""
    body = Body.objects.filter(code=code).only("pk", "code", "name").first()
    if body is None:
        raise Http404
    user = None
    raw = request.GET.get("token", "")
    if raw:
        record = calendar_feed_token_resolve(raw)
        if record is None:
            raise Http404
        user = record.user
    name = _("Bali Process: %(body)s") % {"body": body}
    return _serve_feed(
        request,
        feed=f"group:{body.pk}",
        queryset=group_feed_meetings(body, user),
        readership=readership_key(user) if user is not None else "public",
        name=name,
        filename=f"bali-process-{body.code.lower()}.ics",
        private=user is not None,
    )
