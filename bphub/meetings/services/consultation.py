"""The Consultation Mechanism: the Bali Process co-chairs convene an emergency consultation of the
affected members within hours.

A consultation is confidential and leaves no public trace: it is a RESTRICTED meeting released to
its roster only (and to the convener's member, as originator), announced at once, with a
delegation invited per roster member. The policy then keeps it out of every page, list, feed and
notification of anyone else.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.core.models import Classification
from bphub.meetings import permissions
from bphub.meetings.models import Delegation, Meeting
from bphub.meetings.services.common import meeting_touch

CM_BODY_CODE = "CM"  # the Consultation Mechanism, in the reference data
START_GRACE = timedelta(minutes=5)  # a start "now" typed a moment ago is not "in the past"


@transaction.atomic
def consultation_convene(
    *,
    actor,
    title: dict,
    roster,
    starts_at,
    ends_at,
    time_zone: str,
    online_url: str = "",
    venue: str = "",
    description: dict | None = None,
    request=None,
) -> Meeting:
    """Convene an emergency consultation of the `roster` members, announced at once.

    Guarantees: kind consultation, classification RESTRICTED released to the roster (originated
    by the convener's member, or by none for the RSO), `is_emergency`, group the Consultation
    Mechanism body when it exists, one invited Delegation per roster member, the roster members'
    people notified, an audit event. Raises PermissionDenied unless the actor may convene (the RSO,
    or a coordinator or co-chair of a member that co-chairs the Bali Process today), and
    ValidationError by field when the roster is empty, the start is in the past, the end is not
    after the start, or there is neither an online link nor a venue; nothing is saved then.
    """
    if not permissions.can_convene_consultation(actor):
        raise PermissionDenied(_("Only the Bali Process co-chairs and the RSO can convene a consultation."))
    from bphub.members.models import Body

    roster = list(roster or [])
    errors = {}
    if not roster:
        errors["roster"] = [_("Choose at least one member to consult.")]
    now = timezone.now()
    if starts_at is not None and starts_at < now - START_GRACE:
        errors["starts_at"] = [_("The consultation cannot start in the past.")]
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = [_("The consultation must end after it starts.")]
    if not (online_url or "").strip() and not (venue or "").strip():
        errors["online_url"] = [_("Give an online link, a venue, or both.")]
    convener_member = None if permissions.is_rso(actor) else actor.member
    meeting = Meeting(
        title=title or {},
        description=description or {},
        kind=Meeting.Kind.CONSULTATION,
        classification=Classification.RESTRICTED,
        originator=convener_member,
        group=Body.objects.filter(code=CM_BODY_CODE).first(),
        host=convener_member,
        venue=(venue or "").strip(),
        online_url=(online_url or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone or "",
        status=Meeting.Status.ANNOUNCED,
        status_changed_at=now,
        is_emergency=True,
        created_by=actor,
    )
    try:
        meeting.full_clean(validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    meeting.save()
    meeting.released_to.set(roster)
    Delegation.objects.bulk_create([Delegation(meeting=meeting, member=member) for member in roster])
    meeting_touch(meeting.pk)
    audit_record(
        verb="meeting.consultation_convened",
        actor=actor,
        target=meeting,
        request=request,
        roster=sorted(member.code for member in roster),
    )
    from bphub.meetings.services.scheduling import meeting_local_times_record

    meeting_local_times_record(meeting)
    _notify_roster(meeting, roster)
    return meeting


def _notify_roster(meeting: Meeting, roster) -> None:
    """Tell the roster members' people now (the notifications are written in this transaction;
    mail leaves after the commit)."""
    from bphub.accounts.models import User
    from bphub.communications.models import Topic
    from bphub.communications.services import notify

    users = User.objects.filter(policy.member_people_q([member.pk for member in roster]), is_active=True)
    notify(
        users=list(users),
        topic=Topic.MEETING,
        verb="meeting.consultation_convened",
        title=lambda: _("Emergency consultation convened: %(title)s") % {"title": meeting},
        url=meeting.get_absolute_url(),
        target=meeting,
    )
