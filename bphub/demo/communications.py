"""Demo news and notifications: what a real year leaves in everyone's feed. Demo mode only.

Announcements to each kind of audience (public, all members, a working group, a sub-region),
published over the past weeks by the demo RSO accounts, and for every demo account the in-app
notifications it would have had: the announcements it may read, and what its role is told about
(invitations to nominate, nominations opening, new documents, actions it owns, the directory's
reminders). Titles are the ones the services write, in each reader's language.

Written through `notify` (in the app only: no mail is queued), so the policy decides who is told
about what; the dates are then spread over the past weeks and the older ones marked read.
Idempotent: nothing is added once demo announcements exist.
"""

from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from bphub.accounts.models import Role, User
from bphub.communications.models import Announcement, Notification, Topic
from bphub.communications.services import notify
from bphub.communications.services.announcements import CLASSIFICATION_OF, recipients
from bphub.core.i18n import localize
from bphub.core.models import Classification
from bphub.directory.models import FocalPoint, Freshness
from bphub.meetings.models import ActionItem, Delegation, Document, Meeting
from bphub.members.models import Body, Member, SubRegion

Audience = Announcement.Audience

# (days ago, audience, body code, sub-region name or None, meeting series code or None, title, text)
ANNOUNCEMENTS = [
    (3, Audience.ALL_MEMBERS, None, None, "som",
     "Nominations open for the Senior Officials' Meeting",
     "Members are invited to nominate their delegations through the platform before the nomination deadline. "
     "The annotated agenda and the concept note are in the meeting's documents."),
    (6, Audience.PUBLIC, None, None, "bpmc",
     "Ministerial Conference: save the date",
     "The Bali Process Ministerial Conference will be held in Bali the day after the Senior Officials' Meeting. "
     "The Co-Chairs' Statement will be published on this site."),
    (12, Audience.BODY, "TIPWG", None, None,
     "Working Group on Trafficking in Persons: draft forward work plan for comments",
     "The co-chairs circulate the draft forward work plan. Please send comments through your focal point "
     "before the next meeting of the group."),
    (20, Audience.PUBLIC, None, None, None,
     "New policy guide: returns and reintegration",
     "The Regional Support Office has published an updated policy guide on safe, dignified returns and "
     "sustainable reintegration. It is in the library."),
    (27, Audience.SUB_REGION, None, "South-eastern Asia", None,
     "South-East Asia: briefing on the joint period of action at sea",
     "The RSO will brief the members of the sub-region on the joint period of action against smuggling "
     "networks at sea. Details follow by email."),
    (41, Audience.ALL_MEMBERS, None, None, None,
     "Directory check: please confirm your focal points",
     "Member coordinators are asked to confirm or update their member's focal points before the end of the "
     "quarter, so that invitations reach the right people."),
]
DEMO_TEXT_NOTE = "\n\n(Fictitious demo announcement.)"
READ_AFTER_DAYS = 10  # notifications older than this are marked read, as a user who keeps up would have


@transaction.atomic
def demo_communications_ensure() -> dict[str, int]:
    """Demo announcements and every demo account's notifications (see the module docstring)."""
    from bphub.demo.data import DEMO_ACCOUNTS, _require_demo_mode

    _require_demo_mode()
    if Announcement.objects.filter(is_demo=True).exists():
        return {"announcements": 0, "notifications": 0}
    now = timezone.now()
    users = {user.role: user for user in User.objects.filter(email__in=[row[0] for row in DEMO_ACCOUNTS])}
    authors = [users.get(Role.RSO_ADMIN), users.get(Role.RSO_STAFF)]  # each is told of the other's
    public_readers = [users[role] for role in (Role.RESEARCHER, Role.ALUMNUS) if role in users]
    made = 0
    announcements = 0
    for index, (days_ago, audience, body_code, region, series_code, title, text) in enumerate(ANNOUNCEMENTS):
        author = authors[index % 2]
        announcement = _announcement(author, audience, body_code, region, series_code, title, text,
                                     published_at=now - timedelta(days=days_ago))
        if announcement is None:
            continue
        announcements += 1
        told = list(recipients(announcement, actor=author).filter(email__in=[row[0] for row in DEMO_ACCOUNTS]))
        if audience == Audience.PUBLIC:
            told += public_readers  # they read public news on the site: told in the app, never mailed
        made += _told(told, days_ago, topic=Topic.ANNOUNCEMENT, verb="announcement.published",
                      title=lambda a=announcement: localize(a.title).text, url=announcement.get_absolute_url(),
                      target=announcement)
    made += _role_notifications(users, now)
    return {"announcements": announcements, "notifications": made}


def _announcement(author, audience, body_code, region, series_code, title, text, *, published_at):
    body = Body.objects.filter(code=body_code).first() if body_code else None
    sub_region = SubRegion.objects.filter(name=region).first() if region else None
    if (body_code and body is None) or (region and sub_region is None):
        return None  # reference data without it: leave this one out
    meeting = None
    if series_code:
        meeting = Meeting.objects.filter(is_demo=True, series__code=series_code).order_by("-starts_at").first()
    announcement = Announcement.objects.create(
        title={"en": title}, text={"en": text + DEMO_TEXT_NOTE}, audience=audience, audience_body=body,
        audience_sub_region=sub_region, meeting=meeting, send_email=False, author=author,
        classification=CLASSIFICATION_OF[audience], body=body, published_at=published_at, is_demo=True,
    )
    if sub_region is not None:
        announcement.released_to.set(Member.objects.filter(sub_region=sub_region))
    Announcement.objects.filter(pk=announcement.pk).update(created_at=published_at, updated_at=published_at)
    return announcement


def _told(users, days_ago, **what) -> int:
    """Notify `users` in the app (the policy drops anyone who may not see the target), dated
    `days_ago` and read if that is long enough ago."""
    made = notify(users=users, email=False, **what)
    when = timezone.now() - timedelta(days=days_ago, hours=2)
    Notification.objects.filter(pk__in=[n.pk for n in made]).update(
        created_at=when, read_at=when + timedelta(hours=5) if days_ago > READ_AFTER_DAYS else None
    )
    return len(made)


def _role_notifications(users: dict, now) -> int:
    """What each role is told about besides the news."""
    made = 0
    upcoming = Meeting.objects.filter(is_demo=True, starts_at__gt=now).exclude(status=Meeting.Status.DRAFT)
    # Coordinators: invitations to nominate, for the meetings their member is invited to.
    coordinator = users.get(Role.MEMBER_COORDINATOR)
    if coordinator is not None:
        for days_ago, delegation in enumerate(
            Delegation.objects.filter(meeting__in=upcoming, member_id=coordinator.member_id)
            .select_related("meeting", "member")
            .order_by("meeting__starts_at")[:3],
            start=2,
        ):
            meeting = delegation.meeting
            made += _told(
                [coordinator], days_ago * 4, topic=Topic.DELEGATION, verb="meeting.invited",
                title=lambda m=meeting: _("Your member is invited to %(meeting)s: nominate its delegation")
                % {"meeting": m},
                url=reverse("meetings:delegation_edit", kwargs={"pk": meeting.pk, "code": delegation.member.code}),
                target=meeting,
            )
        people = FocalPoint.objects.filter(member_id=coordinator.member_id)
        late = sum(1 for person in people if person.freshness in (Freshness.OVERDUE, Freshness.DELINQUENT)) or 1
        made += _told(
            [coordinator], 1, topic=Topic.DIRECTORY, verb="directory.delinquency_notified",
            title=lambda: ngettext(
                "Directory: %(count)s focal point record needs your attention",
                "Directory: %(count)s focal point records need your attention",
                late,
            ) % {"count": late},
            url=reverse("directory:person_list") + "?freshness=overdue",
        )
    # Officials (and coordinators): the meetings they are invited to opened nominations; new documents.
    for role in (Role.MEMBER_OFFICIAL, Role.MEMBER_COORDINATOR, Role.WG_CO_CHAIR):
        user = users.get(role)
        if user is None:
            continue
        invited = upcoming.filter(delegations__member_id=user.member_id, status=Meeting.Status.REGISTRATION_OPEN)
        for days_ago, meeting in enumerate(invited.order_by("starts_at")[:2], start=3):
            made += _told([user], days_ago, topic=Topic.MEETING, verb="meeting.registration_opened",
                          title=lambda m=meeting: _("Nominations open: %(title)s") % {"title": m},
                          url=meeting.get_absolute_url(), target=meeting)
        documents = Document.objects.filter(is_demo=True, meeting__in=invited, is_key=True).order_by("pk")[:2]
        for days_ago, document in enumerate(documents, start=5):
            made += _told([user], days_ago, topic=Topic.DOCUMENT, verb="document.uploaded", title=document.__str__,
                          url=reverse("meetings:document_detail", kwargs={"pk": document.pk}), target=document)
    # Co-chairs and the RSO: actions they own or follow that fall due.
    for role in (Role.WG_CO_CHAIR, Role.RSO_ADMIN, Role.RSO_STAFF):
        user = users.get(role)
        if user is None:
            continue
        owned = ActionItem.objects.filter(is_demo=True, status__in=ActionItem.OPEN_STATUSES)
        if role == Role.WG_CO_CHAIR:
            owned = owned.filter(owner_body__in=user.chaired_bodies.all()) | owned.filter(owner_member=user.member)
        else:
            owned = owned.filter(owner_kind=ActionItem.Owner.RSO)
        for days_ago, action in enumerate(owned.select_related("owner_member", "owner_body").order_by("due_on")[:2],
                                          start=6):
            made += _told(
                [user], days_ago, topic=Topic.ACTION, verb="action.assigned",
                title=lambda a=action: _("Action assigned to %(owner)s: %(action)s")
                % {"owner": a.owner_label, "action": localize(a.title).text},
                url=action.get_absolute_url(), target=action,
            )
    # Researchers and alumni: the public documents of the public meetings.
    public_documents = Document.objects.filter(is_demo=True, classification=Classification.PUBLIC, is_key=True)
    public_documents = public_documents.order_by("-pk")
    for role in (Role.RESEARCHER, Role.ALUMNUS):
        user = users.get(role)
        if user is None:
            continue
        for days_ago, document in enumerate(public_documents[:2], start=4):
            made += _told([user], days_ago, topic=Topic.DOCUMENT, verb="document.uploaded", title=document.__str__,
                          url=reverse("meetings:document_detail", kwargs={"pk": document.pk}), target=document)
    return made
