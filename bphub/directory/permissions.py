"""Access helpers for the directory, on top of the one policy (`bphub.core.policy`).

- Reading an agency or focal point is `policy.visible_to` / `can_view` (originator = its member).
- Contact details (emails, phones) are for people who act for a member or the RSO only, whatever
  the record's classification: the public, researchers and alumni never see them.
- Managing a member's directory (edit, import, review proposals, merge) is for the RSO and that
  member's coordinators (`policy.can(user, CHANGE, record)` for one record).
"""

from django.http import Http404

from bphub.accounts.models import MEMBER_ROLES, RSO_ROLES
from bphub.core import policy
from bphub.core.models import Classification
from bphub.core.policy import Action, role_of
from bphub.directory.models import Agency, EngagementList, FocalPoint


def can_see_contacts(user, focal_point: FocalPoint | None = None) -> bool:
    """May `user` read emails and phones (of `focal_point`, which they must be able to see)?"""
    role = role_of(user)
    if role not in RSO_ROLES and not (role in MEMBER_ROLES and user.member_id):
        return False
    return focal_point is None or policy.can_view(user, focal_point)


def can_manage_member(user, member) -> bool:
    """May `user` edit, import and review the directory of `member`?"""
    role = role_of(user)
    if role in RSO_ROLES:
        return True
    return role == "member_coordinator" and member is not None and user.member_id == member.pk


def can_add_records(user) -> bool:
    """May `user` add agencies and focal points to some member's directory (RSO, coordinators)?"""
    return managed_member_ids(user) != set()


def managed_member_ids(user) -> set[int] | None:
    """Members whose directory `user` manages: None means all (RSO), else a set (maybe empty)."""
    role = role_of(user)
    if role in RSO_ROLES:
        return None
    if role == "member_coordinator" and user.member_id:
        return {user.member_id}
    return set()


def focal_points_visible_to(user):
    return policy.visible_to(FocalPoint.objects.all(), user)


def agencies_visible_to(user):
    return policy.visible_to(Agency.objects.all(), user)


def agencies_to_choose(user, member, *, active_only: bool = False, exclude=None):
    """The agencies of `member` that a form may offer `user` (a person's agency, a parent): those
    the policy lets `user` see. A submitted id outside it is refused as an unknown choice."""
    agencies = Agency.objects.filter(member=member)
    if active_only:
        agencies = agencies.filter(is_active=True)
    if exclude is not None:
        agencies = agencies.exclude(pk=exclude.pk)
    return policy.visible_to(agencies, user).order_by("acronym", "id")


HIDDEN_AGENCIES_ATTR = "_directory_hidden_agency_ids"


def hidden_agency_ids(user) -> frozenset[int]:
    """Ids of the agencies (merged ones included) that `user` may NOT see; empty for the RSO.

    A person `user` may see can work in an agency `user` may not (a restricted or secretariat
    unit): every page, export, API answer, diff and filter that names a person's agency asks
    this first. Only non-public agencies can be hidden, so only those are read. Cached on the
    user object, i.e. for one request (like `policy.current_seats`).
    """
    if role_of(user) in RSO_ROLES:
        return frozenset()
    cached = getattr(user, HIDDEN_AGENCIES_ATTR, None) if user is not None else None
    if cached is None:
        guarded = Agency.all_objects.exclude(classification=Classification.PUBLIC)
        visible = policy.visible_to(guarded, user).values("pk")
        cached = frozenset(guarded.exclude(pk__in=visible).values_list("pk", flat=True))
        if user is not None:
            setattr(user, HIDDEN_AGENCIES_ATTR, cached)
    return cached


def shown_agency(user, person) -> Agency | None:
    """The agency of `person` (a focal point `user` may see) as `user` may see it: None when
    the person has none or `user` may not see it (then nothing of it is shown, not even its id)."""
    if person is None or not person.agency_id or person.agency_id in hidden_agency_ids(user):
        return None
    return person.agency


def visible_only(records, user) -> list:
    """The records of `records` (a list of agencies or focal points, in their order) that
    `user` may see through the policy; for lists the policy did not build (duplicate suggestions)."""
    records = list(records)
    if not records:
        return []
    model = type(records[0])
    ids = [record.pk for record in records]
    allowed = set(policy.visible_to(model._base_manager.filter(pk__in=ids), user).values_list("pk", flat=True))
    return [record for record in records if record.pk in allowed]


def get_focal_point_for_view(user, pk) -> FocalPoint:
    """The (not merged) focal point if `user` may see it; Http404 otherwise, as if missing."""
    return policy.get_visible_or_404(FocalPoint.objects.select_related("member", "agency"), user, pk=pk)


def get_focal_point_for_change(user, pk) -> FocalPoint:
    """The focal point if `user` may change it (RSO, or its member's coordinator); Http404 otherwise."""
    record = get_focal_point_for_view(user, pk)
    if not policy.can(user, Action.CHANGE, record) or not can_manage_member(user, record.member):
        raise Http404
    return record


def get_agency_for_view(user, pk) -> Agency:
    return policy.get_visible_or_404(Agency.objects.select_related("member", "parent"), user, pk=pk)


def get_agency_for_change(user, pk) -> Agency:
    record = get_agency_for_view(user, pk)
    if not policy.can(user, Action.CHANGE, record) or not can_manage_member(user, record.member):
        raise Http404
    return record


def engagement_lists_visible_to(user):
    return policy.visible_to(EngagementList.objects.select_related("owner"), user)


def get_engagement_list_for_view(user, pk) -> EngagementList:
    return policy.get_visible_or_404(EngagementList.objects.all(), user, pk=pk)


# -- engagement lists ----------------------------------------------------------------------------

# What a list made by each kind of author may be classified as; the first is the default.
RSO_CLASSIFICATIONS = (Classification.SECRETARIAT, Classification.MEMBERS, Classification.PUBLIC)
COORDINATOR_CLASSIFICATIONS = (Classification.RESTRICTED, Classification.MEMBERS)


def can_create_engagement_list(user) -> bool:
    """May `user` save a directory search as an engagement list (the RSO and coordinators only)?"""
    return policy.is_rso(user) or policy.is_coordinator(user)


def classification_choices_for(user) -> list[tuple[str, str]]:
    """The classifications `user` may give a list, the default first (empty if they may not create one)."""
    if policy.is_rso(user):
        allowed = RSO_CLASSIFICATIONS
    elif can_create_engagement_list(user):
        allowed = COORDINATOR_CLASSIFICATIONS
    else:
        return []
    return [(value, Classification(value).label) for value in allowed]


def can_change_engagement_list(user, engagement_list: EngagementList) -> bool:
    if not policy.can_view(user, engagement_list):
        return False
    if engagement_list.owner_id is not None and engagement_list.owner_id == getattr(user, "pk", None):
        return True
    if policy.is_rso(user):
        return True
    if policy.role_of(user) != "member_coordinator":
        return False
    return policy.can(user, Action.CHANGE, engagement_list)


def get_engagement_list_for_change(user, pk) -> EngagementList:
    """The list if `user` may change or delete it; Http404 otherwise (as if it did not exist)."""
    engagement_list = get_engagement_list_for_view(user, pk)
    if not can_change_engagement_list(user, engagement_list):
        raise Http404
    return engagement_list
