"""Helpers shared by the people and agency pages: htmx detection, form errors from services,
history rows, field-by-field diffs, source links and the merged-record redirect. No writes here."""

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bphub.core import policy
from bphub.core.i18n import localize
from bphub.core.models import Classification
from bphub.directory.forms import MemberChoiceForm
from bphub.directory.models import AgencyKind, ConfirmedVia, Revision, RoleKind, VerifiedVia
from bphub.directory.permissions import can_manage_member, hidden_agency_ids, managed_member_ids
from bphub.directory.validation import format_phone

FOCAL_POINT_LABELS = {
    "full_name": gettext_lazy("Name (Latin script)"),
    "local_name": gettext_lazy("Name in own script"),
    "title": gettext_lazy("Title / position"),
    "member": gettext_lazy("Member"),
    "agency_label": gettext_lazy("Agency"),
    "emails": gettext_lazy("Email addresses"),
    "phones": gettext_lazy("Phone numbers"),
    "roles": gettext_lazy("Roles"),
    "preferred_language": gettext_lazy("Preferred language"),
    "time_zone": gettext_lazy("Time zone"),
    "classification": gettext_lazy("Who may read it"),
    "released_to": gettext_lazy("Released to"),
    "is_active": gettext_lazy("Active"),
    "review_cadence_days": gettext_lazy("Review every (days)"),
    "last_confirmed_at": gettext_lazy("Last confirmed"),
    "last_confirmed_via": gettext_lazy("Confirmed through"),
    "verified_until": gettext_lazy("Verified until"),
}
AGENCY_LABELS = {
    "name": gettext_lazy("Name"),
    "acronym": gettext_lazy("Acronym"),
    "member": gettext_lazy("Member"),
    "kind": gettext_lazy("Kind"),
    "themes": gettext_lazy("Mandate themes"),
    "website": gettext_lazy("Website"),
    "parent": gettext_lazy("Parent agency"),
    "email_domains": gettext_lazy("Trusted email domains"),
    "classification": gettext_lazy("Who may read it"),
    "is_active": gettext_lazy("Active"),
    "review_cadence_days": gettext_lazy("Review every (days)"),
    "last_confirmed_at": gettext_lazy("Last confirmed"),
}
CONTACT_FIELDS = {"emails", "phones"}


def _choice_label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _when(value: str) -> str:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        try:
            return formats.date_format(date.fromisoformat(value), "DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return formats.date_format(parsed, "DATETIME_FORMAT")


def _role_text(role: dict, themes: dict) -> str:
    label = _choice_label(RoleKind, role.get("kind"))
    if role.get("body"):
        label = f"{label}: {role['body']}"
    elif role.get("theme"):
        label = f"{label}: {themes.get(role['theme'], role['theme'])}"
    start, end = role.get("valid_from"), role.get("valid_to")
    if start or end:
        label += f" ({_when(start) if start else '…'} – {_when(end) if end else _('now')})"
    return label


def _display(key: str, value, lookups: dict) -> str:
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "name" and isinstance(value, dict):
        return " · ".join(f"{code}: {text}" for code, text in value.items() if text)
    if key == "phones":
        return ", ".join(format_phone(number) for number in value)
    if key == "roles":
        return "; ".join(_role_text(role, lookups["themes"]) for role in value)
    if key == "themes":
        return "; ".join(str(lookups["themes"].get(code, code)) for code in value)
    if key == "classification":
        return _choice_label(Classification, value)
    if key == "kind":
        return _choice_label(AgencyKind, value)
    if key == "last_confirmed_via":
        return _choice_label(ConfirmedVia, value)
    if key == "preferred_language":
        return str(dict(settings.CONTENT_LANGUAGES).get(value, value))
    if key == "parent":
        return lookups["agencies"].get(value, "—")
    if key in {"last_confirmed_at", "verified_until"}:
        return _when(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _without_hidden_agencies(snapshot: dict, hidden_agencies: frozenset[int], *, record_type: str) -> dict:
    """The snapshot with the agency (a person's) or the parent (an agency's) blanked when the
    reader may not see it: neither its name nor its id is shown, and it compares as empty."""
    if not snapshot:
        return snapshot
    key = "parent" if record_type == "agency" else "agency"
    if snapshot.get(key) not in hidden_agencies:
        return snapshot
    blanked = {**snapshot, key: None}
    if record_type != "agency":
        blanked["agency_label"] = ""
    return blanked


def diff_rows(before: dict, after: dict, *, record_type: str, user, hidden: set[str] = frozenset()) -> list[dict]:
    """Field-by-field rows {label, before, after, changed} in a fixed order, `hidden` keys left out.

    Agencies `user` may not see (a person's agency, an agency's parent) show as "—".
    """
    from bphub.directory.models import Agency
    from bphub.members.models import Theme

    hidden_agencies = hidden_agency_ids(user)
    before = _without_hidden_agencies(before, hidden_agencies, record_type=record_type)
    after = _without_hidden_agencies(after, hidden_agencies, record_type=record_type)
    labels = AGENCY_LABELS if record_type == "agency" else FOCAL_POINT_LABELS
    lookups = {"themes": {t.code: localize(t.name).text for t in Theme.objects.all()}, "agencies": {}}
    if record_type == "agency":
        ids = {value for value in (before.get("parent"), after.get("parent")) if value}
        parents = policy.visible_to(Agency.all_objects.filter(pk__in=ids), user)
        lookups["agencies"] = {a.pk: str(a) for a in parents}
    rows = []
    for key, label in labels.items():
        if key in hidden:
            continue
        old, new = before.get(key), after.get(key)
        rows.append(
            {
                "key": key,
                "label": label,
                "before": _display(key, old, lookups) if before else "",
                "after": _display(key, new, lookups),
                "changed": bool(before) and old != new,
            }
        )
    return rows


def changed_labels(revision, *, record_type: str, hidden: set[str] = frozenset()) -> list[str]:
    labels = AGENCY_LABELS if record_type == "agency" else FOCAL_POINT_LABELS
    keys = [key for key in revision.changes if key not in hidden]
    return [str(labels[key]) for key in labels if key in keys]


def _try_reverse(names: tuple[str, ...], *args) -> str:
    for name in names:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return ""


def source_link(revision, *, record_url_name: str) -> tuple[str, str]:
    """(text, URL or "") describing where a revision came from, e.g. the import it was applied by."""
    ref = revision.source_ref or ""
    head, _sep, tail = ref.partition(":")
    if head == "import" and tail.isdigit():
        return _("import #%(n)s") % {"n": tail}, _try_reverse(
            ("directory:import_detail", "directory:import_preview", "directory:import_report"), int(tail)
        )
    if head == "proposal" and tail.isdigit():
        return _("proposal #%(n)s") % {"n": tail}, _try_reverse(
            ("directory:proposal_detail", "directory:proposal_review"), int(tail)
        )
    if head == "revision" and tail.isdigit():
        url = reverse(record_url_name.replace("_detail", "_revision"), args=[revision.record_id, int(tail)])
        return _("version %(n)s") % {"n": tail}, url
    if head == "merge" and "->" in tail:
        duplicate, survivor = tail.split("->", 1)
        if duplicate.isdigit() and survivor.isdigit():
            other = duplicate if int(survivor) == revision.record_id else survivor
            return _("merge with #%(n)s") % {"n": other}, reverse(record_url_name, args=[int(other)])
    if head == "account" and tail.isdigit():
        return _("linked to a platform account"), ""
    if ref in VerifiedVia.values:
        return str(VerifiedVia(ref).label), ""
    if ref in ConfirmedVia.values:
        return str(ConfirmedVia(ref).label), ""
    return ref, ""


def merged_survivor(model, user, pk):
    """The record that `pk` was merged into (following chains), if `user` may see it; else None."""
    try:
        record = model.all_objects.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        return None
    seen = set()
    while record.merged_into_id and record.pk not in seen:
        seen.add(record.pk)
        record = model.all_objects.get(pk=record.merged_into_id)
    if record.pk == int(pk) or record.merged_into_id or not policy.can_view(user, record):
        return None
    return record


def is_htmx(request) -> bool:
    """An htmx swap (not a history restore, which needs the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def confirmed_via_for(user) -> str:
    return ConfirmedVia.RSO if policy.is_rso(user) else ConfirmedVia.COORDINATOR


def may_manage(user, record) -> bool:
    return policy.can(user, policy.Action.CHANGE, record) and can_manage_member(user, record.member)


def add_service_error(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, field_messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_messages)
    else:
        form.add_error(None, error.messages)


def member_for_new_record(request):
    """(member, chooser form): the member the new record goes into, or a form to choose it."""
    managed = managed_member_ids(request.user)
    if managed == set():
        raise Http404
    if managed is not None:
        return request.user.member, None
    chooser = MemberChoiceForm(request.GET if "member" in request.GET else None)
    if chooser.is_bound and chooser.is_valid():
        return chooser.cleaned_data["member"], None
    return None, chooser


def revision_author(revision, *, with_contacts: bool) -> str:
    if revision.actor is not None:
        return revision.actor.full_name or (revision.actor.email if with_contacts else "")
    if "@" in revision.actor_label and not with_contacts:
        return ""
    return revision.actor_label


def history_rows(record, revisions, *, record_type: str, detail_url_name: str, hidden: set, with_contacts: bool):
    rows = []
    for revision in revisions:
        text, url = source_link(revision, record_url_name=detail_url_name)
        rows.append(
            {
                "revision": revision,
                "who": revision_author(revision, with_contacts=with_contacts),
                "source": Revision.Source(revision.source).label if revision.source in Revision.Source.values else "",
                "source_text": text,
                "source_url": url,
                "changed": changed_labels(revision, record_type=record_type, hidden=hidden),
            }
        )
    return rows
