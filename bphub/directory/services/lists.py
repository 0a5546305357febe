"""Engagement lists: saved directory filters that stay current as the directory changes.

An engagement list stores `DirectoryFilter` parameters, never people: its audience is resolved
live each time (`engagement_list_audience`), through the reader's policy, and leaves out
delinquent records (kept in the directory, but no longer engaged). Later modules (meeting
invitations, announcements) call `engagement_list_audience` and nothing else.

Who may do what:
- read a list: whoever the policy lets see it (it is a ClassifiedModel);
- create: the RSO (originator None, default SECRETARIAT) and member coordinators (originator their
  member, default RESTRICTED);
- change or delete: its owner while they may still see it, and whoever the policy lets change it
  among the RSO and the originating member's coordinators.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.core.i18n import localize
from bphub.directory.models import AgencyKind, EngagementList, FocalPoint, Freshness, RoleKind
from bphub.directory.permissions import (  # noqa: F401 - who may do what with lists, re-exported for callers
    can_change_engagement_list,
    can_create_engagement_list,
    classification_choices_for,
    get_engagement_list_for_change,
    get_engagement_list_for_view,
)
from bphub.directory.selectors import DirectoryFilter, focal_point_search


def criteria_of(engagement_list: EngagementList) -> DirectoryFilter:
    """The stored criteria as a filter (unknown or stale keys ignored), always engageable."""
    flt = DirectoryFilter.from_params(engagement_list.criteria or {})
    flt.engageable = True
    return flt


def stored_criteria(flt: DirectoryFilter) -> dict:
    """What a list stores: the filter's parameters; `engageable` is implied, never stored."""
    params = flt.as_params()
    params.pop("engageable", None)
    return params


def criteria_in_words(flt: DirectoryFilter, user=None) -> list[str]:
    """The filter as short sentences `user` can check ("Member: Indonesia (ID)").

    An agency is named only when `user` may see it (without a user: only a public one);
    otherwise the sentence gives the id that was asked for, nothing more.
    """
    from bphub.members.models import Body, Member, SubRegion, Theme

    words = []
    if flt.q:
        words.append(_("Name contains “%(q)s”") % {"q": flt.q})
    if flt.member:
        member = Member.objects.filter(code=flt.member.upper()).first()
        words.append(_("Member: %(m)s") % {"m": f"{member} ({member.code})" if member else flt.member})
    if flt.sub_region:
        region = SubRegion.objects.filter(pk=flt.sub_region).first() if flt.sub_region.isdigit() else None
        words.append(_("Sub-region: %(r)s") % {"r": region or flt.sub_region})
    if flt.role and flt.role in RoleKind.values:
        words.append(_("Role: %(r)s") % {"r": RoleKind(flt.role).label})
    if flt.body:
        body = Body.objects.filter(code=flt.body.upper()).first()
        words.append(_("Working group: %(b)s") % {"b": f"{body} ({body.code})" if body else flt.body})
    if flt.theme:
        theme = Theme.objects.filter(code=flt.theme).first()
        words.append(
            _("Works on: %(t)s (thematic role, or an agency mandated for it)")
            % {"t": localize(theme.name).text if theme else flt.theme}
        )
    if flt.agency_kind and flt.agency_kind in AgencyKind.values:
        words.append(_("Agency kind: %(k)s") % {"k": AgencyKind(flt.agency_kind).label})
    if flt.agency:
        from bphub.directory.permissions import agencies_visible_to

        agency = agencies_visible_to(user).filter(pk=flt.agency).first() if flt.agency.isdigit() else None
        words.append(_("Agency: %(a)s") % {"a": agency or flt.agency})
    if flt.freshness:
        labels = {**dict(Freshness.choices), "stale": _("stale"), "never_confirmed": _("never confirmed")}
        words.append(_("Records: %(f)s") % {"f": labels.get(flt.freshness, flt.freshness)})
    if not words:
        words.append(_("Everyone in the directory"))
    if flt.engageable:
        words.append(_("Delinquent records are left out."))
    return words


def engagement_list_audience(*, engagement_list: EngagementList, user) -> QuerySet[FocalPoint]:
    """THE entry point for modules that address an engagement list (meeting invitations, announcements).

    Returns the focal points that match the list's criteria today, as `user` (the person sending
    or inviting) may see them through the policy, leaving out delinquent and inactive records.
    It is a queryset ordered by name; contact details are the caller's to check with
    `bphub.directory.permissions.can_see_contacts`. Raises PermissionDenied when `user` may not
    see the list itself.
    """
    if not policy.can_view(user, engagement_list):
        raise PermissionDenied
    return focal_point_search(user, criteria_of(engagement_list))


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the list a name.")})
    return name[:200]


def _check_classification(user, classification: str) -> str:
    allowed = [value for value, _label in classification_choices_for(user)]
    if not allowed:
        raise PermissionDenied
    if not classification:
        return allowed[0]
    if classification not in allowed:
        raise ValidationError({"classification": _("Choose one of the classifications offered.")})
    return classification


@transaction.atomic
def engagement_list_create(
    *, user, name: str, criteria: DirectoryFilter, description: str = "", classification: str = ""
) -> EngagementList:
    """Save `criteria` as a list owned by `user`.

    A coordinator's list has their member as originator (default RESTRICTED: their member only);
    the RSO's has none (default SECRETARIAT). Raises PermissionDenied for anyone else and
    ValidationError for a missing name or a classification the author may not give.
    """
    if not can_create_engagement_list(user):
        raise PermissionDenied
    engagement_list = EngagementList(
        name=_check_name(name),
        description=(description or "").strip(),
        criteria=stored_criteria(criteria),
        classification=_check_classification(user, classification),
        originator_id=None if policy.is_rso(user) else user.member_id,
        owner=user,
    )
    engagement_list.full_clean(exclude=["criteria"])  # {} (everyone) is a valid criteria
    engagement_list.save()
    audit_record(
        verb="directory.list_created",
        actor=user,
        target=engagement_list,
        criteria=engagement_list.criteria,
        classification=engagement_list.classification,
    )
    return engagement_list


@transaction.atomic
def engagement_list_update(
    *,
    engagement_list: EngagementList,
    user,
    name: str,
    criteria: DirectoryFilter,
    description: str = "",
    classification: str = "",
) -> EngagementList:
    """Change a list's name, description, criteria and classification (the originator stays).

    Raises PermissionDenied unless `user` may change it, ValidationError as for creation.
    """
    if not can_change_engagement_list(user, engagement_list):
        raise PermissionDenied
    before = {"name": engagement_list.name, "criteria": engagement_list.criteria}
    engagement_list.name = _check_name(name)
    engagement_list.description = (description or "").strip()
    engagement_list.criteria = stored_criteria(criteria)
    if classification:
        engagement_list.classification = _check_classification(user, classification)
    engagement_list.full_clean(exclude=["criteria"])  # {} (everyone) is a valid criteria
    engagement_list.save()
    audit_record(
        verb="directory.list_changed",
        actor=user,
        target=engagement_list,
        before=before,
        criteria=engagement_list.criteria,
        classification=engagement_list.classification,
    )
    return engagement_list


@transaction.atomic
def engagement_list_delete(*, engagement_list: EngagementList, user) -> None:
    """Delete the saved filter (people are untouched). Raises PermissionDenied unless `user` may change it."""
    if not can_change_engagement_list(user, engagement_list):
        raise PermissionDenied
    audit_record(verb="directory.list_deleted", actor=user, target=engagement_list, criteria=engagement_list.criteria)
    engagement_list.delete()
