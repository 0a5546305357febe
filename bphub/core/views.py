from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bphub.core import policy
from bphub.core.audit import audit_event_list


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the task queue answer, 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - report, don't crash, the health check
        checks["database"] = f"error: {type(error).__name__}"
    try:
        from django.tasks import task_backends
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.filter(status="READY").exists()
        checks["task_queue"] = "ok"
        checks["task_backend"] = type(task_backends["default"]).__name__
    except Exception as error:  # noqa: BLE001
        checks["task_queue"] = f"error: {type(error).__name__}"
    if checks["database"] == "ok":
        from datetime import timedelta

        from django.conf import settings
        from django.utils import timezone

        from bphub.core.models import WorkerHeartbeat

        # Informative only: a queue without a live worker still accepts work (it waits, it is not lost).
        recent = timezone.now() - timedelta(seconds=settings.TASK_WORKER_STALE_AFTER_SECONDS)
        checks["workers_alive"] = WorkerHeartbeat.objects.filter(last_seen_at__gte=recent).count()
    healthy = checks["database"] == "ok" and checks["task_queue"] == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


def home(request):
    """What needs the reader now (`bphub.core.home.needs_for`, or what they can do first when
    nothing does), then the panels the modules registered: upcoming meetings, news."""
    from bphub.core.home import first_steps_for, needs_for, panels_for

    needs = needs_for(request.user)
    context = {
        "needs": needs,
        "first_steps": [] if needs else first_steps_for(request.user),
        # The seats come from the policy's per-request cache, shared with the panels' filters.
        "seats": policy.current_seats(request.user),
        "top_panels": panels_for(request, "top"),
        "bottom_panels": panels_for(request, "bottom"),
    }
    return render(request, "core/home.html", context)


AREA_TEXT = {
    "research": (_("Research"), _("The registry of country and sub-regional studies will appear here.")),
    "secondments": (_("Secondments & alumni"), _("Secondment placements and the alumni network will appear here.")),
    "trends": (_("Trends"), _("Shared analysis of emerging trends in irregular migration will appear here.")),
}


def area(request, key: str):
    """Areas of the brief that are not built yet say so plainly."""
    title, text = AREA_TEXT[key]
    return render(request, "core/area_empty.html", {"area_key": key, "area_title": title, "area_text": text})


def _day_or_none(text: str | None):
    """A YYYY-MM-DD filter value, or None for an empty or impossible date (the filter is then off)."""
    try:
        return parse_date(text or "")
    except ValueError:
        return None


@login_required
def audit_log(request):
    if not policy.may(request.user, policy.Capability.VIEW_AUDIT_LOG):
        raise Http404
    filters = {
        "verb": request.GET.get("verb", "").strip(),
        "actor_email": request.GET.get("actor", "").strip(),
        "target_type": request.GET.get("target_type", "").strip(),
        "since": _day_or_none(request.GET.get("since")),
        "until": _day_or_none(request.GET.get("until")),
    }
    events = audit_event_list(**filters)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "core/audit_log.html", {"page": page, "filters": request.GET, "area_key": "audit"})
