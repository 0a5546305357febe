"""Authorization-matrix registrations: announcements, notifications, preferences.

- The news list and an announcement's page answer everyone, the anonymous included: the policy
  decides each announcement (its classification follows from its audience).
- Writing an announcement is for the RSO and member coordinators (to a list they may see); a
  working-group co-chair too, but only with a body they co-chair, which the matrix's co-chair has
  not, so the page answers them 404 (covered by bphub/communications/tests).
- Notifications and preferences are the signed-in person's own. Marking one notification read
  answers only its owner: the matrix's notification belongs to another person, so every subject
  gets 404 (the owner's success is covered by bphub/communications/tests).
"""

from django.utils import timezone

from bphub.core.authz import SIGNED_IN_ROLES, ClassifiedListRoute, ClassifiedRoute, RoleRoute, register
from bphub.core.models import Classification

ANNOUNCERS = frozenset({"rso_admin", "rso_staff", "member_coordinator"})
NOBODY = frozenset()


def make_announcement(*, classification, originator, body, released_to, marker):
    """A published announcement at `classification`, its title carrying `marker`."""
    from bphub.communications.models import Announcement

    audience = {
        Classification.PUBLIC: Announcement.Audience.PUBLIC,
        Classification.BODY: Announcement.Audience.BODY,
        Classification.RESTRICTED: Announcement.Audience.LIST,
    }.get(classification, Announcement.Audience.ALL_MEMBERS)
    announcement = Announcement.objects.create(
        title={"en": f"Announcement {marker}"},
        text={"en": f"Text of {marker}"},
        audience=audience,
        audience_body=body if audience == Announcement.Audience.BODY else None,
        classification=classification,
        originator=originator,
        body=body,
        published_at=timezone.now(),
    )
    announcement.released_to.set(released_to)
    return announcement


def _notification_of_someone_else(ctx) -> str:
    from bphub.communications.models import Notification, Topic

    notification = Notification.objects.create(
        user=ctx["person"], topic=Topic.ANNOUNCEMENT, verb="test", title="Someone else's", url="/news/"
    )
    return f"/news/notifications/{notification.pk}/read/"


register(
    ClassifiedListRoute("communications:announcement_list", make_announcement, lambda: "/news/"),
    ClassifiedRoute("communications:announcement_detail", make_announcement, lambda record: f"/news/{record.pk}/"),
    RoleRoute("communications:announcement_create", lambda ctx: "/news/new/", allowed=ANNOUNCERS),
    RoleRoute("communications:notification_list", lambda ctx: "/news/notifications/", allowed=SIGNED_IN_ROLES),
    RoleRoute(
        "communications:notification_read_all",
        lambda ctx: "/news/notifications/read-all/",
        method="POST",
        success_status=302,
        allowed=SIGNED_IN_ROLES,
    ),
    RoleRoute(
        "communications:notification_read",
        _notification_of_someone_else,
        method="POST",
        data={"open": "1"},
        allowed=NOBODY,
    ),
    RoleRoute("communications:preferences", lambda ctx: "/news/preferences/", allowed=SIGNED_IN_ROLES),
)
