"""API of the annual rectification reports (年度整顿工作报告): list (filters ``year``, ``division``, ``status``) and
retrieve in the caller's scope (an id outside it is a 404); ``POST`` creates or saves the draft of a division and
year; ``PATCH`` saves the text; the actions ``submit``, ``return`` (with a comment) and ``accept``; ``workbook``
serves the statistical form frozen at the submission. Writes go through the services, which check the roles."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.api.base import ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.models import Division

from ..models import AnnualReport
from ..selectors.annual_reports import actions_on
from ..services import annual_reports as services

TEXT = {"required": False, "allow_blank": True, "max_length": services.MAX_TEXT}


class AnnualReportSerializer(serializers.ModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all())
    division_name = serializers.CharField(source="division.name", read_only=True)
    level = serializers.CharField(source="division.level", read_only=True)
    year = serializers.IntegerField(min_value=services.FIRST_YEAR, max_value=2100)
    work_summary = serializers.CharField(**TEXT)
    achievements = serializers.CharField(**TEXT)
    problems = serializers.CharField(**TEXT)
    next_year_plan = serializers.CharField(**TEXT)
    has_workbook = serializers.SerializerMethodField()

    class Meta:
        model = AnnualReport
        fields = ["id", "division", "division_name", "level", "year", "status", "work_summary", "achievements",
                  "problems", "next_year_plan", "has_workbook", "submitted_at", "submitted_by", "reviewed_at",
                  "reviewed_by", "review_comment", "updated_at"]
        read_only_fields = ["status", "submitted_at", "submitted_by", "reviewed_at", "reviewed_by",
                            "review_comment", "updated_at"]
        # The service upserts on (division, year): no unique-together check here.
        validators = []

    def get_has_workbook(self, obj) -> bool:
        return bool(obj.workbook)


class AnnualReportTextSerializer(serializers.Serializer):
    work_summary = serializers.CharField(**TEXT)
    achievements = serializers.CharField(**TEXT)
    problems = serializers.CharField(**TEXT)
    next_year_plan = serializers.CharField(**TEXT)


class ReviewCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=services.MAX_TEXT)


class ActionStateSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="The report's status now.")
    allowed = serializers.BooleanField(help_text="Whether the caller may take this action now.")
    missing = serializers.ListField(child=serializers.CharField(), help_text="Parts to write before submitting.")


class AnnualReportViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                          viewsets.ReadOnlyModelViewSet):
    """Annual reports of the townships and counties in the caller's scope."""

    queryset = AnnualReport.objects.all()
    serializer_class = AnnualReportSerializer
    permission_classes = [ServiceChecked]
    http_method_names = ["get", "post", "patch", "head", "options"]
    select_related = ("division",)
    filterset_fields = ["year", "division", "status"]

    def get_serializer_class(self):
        if self.action == "partial_update":
            return AnnualReportTextSerializer
        if self.action in ("return_report", "accept"):
            return ReviewCommentSerializer
        if self.action == "submit":
            return serializers.Serializer
        return AnnualReportSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.annual_report_save(
            user=self.request.user, division=data["division"], year=data["year"],
            **{name: data[name] for name in services.TEXT_FIELDS if name in data})

    @extend_schema(request=AnnualReportTextSerializer, responses=AnnualReportSerializer)
    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = AnnualReportTextSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        report = services.annual_report_save(user=request.user, division=report.division, year=report.year,
                                             **serializer.validated_data)
        return Response(AnnualReportSerializer(report, context=self.get_serializer_context()).data)

    def _respond(self, report):
        return Response(AnnualReportSerializer(report, context=self.get_serializer_context()).data)

    def _review(self, request, service):
        """GET: may the caller review now; POST: return or accept (``service``) with the comment."""
        if request.method == "GET":
            return self._state("review")
        serializer = ReviewCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._respond(service(user=request.user, report=self.get_object(),
                                     comment=serializer.validated_data.get("comment", "")))

    def _state(self, key: str):
        """GET on an action: may the caller take it now (and, to submit, what is still to be written)."""
        report = self.get_object()
        missing = services.missing_texts(report) if key == "submit" and report.is_editable else []
        return Response({"status": report.status, "allowed": actions_on(self.request.user, report)[key],
                         "missing": missing})

    @extend_schema(methods=["GET"], request=None, responses=ActionStateSerializer)
    @extend_schema(methods=["POST"], request=None, responses=AnnualReportSerializer)
    @action(detail=True, methods=["get", "post"])
    def submit(self, request, pk=None):
        if request.method == "GET":
            return self._state("submit")
        return self._respond(services.annual_report_submit(user=request.user, report=self.get_object()))

    @extend_schema(methods=["GET"], request=None, responses=ActionStateSerializer)
    @extend_schema(methods=["POST"], request=ReviewCommentSerializer, responses=AnnualReportSerializer)
    @action(detail=True, methods=["get", "post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        return self._review(request, services.annual_report_return)

    @extend_schema(methods=["GET"], request=None, responses=ActionStateSerializer)
    @extend_schema(methods=["POST"], request=ReviewCommentSerializer, responses=AnnualReportSerializer)
    @action(detail=True, methods=["get", "post"])
    def accept(self, request, pk=None):
        return self._review(request, services.annual_report_accept)

    @extend_schema(responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                              OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def workbook(self, request, pk=None):
        from ..web.annual_report_views import AnnualReportWorkbookView

        # The page's export view: the same permission check and security-log entry.
        return AnnualReportWorkbookView.as_view()(request._request, pk=self.get_object().pk)


def register(router) -> None:
    router.register("annual-reports", AnnualReportViewSet, basename="annual-report")
