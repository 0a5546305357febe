"""The one access policy: who may see and do what.

Every list, detail page, API route, search, export, feed and notification asks this module:
- `visible_to(queryset, user)` filters any queryset of a `ClassifiedModel`;
- `can(user, action, record)` answers an action check on one record;
- `may(user, capability)` answers role capabilities that are not about one record.

Rules by classification (RSO staff and admins read everything, as the secretariat):
- public: everyone, signed in or not;
- members: people who act for a member (coordinators, officials, working-group co-chairs);
- body: people who act for a member that holds a seat on the record's body today,
  and the record's originator;
- restricted: people who act for the originator or for a member the record is released to;
- secretariat: the RSO only.
Researchers and alumni read public records only (later modules name what else concerns them).

A model may widen this for people with a part in a record, by declaring it here where the policy
reads it: a classmethod `policy_grant(user) -> Q | None` (for querysets) and a method
`policy_grants_view(user) -> bool` (for one record). Meetings use it so that the approved
participants of a meeting read its documents (`bphub.meetings.models.Document`).
"""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bphub.accounts.models import MEMBER_ROLES, RSO_ROLES
from bphub.core.models import Classification


class Action:
    VIEW = "view"
    CHANGE = "change"
    DELETE = "delete"
    CLASSIFY = "classify"
    EXPORT = "export"
    ALL = (VIEW, CHANGE, DELETE, CLASSIFY, EXPORT)


class Capability:
    """Role capabilities that are not about one record."""

    INVITE_USERS = "invite_users"
    MANAGE_ALL_USERS = "manage_all_users"
    VIEW_AUDIT_LOG = "view_audit_log"
    EDIT_REFERENCE_DATA = "edit_reference_data"
    CREATE_RECORDS = "create_records"
    END_ANY_SESSION = "end_any_session"


_CAPABILITIES = {
    Capability.INVITE_USERS: {"rso_admin", "rso_staff", "member_coordinator"},
    Capability.MANAGE_ALL_USERS: {"rso_admin"},
    Capability.VIEW_AUDIT_LOG: {"rso_admin"},
    Capability.EDIT_REFERENCE_DATA: {"rso_admin"},
    Capability.CREATE_RECORDS: {"rso_admin", "rso_staff", "member_coordinator", "wg_co_chair"},
    Capability.END_ANY_SESSION: {"rso_admin"},
}


def role_of(user) -> str | None:
    """The role the policy acts on: None for the anonymous and for deactivated accounts."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.role


def acting_member_id(user) -> int | None:
    """The member a user acts for, or None (RSO, researchers, alumni, the public)."""
    if role_of(user) in MEMBER_ROLES:
        return user.member_id
    return None


def current_seats(user, on: date | None = None) -> list:
    """The seats (with their bodies) that the user's member holds on `on` (today by default).

    Cached on the user object, i.e. for one request: the policy and the pages share one query.
    """
    member_id = acting_member_id(user)
    if member_id is None:
        return []
    day = on or timezone.localdate()
    cache_key = f"_policy_seats_{day.isoformat()}"
    cached = getattr(user, cache_key, None)
    if cached is None:
        from bphub.members.models import BodyMembership

        cached = list(
            BodyMembership.objects.on(day).filter(member_id=member_id).select_related("body").order_by("body__code")
        )
        setattr(user, cache_key, cached)
    return cached


def seated_body_ids(user, on: date | None = None) -> frozenset[int]:
    """Bodies on which the user's member holds a seat today."""
    return frozenset(seat.body_id for seat in current_seats(user, on))


def may(user, capability: str) -> bool:
    return role_of(user) in _CAPABILITIES[capability]


def visible_to(queryset: QuerySet, user) -> QuerySet:
    """The records of `queryset` (a ClassifiedModel queryset) that `user` may see."""
    role = role_of(user)
    if role in RSO_ROLES:
        return queryset
    grant = queryset.model.policy_grant(user) if hasattr(queryset.model, "policy_grant") else None
    if role not in MEMBER_ROLES or user.member_id is None:
        public = Q(classification=Classification.PUBLIC)
        return queryset.filter(public | grant if grant is not None else public)
    member_id = user.member_id
    released = queryset.model.released_to.through.objects.filter(
        **{f"{queryset.model._meta.model_name}_id": OuterRef("pk"), "member_id": member_id}
    )
    readable = (
        Q(classification__in=[Classification.PUBLIC, Classification.MEMBERS])
        | Q(classification=Classification.BODY, body_id__in=seated_body_ids(user))
        | Q(classification__in=[Classification.BODY, Classification.RESTRICTED], originator_id=member_id)
        | (Q(classification=Classification.RESTRICTED) & Exists(released))
    )
    return queryset.filter(readable | grant if grant is not None else readable)


def can_view(user, record) -> bool:
    if _can_view_by_classification(user, record):
        return True
    return hasattr(record, "policy_grants_view") and role_of(user) is not None and record.policy_grants_view(user)


def _can_view_by_classification(user, record) -> bool:
    level = record.classification
    if level == Classification.PUBLIC:
        return True
    role = role_of(user)
    if role in RSO_ROLES:
        return True
    member_id = acting_member_id(user)
    if member_id is None:
        return False
    if level == Classification.MEMBERS:
        return True
    if level == Classification.BODY:
        return record.originator_id == member_id or record.body_id in seated_body_ids(user)
    if level == Classification.RESTRICTED:
        return record.originator_id == member_id or record.released_to.filter(pk=member_id).exists()
    return False  # secretariat


def can(user, action: str, record) -> bool:
    """May `user` do `action` (an Action) to `record` (a ClassifiedModel)?"""
    if action not in Action.ALL:
        raise ValueError(f"Unknown action {action!r}")
    if not can_view(user, record):
        return False
    if action == Action.VIEW:
        return True
    role = role_of(user)
    if action == Action.EXPORT:
        return role is not None
    if role in RSO_ROLES:
        return action != Action.DELETE or role == "rso_admin"
    owns = record.originator_id is not None and record.originator_id == acting_member_id(user)
    if role == "member_coordinator":
        return owns
    if role == "wg_co_chair" and action == Action.CHANGE:
        return record.classification == Classification.BODY and user.chaired_bodies.filter(pk=record.body_id).exists()
    return False


def get_visible_or_404(queryset: QuerySet, user, **lookup):
    """One record the user may see; Http404 exactly as for a record that does not exist."""
    try:
        return visible_to(queryset, user).distinct().get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def get_for_action_or_404(queryset: QuerySet, user, action: str, **lookup):
    """The record if the user may do `action` to it; Http404 otherwise, so nothing leaks."""
    record = get_visible_or_404(queryset, user, **lookup)
    if not can(user, action, record):
        raise Http404
    return record
