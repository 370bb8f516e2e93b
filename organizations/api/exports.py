"""The caller's background exports (``ExportRun``) through the API: an export asked with ``?format=xlsx`` above
``EXPORT_SYNC_MAX_ROWS`` answers 202 with its run; the client polls the run, then downloads its file.

As on the pages (``organizations.web.downloads``), a run is its requester's only: anyone else's, whatever their
scope, is a 404 (the run, its file, any method).
"""

from __future__ import annotations

import json

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer

from ..exports.background import export_file_response
from ..exports.excel import XLSX_CONTENT_TYPE
from ..filters.base import is_id
from ..models import ExportRun, JobStatus


class ExportRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True, help_text="Share of the rows written (100 when done).")
    file = serializers.SerializerMethodField(help_text="The workbook's download link once the run is done, else null.")
    page = serializers.SerializerMethodField(help_text="The run's page (progress, then the download link).")

    class Meta:
        model = ExportRun
        fields = ("id", "export", "params", "status", "total", "done", "percent", "filename", "error",
                  "requested_at", "started_at", "finished_at", "file_deleted_at", "file", "page")
        read_only_fields = fields

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(OpenApiTypes.URI)
    def get_file(self, run) -> str | None:
        if run.status != JobStatus.DONE or not run.file:
            return None
        return self._absolute(reverse("export-run-file", args=[run.pk]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_page(self, run) -> str:
        return self._absolute(reverse("organizations:download", args=[run.pk]))


class XlsxFileRenderer(BaseRenderer):
    """Lets a client ask for the workbook by its type (``Accept``); the file itself is a ``FileResponse``."""

    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()


def export_run_payload(run: ExportRun, request) -> dict:
    """The JSON of a run (the 202 of an export sent to a worker, and the run's own endpoint)."""
    return ExportRunSerializer(run, context={"request": request}).data


class ExportRunViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's own background exports, newest first; ``file/`` downloads a finished run's workbook."""

    queryset = ExportRun.objects.all()
    serializer_class = ExportRunSerializer
    filter_backends = []

    def get_queryset(self):
        return ExportRun.objects.filter(user=self.request.user).order_by("-requested_at", "-pk")

    def check_permissions(self, request):
        # Someone else's run, or a lookup that is not an id: 404 whatever the method, before anything else.
        lookup = self.kwargs.get("pk")
        if lookup is not None and (not is_id(lookup) or (
                request.user.is_authenticated and not self.get_queryset().filter(pk=lookup).exists())):
            raise Http404
        super().check_permissions(request)

    @extend_schema(responses={(200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description=(
        "The workbook (404 until the run is done)."))})
    @action(detail=True, methods=["get"], url_path="file", url_name="file",
            renderer_classes=[JSONRenderer, XlsxFileRenderer])
    def file(self, request, pk=None):
        return export_file_response(request, self.get_object())
