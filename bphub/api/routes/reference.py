"""Reference data: public, the same for everyone."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Query, Router
from ninja.pagination import paginate

from bphub.api.auth import AUTH_OPTIONAL, OPTIONAL_SECURITY
from bphub.api.pagination import PageNumberPagination
from bphub.api.schemas import BodyOut, ErrorOut, MemberDetailOut, MemberOut, SeatOut, ThemeOut
from bphub.api.types import Day
from bphub.members.models import Body, Member
from bphub.members.selectors import body_list, member_list, member_with_seats, seats_on, theme_list

router = Router(tags=["reference data"], auth=AUTH_OPTIONAL)


@router.get("/members", response=list[MemberOut], url_name="member_list", openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def members(
    request,
    standing: Member.Standing | None = None,
    kind: Member.Kind | None = None,
    sub_region: str = Query("", description="Sub-region name, e.g. \"South-eastern Asia\"."),
    q: str = Query("", description="Member code, or part of the English name."),
):
    """Members of the Bali Process: states, economies, organisations and observers."""
    members = member_list(standing=standing or "", kind=kind or "", sub_region=sub_region)
    q = q.strip()
    if q:
        members = members.filter(Q(code__iexact=q) | Q(name__en__icontains=q))
    return members


@router.get("/members/{code}", response={200: MemberDetailOut, 404: ErrorOut}, url_name="member_detail",
            openapi_extra=OPTIONAL_SECURITY)
def member(request, code: str):
    """One member, with every seat it held or holds on a body."""
    try:
        return member_with_seats(code)
    except Member.DoesNotExist:
        raise Http404 from None


@router.get("/bodies", response=list[BodyOut], url_name="body_list", openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def bodies(request):
    """The bodies of the Bali Process: conferences, meetings, groups and working groups."""
    return body_list()


@router.get("/bodies/{code}", response={200: BodyOut, 404: ErrorOut}, url_name="body_detail",
            openapi_extra=OPTIONAL_SECURITY)
def body(request, code: str):
    return get_object_or_404(Body, code=code)


@router.get("/bodies/{code}/seats", response={200: list[SeatOut], 404: ErrorOut}, url_name="body_seats",
            openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def body_seats(request, code: str, on: Day | None = Query(None, description="YYYY-MM-DD; default today.")):
    """Who sat on the body on the date `on` (today by default), co-chairs first."""
    return seats_on(body=get_object_or_404(Body, code=code), day=on)


@router.get("/themes", response=list[ThemeOut], url_name="theme_list", openapi_extra=OPTIONAL_SECURITY)
@paginate(PageNumberPagination)
def themes(request):
    return theme_list()
