"""Exports of the directory (any filter) and of engagement lists to XLSX, CSV and vCard."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.http import urlencode
from django.utils.text import slugify

from bphub.directory.permissions import can_see_contacts, get_engagement_list_for_view
from bphub.directory.selectors import DirectoryFilter, focal_point_search
from bphub.directory.services.exports import EXPORT_FORMATS, ExportTooLarge, focal_point_export
from bphub.directory.services.lists import criteria_in_words, engagement_list_audience


def _download(export) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export_or_explain(request, *, people, params, name, words, engagement_list=None):
    fmt = request.GET.get("format", "")
    status = 200
    if fmt in EXPORT_FORMATS:
        try:
            export = focal_point_export(
                user=request.user,
                people=people,
                fmt=fmt,
                params=params,
                name=name,
                engagement_list=engagement_list,
                request=request,
            )
        except ExportTooLarge as error:
            status, too_large = 400, error
        else:
            return _download(export)
    else:
        too_large = None
        status = 400 if fmt else 200
    query = "" if engagement_list is not None else urlencode(params)
    return render(
        request,
        "directory/lists/export.html",
        {
            "count": people.count() if too_large is None else too_large.count,
            "too_large": too_large,
            "bad_format": bool(fmt) and fmt not in EXPORT_FORMATS,
            "criteria": words,
            "query": f"&{query}" if query else "",
            "engagement_list": engagement_list,
            "with_contacts": can_see_contacts(request.user),
            "area_key": "directory",
        },
        status=status,
    )


@login_required
def directory_export(request):
    """`?format=xlsx|csv|vcf` plus DirectoryFilter parameters; without a format, a page to choose one."""
    flt = DirectoryFilter.from_params(request.GET)
    return _export_or_explain(
        request,
        people=focal_point_search(request.user, flt),
        params=flt.as_params(),
        name="directory",
        words=criteria_in_words(flt, request.user),
    )


@login_required
def list_export(request, pk):
    engagement_list = get_engagement_list_for_view(request.user, pk)
    return _export_or_explain(
        request,
        people=engagement_list_audience(engagement_list=engagement_list, user=request.user),
        params=engagement_list.criteria,
        name=slugify(engagement_list.name)[:40] or "list",
        words=None,
        engagement_list=engagement_list,
    )


urlpatterns = [
    path("export/", directory_export, name="export"),
    path("lists/<id:pk>/export/", list_export, name="list_export"),
]
