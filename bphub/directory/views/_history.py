"""The history and merge pages that agencies and focal points share: one version's diff, restoring a
version (as a new one), and the two-step merge (pick the other record, then compare and keep one).

Each page is given its record already fetched through the app's permissions (`get_<x>_for_view` or
`get_<x>_for_change`), and what differs between the two kinds as plain arguments.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from bphub.core.audit import audit_sensitive_read
from bphub.core.ids import parse_id
from bphub.directory.forms import MergeForm
from bphub.directory.models import Revision
from bphub.directory.services import records
from bphub.directory.views._common import diff_rows, revision_author, source_link


def revision_or_404(record, number: int) -> Revision:
    try:
        return records.revision_get(record, number)
    except Revision.DoesNotExist:
        raise Http404 from None


def revision_page(request, record, number: int, *, kind: str, template: str, with_contacts: bool, hidden: set,
                  manages: bool):
    """One version of `record` against the one before it (or, with ?against=current, the record now).
    `kind` is "agency" or "person"; `hidden` names fields the reader may not see."""
    revision = revision_or_404(record, number)
    audit_sensitive_read(user=request.user, record=record, request=request)
    against_current = request.GET.get("against") == "current"
    before, after = records.revision_compare(record, revision, against_current=against_current)
    record_type = "agency" if kind == "agency" else "focal_point"
    text, url = source_link(revision, record_url_name=f"directory:{kind}_detail")
    context = {
        "record": record,
        "revision": revision,
        "who": revision_author(revision, with_contacts=with_contacts),
        "source_text": text,
        "source_url": url,
        "against_current": against_current,
        "is_latest": revision.number >= records.revision_count(record),
        "rows": diff_rows(before, after, record_type=record_type, user=request.user, hidden=hidden),
        "manages": manages,
        "area_key": "directory",
    }
    return render(request, template, context)


def restore_revision(request, record, number: int, *, restore: Callable, history_url: str, **url_kwargs):
    """Write version `number` back as a new version (`restore(record, revision, actor)`)."""
    revision = revision_or_404(record, number)
    try:
        restore(record, revision, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Version %(n)d restored (as a new version).") % {"n": revision.number})
    return redirect(history_url, **url_kwargs)


@dataclass(frozen=True)
class MergeKind:
    """What the merge pages need to know of one kind of record."""

    pick_template: str
    merge_template: str
    get_for_change: Callable  # (user, pk) -> record, Http404 when the user may not change it
    suggestions: Callable  # (record, user) -> likely duplicates the user may see
    search: Callable  # (record, user, query) -> records found by the reader's search
    merge: Callable  # (survivor, duplicate, actor) -> survivor
    side: Callable  # (record, user) -> what a reviewer compares


def merge_page(request, record, kind: MergeKind):
    other_id = request.POST.get("other") or request.GET.get("other")
    if not other_id:
        query = request.GET.get("q", "").strip()
        context = {
            "record": record,
            "suggestions": kind.suggestions(record, request.user),
            "query": query,
            "found": kind.search(record, request.user, query) if query else [],
            "area_key": "directory",
        }
        return render(request, kind.pick_template, context)
    other = kind.get_for_change(request.user, parse_id(other_id))  # None (not an id): 404
    if other.pk == record.pk:
        raise Http404
    form = MergeForm(request.POST or None, initial={"keep": "this"})
    if request.method == "POST" and form.is_valid():
        keep_this = form.cleaned_data["keep"] == "this"
        survivor, duplicate = (record, other) if keep_this else (other, record)
        try:
            kind.merge(survivor, duplicate, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(duplicate)s was merged into %(survivor)s.") % {"duplicate": duplicate, "survivor": survivor},
            )
            return redirect(survivor)
    context = {
        "record": record,
        "other": other,
        "form": form,
        "sides": [kind.side(record, request.user), kind.side(other, request.user)],
        "same_member": record.member_id == other.member_id,
        "area_key": "directory",
    }
    return render(request, kind.merge_template, context)
