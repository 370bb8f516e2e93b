"""Serializers of the check records' API: they parse and present; the services (services/checks.py) validate
and write."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from organizations.api.base import ScopedPrimaryKeyRelatedField

from ..models import (
    AcceptanceReview,
    CheckFinding,
    Designation,
    DisciplineCase,
    FollowUpReview,
    Measure,
    SixMonthlyCheck,
)

#: Fields every record shows the same way: where it belongs and who entered it.
COMMON_FIELDS = ["id", "designation", "organization", "organization_name", "township", "entered_by",
                 "entered_by_name", "created_at"]
COMMON_READ_ONLY = ["organization", "township", "entered_by", "created_at"]


class _RecordSerializer(serializers.ModelSerializer):
    designation = ScopedPrimaryKeyRelatedField(queryset=Designation.objects.all(), label=_("designation"),
                                               help_text=_("Given when the record is entered; not changed later."))
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    entered_by_name = serializers.CharField(source="entered_by.display_name", read_only=True, default="")


class CheckFindingSerializer(serializers.ModelSerializer):
    measure = ScopedPrimaryKeyRelatedField(queryset=Measure.objects.all(), label=_("measure"))
    measure_title = serializers.CharField(source="measure.title", read_only=True)
    finding = serializers.CharField(max_length=5000, allow_blank=True,
                                    help_text=_("Empty: the finding on this measure is removed."))

    class Meta:
        model = CheckFinding
        fields = ["measure", "measure_title", "finding"]


class SixMonthlyCheckSerializer(_RecordSerializer):
    measure_findings = CheckFindingSerializer(many=True, required=False, help_text=_(
        "Findings per measure of the plan; on a change only the measures named are rewritten."))

    class Meta:
        model = SixMonthlyCheck
        fields = [*COMMON_FIELDS, "checked_on", "period_start", "checkers", "findings", "score", "grade",
                  "rectification_demanded", "rectify_by", "measure_findings"]
        read_only_fields = [*COMMON_READ_ONLY, "period_start"]


class AcceptanceReviewSerializer(_RecordSerializer):
    class Meta:
        model = AcceptanceReview
        fields = [*COMMON_FIELDS, "cycle_number", "held_on", "members", "opinions", "score", "result"]
        read_only_fields = [*COMMON_READ_ONLY, "cycle_number"]


class FollowUpReviewSerializer(_RecordSerializer):
    outcome = serializers.SerializerMethodField(help_text=_(
        "When the review is entered: relapse (back to rectification), proposed (for the next round), listed "
        "(already on another list) or empty."))

    class Meta:
        model = FollowUpReview
        fields = [*COMMON_FIELDS, "reviewed_on", "reviewers", "finding", "notes", "outcome"]
        read_only_fields = COMMON_READ_ONLY

    def get_outcome(self, obj) -> str:
        return getattr(obj, "outcome", "")


class DisciplineCaseSerializer(_RecordSerializer):
    """A violation of discipline or law investigated in a designated organization (the statistical form's last
    column); entered once, as the page does (no correction)."""

    class Meta:
        model = DisciplineCase
        fields = [*COMMON_FIELDS, "decided_on", "summary", "handled_by"]
        read_only_fields = COMMON_READ_ONLY
