from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from bphub.members.models import Body, BodyMembership, Member, Theme


def member_list(*, standing: str = "", kind: str = "", sub_region: str = ""):
    members = Member.objects.select_related("sub_region")
    if standing:
        members = members.filter(standing=standing)
    if kind:
        members = members.filter(kind=kind)
    if sub_region:
        members = members.filter(sub_region__name=sub_region)
    return members.order_by("standing", "kind", "name__en")


def body_list():
    return Body.objects.order_by("kind", "code")


def seats_on(*, body: Body, day: date | None = None):
    """Who sat on `body` on `day` (today by default), co-chairs first."""
    day = day or timezone.localdate()
    return BodyMembership.objects.on(day).filter(body=body).select_related("member").order_by("-role", "member__code")


def seat_history(*, body: Body):
    return BodyMembership.objects.filter(body=body).select_related("member").order_by("valid_from", "member__code")


def theme_list():
    return Theme.objects.all()


def member_with_seats(code: str):
    return (
        Member.objects.select_related("sub_region")
        .prefetch_related(
            Prefetch(
                "seats", queryset=BodyMembership.objects.select_related("body").order_by("body__code", "valid_from")
            )
        )
        .get(code=code)
    )
