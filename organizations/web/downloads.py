"""A background export's page (progress, then the download link) and its file: the requester's only
(anyone else, whatever their scope, gets a 404)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, render

from ..exports.background import export_file_response
from ..models import ExportRun
from ..registry import registry
from .base import scoped_to


def _own(request, pk) -> ExportRun:
    return get_object_or_404(ExportRun.objects.filter(user=request.user), pk=pk)


@login_required
@scoped_to(ExportRun)
def download_page(request, pk):
    run = _own(request, pk)  # someone else's run: 404 whatever the method
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    export = registry.background_exports.get(run.export)
    return render(request, "organizations/download.html", {
        "run": run, "label": export.label if export else run.export, "refresh": not run.finished,
        "retention": settings.EXPORT_FILE_RETENTION_DAYS})


@login_required
@scoped_to(ExportRun)
def download_file(request, pk):
    run = _own(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return export_file_response(request, run)
