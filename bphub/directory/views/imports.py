"""The spreadsheet import: upload → preview → apply (or discard), and the template download."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from bphub.directory.models import FocalPoint, ImportBatch
from bphub.directory.permissions import can_manage_member, managed_member_ids
from bphub.directory.services.imports import (
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    OUTCOME_LABELS,
    OUTCOMES,
    ImportFileError,
    import_apply,
    import_discard,
    import_preview,
    import_template,
)
from bphub.members.models import Member

ROWS_PER_PAGE = 100
FIELD_LABELS = {
    "full_name": gettext_lazy("Name (Latin script)"),
    "local_name": gettext_lazy("Name in own script"),
    "title": gettext_lazy("Title / position"),
    "agency": gettext_lazy("Agency"),
    "emails": gettext_lazy("Email addresses"),
    "phones": gettext_lazy("Phone numbers"),
    "roles": gettext_lazy("Roles"),
    "preferred_language": gettext_lazy("Preferred language"),
    "time_zone": gettext_lazy("Time zone"),
}


def _text(value) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "—"
    return str(value) if value not in (None, "") else "—"


def _change_rows(changes: dict) -> list[tuple]:
    return [(FIELD_LABELS.get(name, name), _text(before), _text(after)) for name, (before, after) in changes.items()]


def get_import_batch_for_management(user, pk) -> ImportBatch:
    """The import batch if `user` manages its member's directory; Http404 otherwise, so nothing leaks."""
    batch = get_object_or_404(ImportBatch.objects.select_related("member", "created_by"), pk=pk)
    if not can_manage_member(user, batch.member):
        raise Http404
    return batch


def _importable_members(user):
    managed = managed_member_ids(user)
    if managed == set():
        raise Http404
    members = Member.objects.order_by("code")
    return members if managed is None else members.filter(pk__in=managed)


class ImportUploadForm(forms.Form):
    member = forms.ModelChoiceField(label=gettext_lazy("Member"), queryset=Member.objects.none(), to_field_name="code")
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        if len(members) == 1:
            self.fields["member"].initial = members[0]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is larger than %(max)s MB; split it into smaller files.") % {"max": MAX_FILE_BYTES // 2**20}
            )
        return upload


@login_required
def import_start(request):
    members = _importable_members(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, members=members)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = import_preview(
                member=form.cleaned_data["member"], filename=upload.name, content=upload.read(), actor=request.user
            )
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("directory:import_preview", pk=batch.pk)
    recent = ImportBatch.objects.select_related("member", "created_by").filter(member__in=members)[:10]
    return render(
        request,
        "directory/imports/start.html",
        {
            "form": form,
            "recent": recent,
            "columns": COLUMNS.values(),
            "max_rows": MAX_ROWS,
            "max_mb": MAX_FILE_BYTES // 2**20,
            "area_key": "directory",
        },
    )


@login_required
def import_preview_page(request, pk):
    batch = get_import_batch_for_management(request.user, pk)
    outcome = request.GET.get("outcome", "")
    rows = batch.report.get("rows", [])
    if outcome in OUTCOMES:
        rows = [row for row in rows if row["outcome"] == outcome]
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    people = FocalPoint.objects.select_related("agency").in_bulk([r["match"] for r in page if r["match"]])
    counts = batch.report.get("counts", {})
    return render(
        request,
        "directory/imports/preview.html",
        {
            "batch": batch,
            "page": page,
            "rows": [
                {**row, "person": people.get(row["match"]), "change_rows": _change_rows(row["changes"])} for row in page
            ],
            "outcome": outcome,
            "outcomes": [(key, OUTCOME_LABELS[key], counts.get(key, 0)) for key in OUTCOMES],
            "total": sum(counts.values()),
            "blocked": bool(counts.get("rejected") or counts.get("conflicting")),
            "is_preview": batch.status == ImportBatch.Status.PREVIEWED,
            "area_key": "directory",
        },
    )


@require_POST
@login_required
def import_apply_view(request, pk):
    batch = get_import_batch_for_management(request.user, pk)
    try:
        batch = import_apply(batch=batch, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        applied = batch.report.get("applied", {})
        messages.success(
            request,
            _("Import applied: %(created)s new, %(updated)s updated, %(confirmed)s confirmed unchanged.") % applied,
        )
    return redirect("directory:import_preview", pk=batch.pk)


@require_POST
@login_required
def import_discard_view(request, pk):
    batch = get_import_batch_for_management(request.user, pk)
    try:
        import_discard(batch=batch, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("directory:import_preview", pk=batch.pk)
    messages.success(request, _("The import was discarded; nothing was changed."))
    return redirect(reverse("directory:import_start"))


@login_required
def import_template_download(request, fmt):
    _importable_members(request.user)
    if fmt not in {"xlsx", "csv"}:
        raise Http404
    content, content_type, filename = import_template(fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


urlpatterns = [
    path("import/", import_start, name="import_start"),
    path("import/template.<str:fmt>", import_template_download, name="import_template"),
    path("import/<id:pk>/", import_preview_page, name="import_preview"),
    path("import/<id:pk>/apply/", import_apply_view, name="import_apply"),
    path("import/<id:pk>/discard/", import_discard_view, name="import_discard"),
]
