"""A meeting's life: created as a draft, edited, and moved along its lifecycle by the RSO (or a
working group's co-chairs for their group's meetings).

    draft → announced → registration_open → held → outcomes_published → closed

Every transition is guarded here: from the wrong state, or without what it needs, it raises
ValidationError with a clear message and changes nothing. Each one records `status_changed_at`,
writes an audit event and touches the meeting (cached pages rebuild). Announcing and opening
registration tell the people of the invited members (those with a Delegation) after the commit.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from bphub.core import policy
from bphub.core.audit import audit_record
from bphub.core.models import Classification
from bphub.meetings import permissions
from bphub.meetings.models import CLASSIFICATION_RANK, Meeting
from bphub.meetings.services.common import meeting_touch

Status = Meeting.Status

# The fields a manager sets through meeting_create / meeting_update (status has its own services).
EDITABLE_FIELDS = (
    "title",
    "kind",
    "series",
    "number",
    "group",
    "host",
    "description",
    "venue",
    "online_url",
    "starts_at",
    "ends_at",
    "time_zone",
    "nomination_deadline",
    "classification",
    "body",
    "released_to",
)


def _check_fields(fields: dict) -> None:
    unknown = sorted(set(fields) - set(EDITABLE_FIELDS))
    if unknown:
        raise TypeError(f"Unknown meeting field(s): {', '.join(unknown)}")


def _apply(meeting: Meeting, fields: dict, *, actor) -> list:
    """Set `fields` on `meeting` (not saved) and fill the defaults; returns released_to."""
    released_to = list(fields.pop("released_to", None) or [])
    for name, value in fields.items():
        setattr(meeting, name, value)
    if meeting.title is None:
        meeting.title = {}
    if meeting.description is None:
        meeting.description = {}
    meeting.venue = (meeting.venue or "").strip()
    meeting.online_url = (meeting.online_url or "").strip()
    if not meeting.classification:
        # The Consultation Mechanism's meetings are confidential by default.
        meeting.classification = (
            Classification.RESTRICTED if meeting.kind == Meeting.Kind.CONSULTATION else Classification.MEMBERS
        )
    if meeting.group_id is None and meeting.series_id and meeting.series.group_id:
        meeting.group = meeting.series.group  # a series' meetings belong to the series' body
    if meeting.classification == Classification.BODY and meeting.body_id is None and meeting.group_id:
        meeting.body = meeting.group  # a body-level meeting is read by the members of its own body
    if not meeting.time_zone and meeting.host_id and meeting.host.time_zone:
        meeting.time_zone = meeting.host.time_zone
    return released_to


def _validate(meeting: Meeting, *, actor, released_to: list) -> None:
    errors: dict[str, list] = {}
    if meeting.classification == Classification.SECRETARIAT and not permissions.is_rso(actor):
        errors.setdefault("classification", []).append(_("Only the RSO can hold a secretariat-only meeting."))
    if meeting.classification == Classification.RESTRICTED and not released_to and meeting.originator_id is None:
        errors.setdefault("released_to", []).append(_("Name the members a restricted meeting is released to."))
    if not permissions.is_rso(actor):
        chaired = permissions.chaired_body_ids(actor)
        if meeting.group_id is None or meeting.group_id not in chaired:
            errors.setdefault("group", []).append(_("Choose one of the bodies you co-chair."))
    if meeting.is_emergency and meeting.classification not in (Classification.RESTRICTED, Classification.SECRETARIAT):
        errors.setdefault("classification", []).append(
            _("An emergency consultation stays confidential: restricted or secretariat only.")
        )
    if meeting.series_id and meeting.number is not None:
        taken = Meeting.objects.filter(series_id=meeting.series_id, number=meeting.number)
        if meeting.pk:
            taken = taken.exclude(pk=meeting.pk)
        if taken.exists():
            errors.setdefault("number", []).append(
                _("This series already has a meeting #%(number)s.") % {"number": meeting.number}
            )
    try:
        meeting.full_clean(exclude=["number"] if "number" in errors else None, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _parts_wider_than(meeting: Meeting) -> list[str]:
    """Documents, outcomes and actions of `meeting` read more widely than its classification allows."""
    wider = [c for c, rank in CLASSIFICATION_RANK.items() if rank < CLASSIFICATION_RANK[meeting.classification]]
    if not wider:
        return []
    found = []
    if meeting.documents.filter(classification__in=wider).exists():
        found.append(_("documents"))
    if meeting.outcomes.filter(classification__in=wider).exists():
        found.append(_("outcomes"))
    if meeting.action_items.filter(classification__in=wider).exists():
        found.append(_("action items"))
    return found


@transaction.atomic
def meeting_create(*, actor, request=None, **fields) -> Meeting:
    """Create a draft meeting from `fields` (see EDITABLE_FIELDS).

    Guarantees: a consultation is restricted unless told otherwise; a body-level meeting names its
    body (its own group by default); the number is unique in its series; the host time zone is
    from the tz database (the host member's zone when left empty); the originator is the actor's
    member (none for the RSO). Raises PermissionDenied when the actor may not create meetings,
    ValidationError (by field) when a field is wrong; nothing is saved then.
    """
    if not permissions.can_create_meeting(actor):
        raise PermissionDenied(_("You cannot create meetings."))
    _check_fields(fields)
    meeting = Meeting(
        status=Status.DRAFT,
        status_changed_at=timezone.now(),
        created_by=actor,
        originator=None if permissions.is_rso(actor) else actor.member,
        classification="",
        time_zone="",
    )
    released_to = _apply(meeting, dict(fields), actor=actor)
    _validate(meeting, actor=actor, released_to=released_to)
    meeting.save()
    meeting.released_to.set(released_to if meeting.classification == Classification.RESTRICTED else [])
    audit_record(
        verb="meeting.created",
        actor=actor,
        target=meeting,
        request=request,
        classification=meeting.classification,
        kind=meeting.kind,
    )
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, actor, request=None, **fields) -> Meeting:
    """Change the given fields of `meeting` (see EDITABLE_FIELDS); the status is not among them.

    Guarantees what meeting_create does, and also: the meeting is never made wider than any of its
    documents, outcomes or action items allow, no agenda session falls outside new dates, and an
    emergency consultation stays confidential. Raises PermissionDenied when the actor may not manage
    the meeting, ValidationError (by field) otherwise; nothing is saved then.
    """
    if not permissions.can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("You cannot manage this meeting."))
    _check_fields(fields)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = {name: getattr(meeting, name) for name in EDITABLE_FIELDS if name != "released_to"}
    released_before = sorted(meeting.released_to.values_list("pk", flat=True))
    if "released_to" not in fields:
        fields["released_to"] = list(meeting.released_to.all())
    released_to = _apply(meeting, dict(fields), actor=actor)
    _validate(meeting, actor=actor, released_to=released_to)
    errors = {}
    wider = _parts_wider_than(meeting)
    if wider:
        errors["classification"] = _(
            "Some %(parts)s of this meeting are read more widely than that; narrow them first."
        ) % {"parts": ", ".join(str(w) for w in wider)}
    outside = meeting.sessions.filter(Q(starts_at__lt=meeting.starts_at) | Q(ends_at__gt=meeting.ends_at))
    if outside.exists():
        errors["starts_at"] = _("Some agenda sessions fall outside these dates; move or delete them first.")
    if errors:
        raise ValidationError(errors)
    meeting.save()
    meeting.released_to.set(released_to if meeting.classification == Classification.RESTRICTED else [])
    changed = sorted(name for name, value in before.items() if getattr(meeting, name) != value)
    released_after = sorted(m.pk for m in meeting.released_to.all())
    if released_after != released_before:
        changed.append("released_to")
    meeting_touch(meeting.pk)
    audit_record(
        verb="meeting.updated",
        actor=actor,
        target=meeting,
        request=request,
        changed=changed,
        classification=meeting.classification,
    )
    meeting.refresh_from_db()
    return meeting


# -- the lifecycle -----------------------------------------------------------------------------


def _locked_for_transition(meeting: Meeting, actor, allowed_from: tuple, message: str) -> Meeting:
    if not permissions.can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("You cannot manage this meeting."))
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status not in allowed_from:
        raise ValidationError(message % {"status": locked.get_status_display()})
    return locked


def _move(meeting: Meeting, status: str, *, actor, request, verb: str) -> Meeting:
    before = meeting.status
    meeting.status = status
    meeting.status_changed_at = timezone.now()
    meeting.save(update_fields=["status", "status_changed_at", "updated_at"])
    meeting_touch(meeting.pk)
    audit_record(verb=verb, actor=actor, target=meeting, request=request, status_before=before, status_after=status)
    return meeting


def _invited_users(meeting: Meeting):
    """The active people acting for the members that have a delegation on the meeting."""
    from bphub.accounts.models import User

    return User.objects.filter(policy.member_people_q(meeting.delegations.values("member_id")), is_active=True)


def _notify_invited_on_commit(meeting: Meeting, *, verb: str, title) -> None:
    from bphub.communications.models import Topic
    from bphub.communications.services import notify

    meeting_id = meeting.pk

    def send():
        fresh = Meeting.objects.get(pk=meeting_id)
        notify(
            users=list(_invited_users(fresh)),
            topic=Topic.MEETING,
            verb=verb,
            title=title,
            url=fresh.get_absolute_url(),
            target=fresh,
        )

    transaction.on_commit(send)


@transaction.atomic
def meeting_announce(*, meeting: Meeting, actor, request=None) -> Meeting:
    """Announce a draft meeting: it shows to its readers, the burden record of local times is
    written, and the people of the invited members are told after the commit.

    Raises ValidationError unless the meeting is a draft; PermissionDenied if the actor may not manage it.
    """
    meeting = _locked_for_transition(
        meeting, actor, (Status.DRAFT,), _("Only a draft meeting can be announced; this one is “%(status)s”.")
    )
    from bphub.meetings.services.scheduling import meeting_local_times_record

    _move(meeting, Status.ANNOUNCED, actor=actor, request=request, verb="meeting.announced")
    meeting_local_times_record(meeting)
    _notify_invited_on_commit(
        meeting, verb="meeting.announced", title=lambda: _("Meeting announced: %(title)s") % {"title": meeting}
    )
    return meeting


@transaction.atomic
def meeting_open_registration(*, meeting: Meeting, actor, request=None) -> Meeting:
    """Open nominations of delegations, until the nomination deadline (which must be in the future).

    The people of the invited members are told after the commit. Raises ValidationError unless the
    meeting is announced and has a future deadline; PermissionDenied if the actor may not manage it.
    """
    meeting = _locked_for_transition(
        meeting,
        actor,
        (Status.ANNOUNCED,),
        _("Registration opens only for an announced meeting; this one is “%(status)s”."),
    )
    if meeting.nomination_deadline is None:
        raise ValidationError({"nomination_deadline": _("Set a nomination deadline before opening registration.")})
    if meeting.nomination_deadline <= timezone.now():
        raise ValidationError({"nomination_deadline": _("The nomination deadline has passed; set a later one first.")})
    _move(meeting, Status.REGISTRATION_OPEN, actor=actor, request=request, verb="meeting.registration_opened")
    _notify_invited_on_commit(
        meeting,
        verb="meeting.registration_opened",
        title=lambda: _("Nominations open: %(title)s") % {"title": meeting},
    )
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, actor, request=None) -> Meeting:
    """Record that the meeting took place. Needs the meeting announced (with or without
    registration: an emergency consultation has none) and started.

    Raises ValidationError otherwise; PermissionDenied if the actor may not manage it.
    """
    meeting = _locked_for_transition(
        meeting,
        actor,
        (Status.ANNOUNCED, Status.REGISTRATION_OPEN),
        _("Only an announced meeting can be marked as held; this one is “%(status)s”."),
    )
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("The meeting has not started yet; it can be marked as held once it has."))
    return _move(meeting, Status.HELD, actor=actor, request=request, verb="meeting.held")


@transaction.atomic
def meeting_publish_outcomes(*, meeting: Meeting, actor, request=None) -> Meeting:
    """Publish the outcomes of a held meeting to its readers. Needs at least one outcome recorded.

    Raises ValidationError otherwise; PermissionDenied if the actor may not manage it.
    """
    meeting = _locked_for_transition(
        meeting,
        actor,
        (Status.HELD,),
        _("Outcomes can be published only for a meeting that was held; this one is “%(status)s”."),
    )
    if not meeting.outcomes.exists():
        raise ValidationError(_("Record at least one outcome before publishing the outcomes."))
    return _move(meeting, Status.OUTCOMES_PUBLISHED, actor=actor, request=request, verb="meeting.outcomes_published")


@transaction.atomic
def meeting_close(*, meeting: Meeting, actor, request=None) -> Meeting:
    """Close the meeting's record once its outcomes are published (or, for a meeting that agreed
    nothing to publish, once held). Raises ValidationError from any other state; PermissionDenied
    if the actor may not manage it.
    """
    meeting = _locked_for_transition(
        meeting,
        actor,
        (Status.HELD, Status.OUTCOMES_PUBLISHED),
        _("Only a meeting that was held can be closed; this one is “%(status)s”."),
    )
    return _move(meeting, Status.CLOSED, actor=actor, request=request, verb="meeting.closed")


# The transitions by the name the pages use, with the states each starts from (for the buttons).
TRANSITIONS = {
    "announce": (meeting_announce, (Status.DRAFT,)),
    "open-registration": (meeting_open_registration, (Status.ANNOUNCED,)),
    "mark-held": (meeting_mark_held, (Status.ANNOUNCED, Status.REGISTRATION_OPEN)),
    "publish-outcomes": (meeting_publish_outcomes, (Status.HELD,)),
    "close": (meeting_close, (Status.HELD, Status.OUTCOMES_PUBLISHED)),
}
