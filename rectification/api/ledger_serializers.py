"""Serializers of the ledger API: rounds, designations, plans, measures, tasks."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.api.base import ScopedPrimaryKeyRelatedField
from organizations.models import Division, Organization

from .. import problems as catalogue
from ..models import (
    Category,
    Designation,
    Measure,
    MeasureFamily,
    Plan,
    PlanCycle,
    PlanProblem,
    Round,
    Task,
    TaskStatus,
)
from ..selectors.four_ones import four_ones_by_organization, four_ones_of_organization
from ..services.plans import PLAN_FIELDS


class _RoundsForProposal(serializers.PrimaryKeyRelatedField):
    """A round of a county the caller may propose in (township users do not see rounds as county rows)."""

    def get_queryset(self):
        from ..selectors.ledger import rounds_for_proposal

        request = self.context.get("request")
        return rounds_for_proposal(request.user) if request is not None else Round.objects.none()


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class CategoryCodesField(serializers.Field):
    """Categories as their codes (RSHS01...); resolved against the round's county in ``validate``."""

    default_error_messages = {"invalid": _("Give a list of category codes.")}

    def to_representation(self, value):
        return [category.code for category in value.all()]

    def to_internal_value(self, data):
        if isinstance(data, str):
            data = [data]
        if not isinstance(data, list) or not all(isinstance(code, str) for code in data):
            self.fail("invalid")
        return [code.strip().upper() for code in data if code.strip()]


class RoundSerializer(serializers.ModelSerializer):
    county = ScopedPrimaryKeyRelatedField(queryset=Division.objects.filter(level="county"))
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)

    class Meta:
        model = Round
        fields = ["id", "county", "year", "name", "created_at"]
        read_only_fields = ["created_at"]
        validators = []  # uniqueness is the service's (with a readable message)


class DesignationSerializer(serializers.ModelSerializer):
    round = _RoundsForProposal()
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township = serializers.PrimaryKeyRelatedField(read_only=True)
    categories = CategoryCodesField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    plan = serializers.SerializerMethodField()
    next_deadline = serializers.DateField(read_only=True, allow_null=True)
    overdue_count = serializers.IntegerField(read_only=True)
    last_progress_on = serializers.DateField(read_only=True, allow_null=True)
    earlier_count = serializers.IntegerField(read_only=True, help_text=_("Designations of the organization in "
                                                                         "earlier rounds (a repeat listing)."))

    class Meta:
        model = Designation
        fields = ["id", "round", "organization", "organization_name", "township", "categories", "problems",
                  "status", "status_display", "proposed_by", "proposed_at", "confirmed_by", "confirmed_at",
                  "closed_out_on", "consolidation_until", "plan", "next_deadline", "overdue_count",
                  "last_progress_on", "earlier_count"]
        read_only_fields = ["status", "proposed_by", "proposed_at", "confirmed_by", "confirmed_at",
                            "closed_out_on", "consolidation_until"]
        validators = []

    def validate(self, attrs):
        round_ = attrs.get("round")
        codes = attrs.get("categories") or []
        if round_ is not None:
            known: dict[str, Category] = {}
            for category in Category.objects.filter(Q(county__isnull=True) | Q(county_id=round_.county_id),
                                                    code__in=codes, is_active=True).order_by("-county_id"):
                known[category.code] = category  # the national one wins over a county's homonym
            unknown = [code for code in codes if code not in known]
            if unknown:
                raise serializers.ValidationError({"categories": _("Unknown category: %(codes)s.") % {
                    "codes": "、".join(unknown)}})
            attrs["categories"] = [known[code] for code in dict.fromkeys(codes)]
        return attrs

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_plan(self, obj):
        plan = getattr(obj, "plan", None) if _has_plan(obj) else None
        return plan.pk if plan else None


def _has_plan(obj) -> bool:
    try:
        return obj.plan is not None
    except Plan.DoesNotExist:
        return False


class TransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class AllowedTransitionSerializer(serializers.Serializer):
    action = serializers.CharField()
    label = serializers.CharField()
    next_state = serializers.CharField()
    needs_comment = serializers.BooleanField()


class AllowedTransitionsSerializer(serializers.Serializer):
    status = serializers.CharField()
    allowed = AllowedTransitionSerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current_version = serializers.IntegerField()
    changes = ChangeSerializer(many=True)


class PlanCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanCycle
        fields = ["id", "number", "started_on", "deadline", "reason", "closed_on"]


def four_ones_data(found) -> dict:
    """The "four ones" of the cadres records as the API answers them (names and posts only)."""
    people = {kind: [{"id": p.key, "name": p.name, "detail": p.detail, "label": p.label} for p in found.of(kind)]
              for kind in ("contact_leader", "first_secretary", "helping_unit")}
    return {"contact_leaders": people["contact_leader"], "first_secretaries": people["first_secretary"],
            "helping_units": people["helping_unit"], "missing": found.missing()}


class PlanProblemSerializer(serializers.ModelSerializer):
    """A problem of the plan's problem list (问题清单): a catalogue item (rectification/problems.py), how it
    shows in the organization, its cause analysis."""

    plan = ScopedPrimaryKeyRelatedField(queryset=Plan.objects.all())
    item = serializers.ChoiceField(choices=[(i.code, i.label) for i in catalogue.ITEMS], help_text=_(
        "The catalogue item's code: RSHS01-RSHS10 (the national types), DB-REN, DB-ZHANG, DB-CHANG, DB-QIAN "
        "(the four shortages), P1-QT to P5-QT (other problems of a group)."))
    group = serializers.SerializerMethodField()
    label = serializers.CharField(read_only=True)
    description = serializers.CharField(max_length=2000)
    cause_analysis = serializers.CharField(max_length=2000)

    class Meta:
        model = PlanProblem
        fields = ["id", "plan", "item", "group", "label", "description", "cause_analysis", "sort_order"]
        read_only_fields = ["sort_order"]

    def get_group(self, problem) -> str:
        found = catalogue.item(problem.item)
        return found.group.name if found is not None else ""


class PlanProblemUpdateSerializer(PlanProblemSerializer):
    plan = serializers.PrimaryKeyRelatedField(read_only=True)


class PlanListSerializer(serializers.ListSerializer):
    """Reads the "four ones" of a whole page at once (the provider's two queries, not two per plan)."""

    def to_representation(self, data):
        plans = list(data.all() if hasattr(data, "all") else data)
        self._context["four_ones"] = four_ones_by_organization([plan.organization_id for plan in plans])
        return super().to_representation(plans)


class PlanSerializer(serializers.ModelSerializer):
    four_ones = serializers.SerializerMethodField(help_text=_(
        "Read only: the county contact leader(s), first secretary and helping unit(s) of the organization today, "
        "as the cadres records keep them (the township leader is the plan's own field)."))
    cycles = PlanCycleSerializer(many=True, read_only=True)
    problems = PlanProblemSerializer(many=True, read_only=True, help_text=_(
        "The problem list (问题清单); written through /plan-problems/."))
    version = serializers.IntegerField(help_text=_("The version you loaded; a save over someone else's is "
                                                   "refused with 409."))

    class Meta:
        model = Plan
        fields = ["id", "designation", "status", *PLAN_FIELDS, "four_ones", "review_comment", "reviewed_by",
                  "reviewed_at", "version", "updated_at", "cycles", "problems"]
        read_only_fields = ["designation", "status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"]
        list_serializer_class = PlanListSerializer

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_four_ones(self, plan) -> dict:
        found = self.context.get("four_ones", {}).get(plan.organization_id)
        return four_ones_data(found if found is not None else four_ones_of_organization(plan.organization_id))


class MeasureSerializer(serializers.ModelSerializer):
    plan = ScopedPrimaryKeyRelatedField(queryset=Plan.objects.all())
    family = serializers.ChoiceField(choices=MeasureFamily.choices, default=MeasureFamily.OTHER)
    problem = ScopedPrimaryKeyRelatedField(queryset=PlanProblem.objects.all(), required=False, allow_null=True,
                                           help_text=_("The problem of the plan's problem list the measure "
                                                       "answers (a plan is submitted only when every measure "
                                                       "answers one)."))

    class Meta:
        model = Measure
        fields = ["id", "plan", "cycle", "title", "family", "problem", "sort_order"]
        read_only_fields = ["cycle", "sort_order"]


class TaskSerializer(serializers.ModelSerializer):
    measure = ScopedPrimaryKeyRelatedField(queryset=Measure.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township = serializers.PrimaryKeyRelatedField(read_only=True)
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    version = serializers.IntegerField(required=False, help_text=_(
        "Required when changing a task: the version you loaded; a save over someone else's is refused with 409."))

    class Meta:
        model = Task
        fields = ["id", "measure", "plan", "cycle", "organization", "organization_name", "township", "title",
                  "owner_name", "deadline", "status", "progress", "completed_on", "version", "updated_at"]
        read_only_fields = ["plan", "cycle", "organization", "completed_on", "updated_at"]
