"""API of the bimonthly progress reports: list (filters ``period``, ``year``, ``level``, ``county``) and retrieve,
each in the caller's scope (an id outside it is a 404); ``workbook`` serves the Excel file."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from organizations.api.base import ScopedReadOnlyViewSet

from ..filters.bimonthly_reports import SummaryReportFilter
from ..models import SummaryReport


class SummaryReportSerializer(serializers.ModelSerializer):
    division_name = serializers.CharField(source="division.name", read_only=True)
    level = serializers.CharField(source="division.level", read_only=True)
    workbook_url = serializers.SerializerMethodField()

    class Meta:
        model = SummaryReport
        fields = ["id", "division", "division_name", "level", "county", "period_start", "period_end", "figures",
                  "policy", "previous", "workbook_url", "generated_at"]
        read_only_fields = fields

    def get_workbook_url(self, obj) -> str | None:
        if not obj.workbook:
            return None
        url = reverse("summary-report-workbook", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class SummaryReportViewSet(ScopedReadOnlyViewSet):
    """Bimonthly progress reports of the counties and townships in the caller's scope, with the previous period's
    report id and the deltas in ``figures.deltas``."""

    queryset = SummaryReport.objects.all()
    serializer_class = SummaryReportSerializer
    filterset_class = SummaryReportFilter
    select_related = ("division",)
    ordering_fields = ["period_start", "generated_at"]

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def workbook(self, request, pk=None):
        from ..web.bimonthly_report_views import ReportWorkbookView

        # The page's export view: the same permission check and security-log entry.
        return ReportWorkbookView.as_view()(request._request, pk=self.get_object().pk)


def register(router) -> None:
    router.register("summary-reports", SummaryReportViewSet, basename="summary-report")
