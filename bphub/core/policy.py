"""The one access policy: who may see and do what.

Every list, detail page, API route, search, export, feed and notification asks this module:
- `visible_to(queryset, user)` filters any queryset of a record the policy knows (below);
- `can_view(user, record)` / `can(user, action, record)` answer for one record;
- `may(user, capability)` answers role capabilities that are not about one record.

Rules by classification (RSO staff and admins read everything, as the secretariat):
- public: everyone, signed in or not;
- members: people who act for a member (coordinators, officials, working-group co-chairs);
- body: people who act for a member that holds a seat on the record's body today,
  and the record's originator;
- restricted: people who act for the originator or for a member the record is released to;
- secretariat: the RSO only.
Researchers and alumni read public records only (later modules name what else concerns them).

Records are composed, never copied. A model tells the policy, where the policy reads it:
- `policy_parent = "meeting"`: the (nullable) foreign key to the record it is a part of. A part is
  read only while its parent is readable, at the moment of reading, recursively: narrowing a
  meeting narrows its documents, outcomes, action items, agenda and delegations with it. A part
  that is not itself classified (an agenda session, a delegation) has only its parent's rule.
- `policy_condition(user, prefix) -> Q | None` (classmethod) and `policy_condition_met(user) -> bool`:
  a state rule ANDed to the classification (a draft meeting is its managers'); None: no condition.
- `policy_grant(user, prefix) -> Q | None` and `policy_grants_view(user) -> bool`: people with a part
  in the record who read it beyond its classification (a meeting's approved participants and its
  body-level documents). A grant widens only the record's own classification, never its condition
  or its parent's rule.
`prefix` is the field path from the queried model to the model whose rule is asked ("meeting__").
"""

from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bphub.accounts.models import MEMBER_ROLES, RSO_ROLES
from bphub.core.models import Classification, ClassifiedModel

# From widest to narrowest readership: a part of a record may be narrower than it, never wider.
CLASSIFICATION_ORDER = (
    Classification.PUBLIC,
    Classification.MEMBERS,
    Classification.BODY,
    Classification.RESTRICTED,
    Classification.SECRETARIAT,
)
CLASSIFICATION_RANK = {level: rank for rank, level in enumerate(CLASSIFICATION_ORDER)}


def classification_is_within(inner: str, outer: str) -> bool:
    """Is a record at `inner` no wider than its container at `outer`?"""
    return CLASSIFICATION_RANK[inner] >= CLASSIFICATION_RANK[outer]


def classifications_within(outer: str) -> list[str]:
    """The levels a part of a record at `outer` may take, widest first."""
    return [level for level in CLASSIFICATION_ORDER if classification_is_within(level, outer)]


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


# -- who the user is, as the policy sees it --------------------------------------------------------


def role_of(user) -> str | None:
    """The role the policy acts on: None for the anonymous and for deactivated accounts."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return user.role


def is_rso(user) -> bool:
    """RSO admins and staff: the secretariat, who read and run everything."""
    return role_of(user) in RSO_ROLES


def is_coordinator(user) -> bool:
    return role_of(user) == "member_coordinator" and user.member_id is not None


def is_co_chair(user) -> bool:
    return role_of(user) == "wg_co_chair"


def acts_for_members_people(user) -> bool:
    """Someone who acts for a member or for the RSO (not a researcher, an alumnus, the public)."""
    return role_of(user) in MEMBER_ROLES | RSO_ROLES


def member_people_q(member_ids=None) -> Q:
    """Accounts (a User filter) that act for a member, for one of `member_ids` when given: who a
    members-level notice or recipient list reaches. Activity is the caller's filter."""
    condition = Q(role__in=MEMBER_ROLES)
    return condition & Q(member_id__in=member_ids) if member_ids is not None else condition


def secretariat_people_q() -> Q:
    """Accounts (a User filter) of the RSO, who read everything."""
    return Q(role__in=RSO_ROLES)


def acting_member_id(user) -> int | None:
    """The member a user acts for, or None (RSO, researchers, alumni, the public)."""
    if role_of(user) in MEMBER_ROLES:
        return user.member_id
    return None


def coordinates(user, member_id: int | None) -> bool:
    """Is `user` a coordinator of the member `member_id`?"""
    return member_id is not None and is_coordinator(user) and user.member_id == member_id


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


def chaired_body_ids(user) -> frozenset[int]:
    """The bodies a working-group co-chair co-chairs (one query, cached on the user for the request)."""
    if not is_co_chair(user):
        return frozenset()
    cached = getattr(user, "_policy_chaired_body_ids", None)
    if cached is None:
        cached = frozenset(user.chaired_bodies.values_list("pk", flat=True))
        user._policy_chaired_body_ids = cached
    return cached


def runs_body(user, body_id: int | None) -> bool:
    """Does `user` run the work of the body `body_id`: the RSO, or one of the body's co-chairs?"""
    return is_rso(user) or (body_id is not None and body_id in chaired_body_ids(user))


def runs_body_q(user, field: str) -> Q | None:
    """`runs_body` for the rows whose `field` names the body: None (every row) for the RSO."""
    if is_rso(user):
        return None
    return Q(**{f"{field}__in": sorted(chaired_body_ids(user))})


def readership_key(user) -> str:
    """Two readers with the same key read the same records by classification (RSO / a member with
    its seats today / public). Conditions that depend on the person (a body they co-chair, a
    meeting they are an approved participant of) must be added to a cache key by the caller."""
    role = role_of(user)
    if role in RSO_ROLES:
        return "rso"
    if role in MEMBER_ROLES and user.member_id:
        return f"m{user.member_id}:" + ",".join(str(pk) for pk in sorted(seated_body_ids(user)))
    return "public"


def may(user, capability: str) -> bool:
    return role_of(user) in _CAPABILITIES[capability]


# -- reading: composed rules ---------------------------------------------------------------------


def _and(*conditions: Q | None) -> Q | None:
    """AND of the conditions, None standing for "no restriction"."""
    result = None
    for condition in conditions:
        if condition is not None:
            result = condition if result is None else result & condition
    return result


def _classification_rule(model, user, prefix: str) -> Q | None:
    """The rows of a ClassifiedModel (at `prefix`) `user` reads by classification; None: all."""
    role = role_of(user)
    if role in RSO_ROLES:
        return None
    level = f"{prefix}classification"
    public = Q(**{level: Classification.PUBLIC})
    if role not in MEMBER_ROLES or user.member_id is None:
        return public
    member_id = user.member_id
    released = model.released_to.through.objects.filter(
        **{f"{model._meta.model_name}_id": OuterRef(f"{prefix}pk"), "member_id": member_id}
    )
    return (
        Q(**{f"{level}__in": [Classification.PUBLIC, Classification.MEMBERS]})
        | Q(**{level: Classification.BODY, f"{prefix}body_id__in": sorted(seated_body_ids(user))})
        | Q(**{f"{level}__in": [Classification.BODY, Classification.RESTRICTED], f"{prefix}originator_id": member_id})
        | (Q(**{level: Classification.RESTRICTED}) & Exists(released))
    )


def readable_rule(model, user, prefix: str = "") -> Q | None:
    """The rows of `model` (reached from the queried model through `prefix`) that `user` may read:
    its own classification (widened by its grant), AND its condition, AND its parent's rule,
    recursively. None means every row."""
    own = None
    if issubclass(model, ClassifiedModel):
        own = _classification_rule(model, user, prefix)
        if own is not None and hasattr(model, "policy_grant") and role_of(user) is not None:
            grant = model.policy_grant(user, prefix)
            if grant is not None:
                own = own | grant
    condition = model.policy_condition(user, prefix) if hasattr(model, "policy_condition") else None
    parent = None
    parent_name = getattr(model, "policy_parent", None)
    if parent_name:
        field = model._meta.get_field(parent_name)
        parent = readable_rule(field.related_model, user, f"{prefix}{parent_name}__")
        if parent is not None and field.null:
            parent = Q(**{f"{prefix}{parent_name}__isnull": True}) | parent
    return _and(own, condition, parent)


_NO_RULE = object()


def _readable_rule_for_request(model, user) -> Q | None:
    """`readable_rule(model, user)`, kept on the user object for the request like the seats: a page
    asks for the same model's rule several times (the record, its neighbours, a list beside it).
    Keyed by what the rule reads of the user, so a user changed in between gets a fresh rule."""
    if user is None or not hasattr(user, "__dict__"):
        return readable_rule(model, user)
    memo = user.__dict__.setdefault("_policy_rules", {})
    key = (model._meta.label, role_of(user), getattr(user, "member_id", None), timezone.localdate())
    rule = memo.get(key, _NO_RULE)
    if rule is _NO_RULE:
        rule = memo[key] = readable_rule(model, user)
    return rule


def visible_to(queryset: QuerySet, user) -> QuerySet:
    """The records of `queryset` that `user` may read (see `readable_rule`)."""
    rule = _readable_rule_for_request(queryset.model, user)
    return queryset if rule is None else queryset.filter(rule)


def can_view(user, record) -> bool:
    """May `user` read `record` now: its own classification (or grant), its condition, its parent."""
    if isinstance(record, ClassifiedModel) and not _can_view_by_classification(user, record):
        if not (
            hasattr(record, "policy_grants_view") and role_of(user) is not None and record.policy_grants_view(user)
        ):
            return False
    if hasattr(record, "policy_condition_met") and not record.policy_condition_met(user):
        return False
    parent_name = getattr(record, "policy_parent", None)
    if parent_name:
        parent = getattr(record, parent_name)
        if parent is not None and not can_view(user, parent):
            return False
    return True


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
        return record.classification == Classification.BODY and record.body_id in chaired_body_ids(user)
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
