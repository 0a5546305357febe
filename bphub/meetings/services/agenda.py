"""A meeting's agenda: sessions (with times and a room) and their items (with times, presenters and
the meeting's documents they discuss).

Every time lies inside the meeting's span (an item's also inside its session's); a wrong time is
refused with an error naming the field. Every change touches the meeting, so the cached agenda on
its page is rebuilt, and is written to the audit log.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from bphub.core.audit import audit_record
from bphub.meetings import permissions
from bphub.meetings.models import AgendaItem, AgendaSession, Document, Meeting
from bphub.meetings.services.common import meeting_touch

SESSION_FIELDS = ("title", "starts_at", "ends_at", "room", "position")
ITEM_FIELDS = ("title", "starts_at", "ends_at", "presenters", "documents", "position")


def _require_manager(actor, meeting: Meeting) -> None:
    if not permissions.can_manage_meeting(actor, meeting):
        raise PermissionDenied(_("You cannot manage this meeting."))


def _check(fields: dict, allowed: tuple) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"Unknown field(s): {', '.join(unknown)}")


def _validate_session(session: AgendaSession) -> None:
    errors = {}
    try:
        session.full_clean(exclude=["meeting"])
    except ValidationError as error:
        errors = error.message_dict
    meeting = session.meeting
    if (
        session.starts_at
        and "starts_at" not in errors
        and not (meeting.starts_at <= session.starts_at <= meeting.ends_at)
    ):
        errors["starts_at"] = [_("The session must start within the meeting’s dates.")]
    if session.ends_at and "ends_at" not in errors and not (meeting.starts_at <= session.ends_at <= meeting.ends_at):
        errors["ends_at"] = [_("The session must end within the meeting’s dates.")]
    if session.pk and not errors:
        outside = session.items.filter(
            Q(starts_at__lt=session.starts_at) | Q(ends_at__gt=session.ends_at) | Q(starts_at__gt=session.ends_at)
        )
        if outside.exists():
            errors["starts_at"] = [_("Some items of this session fall outside these times; move them first.")]
    if errors:
        raise ValidationError(errors)


def _validate_item(item: AgendaItem, documents) -> None:
    errors = {}
    try:
        item.full_clean(exclude=["session"])
    except ValidationError as error:
        errors = error.message_dict
    session = item.session
    if item.starts_at and "starts_at" not in errors and not (session.starts_at <= item.starts_at <= session.ends_at):
        errors["starts_at"] = [_("The item must start within its session’s times.")]
    if item.ends_at and "ends_at" not in errors:
        if not (session.starts_at <= item.ends_at <= session.ends_at):
            errors["ends_at"] = [_("The item must end within its session’s times.")]
        elif item.starts_at and item.ends_at < item.starts_at:
            errors["ends_at"] = [_("An item cannot end before it starts.")]
        elif not item.starts_at:
            errors["starts_at"] = [_("Give the start time too.")]
    foreign = [d for d in documents if d.meeting_id != session.meeting_id]
    if foreign:
        errors["documents"] = [_("An agenda item can link only documents of its own meeting.")]
    if errors:
        raise ValidationError(errors)


def _documents(value) -> list[Document]:
    return list(value or [])


@transaction.atomic
def session_create(*, meeting: Meeting, actor, request=None, **fields) -> AgendaSession:
    """Add a session to the agenda, inside the meeting's span (placed last among sessions that start together).

    Raises PermissionDenied unless the actor manages the meeting; ValidationError by field otherwise.
    """
    _require_manager(actor, meeting)
    _check(fields, SESSION_FIELDS)
    session = AgendaSession(meeting=meeting, **fields)
    if "position" not in fields:
        session.position = meeting.sessions.count()
    if session.title is None:
        session.title = {}
    session.room = (session.room or "").strip()
    _validate_session(session)
    session.save()
    meeting_touch(meeting.pk)
    audit_record(verb="agenda.session_created", actor=actor, target=meeting, request=request, session=session.pk)
    return session


@transaction.atomic
def session_update(*, session: AgendaSession, actor, request=None, **fields) -> AgendaSession:
    """Change a session; its items must still fit its times. Raises as session_create does."""
    _require_manager(actor, session.meeting)
    _check(fields, SESSION_FIELDS)
    for name, value in fields.items():
        setattr(session, name, value)
    session.room = (session.room or "").strip()
    _validate_session(session)
    session.save()
    meeting_touch(session.meeting_id)
    audit_record(
        verb="agenda.session_updated",
        actor=actor,
        target=session.meeting,
        request=request,
        session=session.pk,
        changed=sorted(fields),
    )
    return session


@transaction.atomic
def session_delete(*, session: AgendaSession, actor, request=None) -> None:
    """Remove a session and its items (the documents stay with the meeting). Raises PermissionDenied."""
    meeting = session.meeting
    _require_manager(actor, meeting)
    title = str(session)
    items = session.items.count()
    session.delete()
    meeting_touch(meeting.pk)
    audit_record(verb="agenda.session_deleted", actor=actor, target=meeting, request=request, title=title, items=items)


@transaction.atomic
def item_create(*, session: AgendaSession, actor, request=None, **fields) -> AgendaItem:
    """Add an item to a session, last unless a position is given; times (optional) inside the
    session's, documents only of the same meeting. Raises PermissionDenied or ValidationError by field.
    """
    _require_manager(actor, session.meeting)
    _check(fields, ITEM_FIELDS)
    documents = _documents(fields.pop("documents", None))
    item = AgendaItem(session=session, **fields)
    if "position" not in fields:
        item.position = session.items.count()
    if item.title is None:
        item.title = {}
    item.presenters = (item.presenters or "").strip()
    _validate_item(item, documents)
    item.save()
    item.documents.set(documents)
    meeting_touch(session.meeting_id)
    audit_record(verb="agenda.item_created", actor=actor, target=session.meeting, request=request, item=item.pk)
    return item


@transaction.atomic
def item_update(*, item: AgendaItem, actor, request=None, **fields) -> AgendaItem:
    """Change an item (its session stays). Raises as item_create does."""
    session = item.session
    _require_manager(actor, session.meeting)
    _check(fields, ITEM_FIELDS)
    documents = _documents(fields.pop("documents")) if "documents" in fields else list(item.documents.all())
    changed = sorted(fields) + (["documents"] if "documents" in fields else [])
    for name, value in fields.items():
        setattr(item, name, value)
    item.presenters = (item.presenters or "").strip()
    _validate_item(item, documents)
    item.save()
    item.documents.set(documents)
    meeting_touch(session.meeting_id)
    audit_record(
        verb="agenda.item_updated", actor=actor, target=session.meeting, request=request, item=item.pk, changed=changed
    )
    return item


@transaction.atomic
def item_delete(*, item: AgendaItem, actor, request=None) -> None:
    """Remove an item from the agenda (its documents stay with the meeting). Raises PermissionDenied."""
    meeting = item.session.meeting
    _require_manager(actor, meeting)
    title = str(item)
    item.delete()
    meeting_touch(meeting.pk)
    audit_record(verb="agenda.item_deleted", actor=actor, target=meeting, request=request, title=title)


@transaction.atomic
def items_reorder(*, session: AgendaSession, item_ids: list[int], actor, request=None) -> None:
    """Put the session's items in the order of `item_ids`, which must name each of them once.

    Raises ValidationError otherwise; PermissionDenied unless the actor manages the meeting.
    """
    _require_manager(actor, session.meeting)
    current = list(session.items.values_list("pk", flat=True))
    if sorted(current) != sorted(item_ids) or len(set(item_ids)) != len(item_ids):
        raise ValidationError(_("The new order must list every item of the session once."))
    items = {item.pk: item for item in session.items.all()}
    for position, pk in enumerate(item_ids):
        items[pk].position = position
    AgendaItem.objects.bulk_update(items.values(), ["position"])
    meeting_touch(session.meeting_id)
    audit_record(
        verb="agenda.items_reordered", actor=actor, target=session.meeting, request=request, session=session.pk
    )


@transaction.atomic
def sessions_reorder(*, meeting: Meeting, session_ids: list[int], actor, request=None) -> None:
    """Order the meeting's sessions as `session_ids` (which must name each once); sessions still
    show by start time, the order decides between sessions that start together.

    Raises ValidationError otherwise; PermissionDenied unless the actor manages the meeting.
    """
    _require_manager(actor, meeting)
    current = list(meeting.sessions.values_list("pk", flat=True))
    if sorted(current) != sorted(session_ids) or len(set(session_ids)) != len(session_ids):
        raise ValidationError(_("The new order must list every session of the meeting once."))
    sessions = {session.pk: session for session in meeting.sessions.all()}
    for position, pk in enumerate(session_ids):
        sessions[pk].position = position
    AgendaSession.objects.bulk_update(sessions.values(), ["position"])
    meeting_touch(meeting.pk)
    audit_record(verb="agenda.sessions_reordered", actor=actor, target=meeting, request=request)


@transaction.atomic
def item_move(*, item: AgendaItem, direction: str, actor, request=None) -> None:
    """Move an item one place up or down within its session (a no-op at either end)."""
    if direction not in ("up", "down"):
        raise ValidationError(_("Move an item up or down."))
    ids = list(item.session.items.values_list("pk", flat=True))
    index = ids.index(item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    items_reorder(session=item.session, item_ids=ids, actor=actor, request=request)
