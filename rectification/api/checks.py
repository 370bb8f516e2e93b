"""API of the check records: six-monthly checks, year-end acceptance meetings, follow-up reviews (回头看).

Every queryset starts from ``visible_to(user)`` (ScopedViewSetMixin: an id outside the scope is a 404), the
designation and measures are scoped fields (a foreign id is a 400), and entering (POST) and correcting (PATCH)
go through the same services as the pages (services/checks.py), which check the role table ("check",
"acceptance", "follow_up" × "create"/"change": a role that only reads gets 403) and the lifecycle. A
correction is kept in the audit trail.
"""

from __future__ import annotations

from rest_framework import mixins, viewsets

from organizations.api.base import ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked

from ..models import AcceptanceReview, DisciplineCase, FollowUpReview, SixMonthlyCheck
from ..services import checks as services
from ..services.discipline import discipline_case_record
from .checks_serializers import (
    AcceptanceReviewSerializer,
    DisciplineCaseSerializer,
    FollowUpReviewSerializer,
    SixMonthlyCheckSerializer,
)


class _RecordViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     viewsets.ReadOnlyModelViewSet):
    """List, read, enter (POST with its designation) and correct (PATCH) one kind of check record."""

    permission_classes = [ServiceChecked]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["designation"]
    select_related = ("organization", "entered_by")
    #: The record's fields the services take (a PATCH keeps the stored value of those it leaves out).
    service_fields: tuple[str, ...] = ()
    create_service = None
    update_service = None
    object_arg = ""

    def service_arguments(self, data: dict, record=None) -> dict:
        values = {name: getattr(record, name) for name in self.service_fields} if record is not None else {}
        values.update({name: data[name] for name in self.service_fields if name in data})
        return values

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = type(self).create_service(user=self.request.user, designation=data["designation"],
                                                        **self.service_arguments(data))

    def perform_update(self, serializer):
        record = serializer.instance
        serializer.instance = type(self).update_service(
            user=self.request.user, **{self.object_arg: record},
            **self.service_arguments(serializer.validated_data, record))


class SixMonthlyCheckViewSet(_RecordViewSet):
    """Six-monthly checks (半年检查): date, checkers, findings overall and per measure, score, grade, the
    rectification demanded."""

    queryset = SixMonthlyCheck.objects.all()
    serializer_class = SixMonthlyCheckSerializer
    ordering_fields = ["checked_on"]
    service_fields = ("checked_on", "checkers", "findings", "grade", "score", "rectification_demanded",
                      "rectify_by")
    create_service = staticmethod(services.check_record)
    update_service = staticmethod(services.check_update)
    object_arg = "record"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("measure_findings__measure")

    def service_arguments(self, data: dict, record=None) -> dict:
        values = super().service_arguments(data, record)
        if "measure_findings" in data:
            values["measure_findings"] = {row["measure"].pk: row["finding"] for row in data["measure_findings"]}
        return values


class AcceptanceReviewViewSet(_RecordViewSet):
    """Year-end acceptance meetings (年终验收): date, members, opinions, score, result; a passed one lets the
    satisfaction evaluation open. Corrected until that evaluation is opened."""

    queryset = AcceptanceReview.objects.all()
    serializer_class = AcceptanceReviewSerializer
    ordering_fields = ["held_on"]
    service_fields = ("held_on", "members", "opinions", "result", "score")
    create_service = staticmethod(services.acceptance_record)
    update_service = staticmethod(services.acceptance_update)
    object_arg = "review"


class FollowUpReviewViewSet(_RecordViewSet):
    """Follow-up reviews (回头看) of closed-out organizations; a relapse puts the organization back on a list
    (``outcome``). A correction keeps the finding."""

    queryset = FollowUpReview.objects.all()
    serializer_class = FollowUpReviewSerializer
    ordering_fields = ["reviewed_on"]
    service_fields = ("reviewed_on", "reviewers", "finding", "notes")
    create_service = staticmethod(services.follow_up_record)
    update_service = staticmethod(services.follow_up_update)
    object_arg = "review"


class DisciplineCaseViewSet(_RecordViewSet):
    """Violations of discipline or law investigated in designated organizations (查处违纪违法行为): date,
    summary, who handled it. Entered (POST) by the roles that enter check records; not corrected (no PATCH)."""

    queryset = DisciplineCase.objects.all()
    serializer_class = DisciplineCaseSerializer
    http_method_names = ["get", "post", "head", "options"]
    ordering_fields = ["decided_on"]
    service_fields = ("decided_on", "summary", "handled_by")
    create_service = staticmethod(discipline_case_record)


def register(router) -> None:
    router.register("six-monthly-checks", SixMonthlyCheckViewSet, basename="six-monthly-check")
    router.register("acceptance-reviews", AcceptanceReviewViewSet, basename="acceptance-review")
    router.register("follow-up-reviews", FollowUpReviewViewSet, basename="follow-up-review")
    router.register("discipline-cases", DisciplineCaseViewSet, basename="discipline-case")
