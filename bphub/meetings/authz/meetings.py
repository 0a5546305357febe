"""Authorization-matrix registrations: meeting pages, agenda editing, series, the Consultation Mechanism.

- The meeting page is about ONE classified meeting (ClassifiedRoute, view); the list and the series
  pages show exactly the meetings the policy lets the reader see (the series list names each
  series' latest readable meeting; a series page answers 404 when none of its meetings is readable).
- Meetings are managed by the RSO and by the co-chairs of the meeting's own body, not by the
  originating member's coordinators (the harness's "change"), so the management routes are
  RoleRoutes on a meeting of the cast's body created for the request: the RSO succeeds; everyone
  else - a working-group co-chair of no body included - gets 404 (anonymous: sign in).
- Convening a consultation is for the RSO and the Bali Process co-chairs (the cast has none).
"""

from bphub.core.authz import ClassifiedListRoute, ClassifiedRoute, RoleRoute, register

RSO = frozenset({"rso_admin", "rso_staff"})


def _meeting(ctx, **fields):
    from bphub.meetings.testing import make_meeting

    return make_meeting(title="Managed meeting", body=None, group=ctx["body"], **fields)


def _meeting_with_agenda(ctx):
    from bphub.meetings.testing import make_agenda

    meeting = _meeting(ctx)
    make_agenda(meeting, sessions=1, items_per_session=2)
    return meeting


def _session(ctx):
    return _meeting_with_agenda(ctx).sessions.first()


def _item(ctx):
    from bphub.meetings.models import AgendaItem

    meeting = _meeting_with_agenda(ctx)
    return AgendaItem.objects.filter(session__meeting=meeting).order_by("position").last()


def make_series_meeting(*, classification, originator, body, released_to, marker):
    """A meeting at `classification`, #1 of a series of its own."""
    from bphub.meetings.testing import make_classified_meeting, make_series

    meeting = make_classified_meeting(
        classification=classification, originator=originator, body=body, released_to=released_to, marker=marker
    )
    meeting.series = make_series(name=f"Series of {marker}")
    meeting.number = 1
    meeting.save(update_fields=["series", "number"])
    return meeting


def _make_meeting(**kwargs):
    from bphub.meetings.testing import make_classified_meeting

    return make_classified_meeting(**kwargs)


register(
    ClassifiedListRoute("meetings:meeting_list", _make_meeting, lambda: "/meetings/"),
    ClassifiedRoute("meetings:meeting_detail", _make_meeting, lambda meeting: f"/meetings/{meeting.pk}/"),
    ClassifiedListRoute("meetings:series_list", make_series_meeting, lambda: "/meetings/series/"),
    ClassifiedRoute(
        "meetings:series_detail", make_series_meeting, lambda meeting: f"/meetings/series/{meeting.series.code}/"
    ),
    RoleRoute("meetings:meeting_create", lambda ctx: "/meetings/new/", allowed=RSO),
    RoleRoute("meetings:consultation_convene", lambda ctx: "/meetings/consultations/convene/", allowed=RSO),
    RoleRoute("meetings:meeting_edit", lambda ctx: f"/meetings/{_meeting(ctx).pk}/edit/", allowed=RSO),
    RoleRoute(
        "meetings:meeting_transition",
        lambda ctx: f"/meetings/{_meeting(ctx, status='draft').pk}/status/announce/",
        allowed=RSO,
        method="POST",
        success_status=302,
    ),
    RoleRoute("meetings:agenda_edit", lambda ctx: f"/meetings/{_meeting_with_agenda(ctx).pk}/agenda/", allowed=RSO),
    RoleRoute("meetings:session_create", lambda ctx: f"/meetings/{_meeting(ctx).pk}/agenda/sessions/new/", allowed=RSO),
    RoleRoute(
        "meetings:session_edit",
        lambda ctx: (lambda s: f"/meetings/{s.meeting_id}/agenda/sessions/{s.pk}/edit/")(_session(ctx)),
        allowed=RSO,
    ),
    RoleRoute(
        "meetings:session_delete",
        lambda ctx: (lambda s: f"/meetings/{s.meeting_id}/agenda/sessions/{s.pk}/delete/")(_session(ctx)),
        allowed=RSO,
        method="POST",
        success_status=302,
    ),
    RoleRoute(
        "meetings:item_create",
        lambda ctx: (lambda s: f"/meetings/{s.meeting_id}/agenda/sessions/{s.pk}/items/new/")(_session(ctx)),
        allowed=RSO,
    ),
    RoleRoute(
        "meetings:item_edit",
        lambda ctx: (lambda i: f"/meetings/{i.session.meeting_id}/agenda/items/{i.pk}/edit/")(_item(ctx)),
        allowed=RSO,
    ),
    RoleRoute(
        "meetings:item_delete",
        lambda ctx: (lambda i: f"/meetings/{i.session.meeting_id}/agenda/items/{i.pk}/delete/")(_item(ctx)),
        allowed=RSO,
        method="POST",
        success_status=302,
    ),
    RoleRoute(
        "meetings:item_move",
        lambda ctx: (lambda i: f"/meetings/{i.session.meeting_id}/agenda/items/{i.pk}/move/")(_item(ctx)),
        allowed=RSO,
        method="POST",
        data={"direction": "up"},
        success_status=302,
    ),
)
