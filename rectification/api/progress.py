"""API of the progress area: progress entries (with evidence uploads), evidence files, period reports, visits.

Every queryset starts from ``visible_to(user)`` (ScopedViewSetMixin: an id outside the scope is a 404),
related ids are scoped fields (a foreign id is a 400), and writes go through the services, which check
the role table ("progress"/"create", "report"/"submit", "visit"/"create").
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from organizations.api.base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked

from ..filters.progress import ContactVisitFilter, EvidenceFileFilter, PeriodReportFilter, ProgressEntryFilter
from ..models import ContactVisit, EvidenceFile, PeriodReport, ProgressEntry
from ..services.progress import progress_entry_add
from ..services.reports import report_submit
from ..services.visits import visit_log
from .progress_serializers import (
    ContactVisitSerializer,
    EvidenceFileSerializer,
    PeriodReportDetailSerializer,
    PeriodReportSerializer,
    ProgressEntrySerializer,
    ReportSubmitSerializer,
)


@extend_schema_view(create=extend_schema(request={"multipart/form-data": ProgressEntrySerializer,
                                                  "application/json": ProgressEntrySerializer}))
class ProgressEntryViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Dated progress entries of plans and tasks; create with multipart ``files`` for the evidence."""

    queryset = ProgressEntry.objects.all()
    serializer_class = ProgressEntrySerializer
    permission_classes = [ServiceChecked]
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filterset_class = ProgressEntryFilter
    select_related = ("author", "organization")
    ordering_fields = ["happened_on", "created_at"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            Prefetch("evidence", queryset=EvidenceFile.objects.select_related("entry").order_by("pk")))

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = progress_entry_add(
            user=self.request.user, plan=data["plan"], task=data.get("task"), happened_on=data["happened_on"],
            content=data["content"], files=data.get("files") or [])


class EvidenceFileViewSet(ScopedReadOnlyViewSet):
    """Evidence files in the caller's scope; ``download`` serves the file itself."""

    queryset = EvidenceFile.objects.all()
    serializer_class = EvidenceFileSerializer
    filterset_class = EvidenceFileFilter
    select_related = ("entry",)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        from ..web.progress_views import evidence_download

        return evidence_download(request._request, pk=self.get_object().pk)


class PeriodReportViewSet(ScopedReadOnlyViewSet):
    """Period reports with their flag; filters ``late``, ``missing``, ``status``, ``township``, ``round``."""

    queryset = PeriodReport.objects.all()
    serializer_class = PeriodReportSerializer
    permission_classes = [ServiceChecked]
    filterset_class = PeriodReportFilter
    select_related = ("organization", "submitted_by")
    ordering_fields = ["period_start", "due_on", "submitted_at"]

    def get_serializer_class(self):
        if self.action in ("retrieve", "submit"):
            return PeriodReportDetailSerializer
        return PeriodReportSerializer

    @extend_schema(methods=["GET"], responses={200: PeriodReportDetailSerializer},
                   description="The report as it would be submitted (its live content while a draft).")
    @extend_schema(methods=["POST"], request=ReportSubmitSerializer,
                   responses={200: PeriodReportDetailSerializer,
                              400: OpenApiResponse(description="Already submitted or no summary")})
    @action(detail=True, methods=["get", "post"])
    def submit(self, request, pk=None):
        """Submit (freeze) the report with a summary of the period."""
        report = self.get_object()
        if request.method == "GET":
            return Response(PeriodReportDetailSerializer(report, context=self.get_serializer_context()).data)
        payload = ReportSubmitSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        report = report_submit(user=request.user, report=report, summary=payload.validated_data["summary"])
        return Response(PeriodReportDetailSerializer(report, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK)


class ContactVisitViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Contact leaders' visits; a contact leader logs a visit to an organization assigned to them."""

    queryset = ContactVisit.objects.all()
    serializer_class = ContactVisitSerializer
    permission_classes = [ServiceChecked]
    filterset_class = ContactVisitFilter
    select_related = ("leader", "entered_by", "organization")
    ordering_fields = ["visited_on"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = visit_log(
            user=self.request.user, plan=data["plan"], visited_on=data["visited_on"], discussed=data["discussed"],
            problems_solved=data.get("problems_solved", ""),
            problems_solved_count=data.get("problems_solved_count", 0), leader_key=data.get("leader_key"))


def register(router) -> None:
    router.register("progress-entries", ProgressEntryViewSet, basename="progress-entry")
    router.register("evidence-files", EvidenceFileViewSet, basename="evidence-file")
    router.register("period-reports", PeriodReportViewSet, basename="period-report")
    router.register("visits", ContactVisitViewSet, basename="contact-visit")
