"""Announcements to an audience: written as a draft, then published and notified.

The readership follows from the audience, so the one policy decides who reads an announcement:
public → PUBLIC; all members → MEMBERS; a body → BODY (that body's members today);
a sub-region → RESTRICTED, released to the members of the sub-region; a saved engagement list →
RESTRICTED, released to the members of the people on the list (as the publisher may see them).
The originator is the author's member, or none for the RSO. See `permissions` for who may announce.
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.accounts.models import Role, User
from bphub.communications.models import Announcement, Topic
from bphub.communications.permissions import can_create_announcements, is_rso, may_announce_to
from bphub.communications.services import notify
from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.core.i18n import localize
from bphub.core.models import Classification

Audience = Announcement.Audience
CLASSIFICATION_OF = {
    Audience.PUBLIC: Classification.PUBLIC,
    Audience.ALL_MEMBERS: Classification.MEMBERS,
    Audience.BODY: Classification.BODY,
    Audience.SUB_REGION: Classification.RESTRICTED,
    Audience.LIST: Classification.RESTRICTED,
}


def _clean_text(value, field: str, message: str) -> dict:
    if not isinstance(value, dict):
        value = {"en": str(value or "")}
    value = {code: text.strip() for code, text in value.items() if isinstance(text, str) and text.strip()}
    if not localize(value, "en").text:
        raise ValidationError({field: message})
    return value


def _audience_target_errors(audience, body, sub_region, engagement_list) -> dict:
    if audience not in Audience.values:
        return {"audience": _("Choose who the announcement is for.")}
    if audience == Audience.BODY and body is None:
        return {"audience_body": _("Choose the body or working group.")}
    if audience == Audience.SUB_REGION and sub_region is None:
        return {"audience_sub_region": _("Choose the sub-region.")}
    if audience == Audience.LIST and engagement_list is None:
        return {"audience_list": _("Choose the engagement list.")}
    return {}


def _list_people(announcement: Announcement, actor):
    """The focal points on the announcement's list, as `actor` may see them (ValidationError if none)."""
    from bphub.directory.services.lists import engagement_list_audience

    try:
        people = engagement_list_audience(engagement_list=announcement.audience_list, user=actor)
    except PermissionDenied:
        raise ValidationError({"audience_list": _("Choose a list you may see.")}) from None
    if not people.exists():
        raise ValidationError({"audience_list": _("Nobody is on this list today: there is no one to tell.")})
    return people


def _readership(announcement: Announcement, actor) -> tuple[str, list[int], object]:
    """(classification, released_to member ids, the list's people or None) for the audience."""
    from bphub.members.models import Member

    audience = announcement.audience
    if audience == Audience.SUB_REGION:
        released = list(Member.objects.filter(sub_region=announcement.audience_sub_region).values_list("pk", flat=True))
        if not released:
            raise ValidationError({"audience_sub_region": _("This sub-region has no members.")})
        return CLASSIFICATION_OF[audience], released, None
    if audience == Audience.LIST:
        people = _list_people(announcement, actor)
        released = sorted(set(people.order_by().values_list("member_id", flat=True)))
        return CLASSIFICATION_OF[audience], released, people
    return CLASSIFICATION_OF[audience], [], None


def _apply_readership(announcement: Announcement, actor):
    classification, released, people = _readership(announcement, actor)
    announcement.classification = classification
    announcement.body = announcement.audience_body if announcement.audience == Audience.BODY else None
    return released, people


@transaction.atomic
def announcement_create(
    *,
    actor,
    title,
    text,
    audience: str,
    audience_body=None,
    audience_sub_region=None,
    audience_list=None,
    meeting=None,
    send_email: bool = True,
    request=None,
) -> Announcement:
    """Write a draft announcement (not shown to anyone until `announcement_publish`).

    `title` and `text` are {language: text} (at least English); `audience` is an
    Announcement.Audience with its body, sub-region or list. The classification follows from the
    audience. Raises PermissionDenied when `actor` may not announce at all, ValidationError
    (naming the field) for a missing text, a missing or forbidden audience, a list with nobody on
    it, or a meeting the actor may not see.
    """
    if not can_create_announcements(actor):
        raise PermissionDenied
    errors = _audience_target_errors(audience, audience_body, audience_sub_region, audience_list)
    if errors:
        raise ValidationError(errors)
    if not may_announce_to(
        actor, audience=audience, body=audience_body, sub_region=audience_sub_region, engagement_list=audience_list
    ):
        field = {Audience.BODY: "audience_body", Audience.LIST: "audience_list"}.get(audience, "audience")
        raise ValidationError({field: _("You cannot announce to this audience.")})
    if meeting is not None and not policy.can_view(actor, meeting):
        raise ValidationError({"meeting": _("Choose a meeting you may see.")})
    announcement = Announcement(
        title=_clean_text(title, "title", _("Give the announcement a title (at least in English).")),
        text=_clean_text(text, "text", _("Write the announcement (at least in English).")),
        audience=audience,
        audience_body=audience_body if audience == Audience.BODY else None,
        audience_sub_region=audience_sub_region if audience == Audience.SUB_REGION else None,
        audience_list=audience_list if audience == Audience.LIST else None,
        meeting=meeting,
        send_email=send_email,
        author=actor,
        originator=None if is_rso(actor) else actor.member,
    )
    released, _people = _apply_readership(announcement, actor)
    announcement.full_clean()
    announcement.save()
    announcement.released_to.set(released)
    audit_record(
        verb="announcement.created",
        actor=actor,
        target=announcement,
        request=request,
        audience=audience,
        classification=announcement.classification,
    )
    return announcement


def may_publish(actor, announcement: Announcement) -> bool:
    """The RSO, or the author while they may still announce to the audience."""
    if is_rso(actor):
        return True
    if announcement.author_id != getattr(actor, "pk", None):
        return False
    return may_announce_to(
        actor,
        audience=announcement.audience,
        body=announcement.audience_body,
        sub_region=announcement.audience_sub_region,
        engagement_list=announcement.audience_list,
    )


def recipients(announcement: Announcement, *, actor, people=None):
    """The users to tell about a published announcement (notify() checks each with the policy).

    List audiences: the people on the list who have an account (FocalPoint.user) and the member
    coordinators of their members. Other audiences: every active user of the RSO and member roles
    the policy lets read it (researchers and alumni read public news on the site, unmailed).
    The author is not told about their own announcement.
    """
    users = User.objects.filter(is_active=True).exclude(pk=getattr(actor, "pk", None))
    audience = announcement.audience
    released = list(announcement.released_to.values_list("pk", flat=True))
    if audience == Audience.LIST:
        account_ids = people.filter(user__isnull=False).order_by().values_list("user_id", flat=True)
        return users.filter(
            Q(pk__in=list(account_ids)) | Q(role=Role.MEMBER_COORDINATOR, member_id__in=released)
        ).distinct()
    rso = policy.secretariat_people_q()
    if audience in (Audience.PUBLIC, Audience.ALL_MEMBERS):
        return users.filter(rso | policy.member_people_q())
    if audience == Audience.BODY:
        from bphub.members.models import BodyMembership

        seated = set(
            BodyMembership.objects.on(timezone.localdate())
            .filter(body=announcement.body)
            .values_list("member_id", flat=True)
        )
        if announcement.originator_id:
            seated.add(announcement.originator_id)
        return users.filter(rso | policy.member_people_q(seated))
    return users.filter(rso | policy.member_people_q(released))


@transaction.atomic
def announcement_publish(*, actor, announcement: Announcement, request=None) -> Announcement:
    """Publish a draft: fix its readership from the audience as it is now, and tell the readers.

    Readers are told in the app (topic ANNOUNCEMENT) and, after the commit, by mail as their
    preferences say (unless the announcement was written with send_email off), each in their own
    language. Raises PermissionDenied when `actor` may not publish it, ValidationError when it is
    already published or its audience has nobody in it.
    """
    announcement = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if not may_publish(actor, announcement):
        raise PermissionDenied
    if announcement.published_at is not None:
        raise ValidationError(_("This announcement is already published."))
    released, people = _apply_readership(announcement, actor)
    announcement.published_at = timezone.now()
    announcement.full_clean()
    announcement.save()
    announcement.released_to.set(released)
    audit_record(
        verb="announcement.published",
        actor=actor,
        target=announcement,
        request=request,
        audience=announcement.audience,
        classification=announcement.classification,
        released_to=released,
    )
    by_language = defaultdict(list)
    for user in recipients(announcement, actor=actor, people=people).select_related(None):
        by_language[user.language].append(user)
    for language, users in by_language.items():
        notify(
            users=users,
            topic=Topic.ANNOUNCEMENT,
            verb="announcement.published",
            title=localize(announcement.title, language).text,
            url=announcement.get_absolute_url(),
            target=announcement,
            email=announcement.send_email,
        )
    return announcement


@transaction.atomic
def announcement_create_and_publish(*, actor, request=None, **fields) -> Announcement:
    """`announcement_create` then `announcement_publish`, in one transaction (the form's "Publish")."""
    announcement = announcement_create(actor=actor, request=request, **fields)
    return announcement_publish(actor=actor, announcement=announcement, request=request)
