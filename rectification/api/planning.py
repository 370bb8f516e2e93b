"""API of the planning ledger (规划台账): the county's multi-year plans and their planned organizations.

``multi-year-plans``: list and read in the caller's scope (an id outside it is a 404); ``POST`` creates a plan
of a county, ``PATCH`` changes it; actions ``comparison`` (the plan against the ledger, year by year, and each
planned organization's outcome), ``goals`` (``POST``: set a year's goal), ``entries`` (``POST``: plan an
organization for a year), ``roll-forward`` (``POST``: carry a year's unfinished organizations into the next)
and ``export`` (the workbook for the city). ``plan-entries``: list (filters ``plan``, ``year``), read and
``DELETE``. Writes go through the services (services/planning.py), which check the role table.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.api.base import ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.models import Division, Organization
from organizations.permissions import can

from ..models import MultiYearPlan, PlanEntry, PlanYearGoal
from ..selectors.planning import plan_comparison
from ..services import planning as services

YEAR = {"min_value": services.FIRST_YEAR, "max_value": services.LAST_YEAR}


class PlanYearGoalSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(**YEAR)
    target_transformed = serializers.IntegerField(min_value=0, max_value=100000, required=False, default=0)

    class Meta:
        model = PlanYearGoal
        fields = ["year", "goal", "target_transformed"]
        validators = []


class MultiYearPlanSerializer(serializers.ModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), help_text="The plan's county.")
    division_name = serializers.CharField(source="division.name", read_only=True)
    first_year = serializers.IntegerField(**YEAR)
    last_year = serializers.IntegerField(**YEAR)
    goals = PlanYearGoalSerializer(many=True, read_only=True)

    class Meta:
        model = MultiYearPlan
        fields = ["id", "division", "division_name", "title", "first_year", "last_year", "overall_goal",
                  "adopted_on", "document_number", "rolled_through", "goals", "updated_at"]
        read_only_fields = ["rolled_through", "updated_at"]


class MultiYearPlanUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=200)
    first_year = serializers.IntegerField(required=False, **YEAR)
    last_year = serializers.IntegerField(required=False, **YEAR)
    overall_goal = serializers.CharField(required=False, allow_blank=True)
    adopted_on = serializers.DateField(required=False, allow_null=True)
    document_number = serializers.CharField(required=False, allow_blank=True, max_length=60)


class PlanEntrySerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township = serializers.PrimaryKeyRelatedField(read_only=True)
    year = serializers.IntegerField(**YEAR)
    carried_from_year = serializers.SerializerMethodField()

    class Meta:
        model = PlanEntry
        fields = ["id", "plan", "organization", "organization_name", "township", "year", "goal", "reason",
                  "carried_from", "carried_from_year", "created_at"]
        read_only_fields = ["plan", "carried_from", "created_at"]
        validators = []

    def get_carried_from_year(self, obj) -> int | None:
        return obj.carried_from.year if obj.carried_from_id else None


class YearComparisonSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    goal = serializers.CharField(allow_null=True)
    target_transformed = serializers.IntegerField(allow_null=True)
    planned = serializers.IntegerField()
    planned_designated = serializers.IntegerField()
    planned_rectified = serializers.IntegerField()
    planned_relapsed = serializers.IntegerField()
    designated = serializers.IntegerField(help_text="Weak organizations of the year's round (counting rule).")
    rectified = serializers.IntegerField(help_text="Of them, closed out.")
    unplanned = serializers.ListField(child=serializers.IntegerField(),
                                      help_text="Organizations designated that year outside the plan.")
    carried_forward = serializers.IntegerField()


class EntryOutcomeSerializer(serializers.Serializer):
    entry = serializers.IntegerField()
    organization = serializers.IntegerField()
    year = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["not_designated", "in_progress", "rectified", "relapsed"])
    designation = serializers.IntegerField(allow_null=True)
    designation_status = serializers.CharField(allow_null=True)


class ComparisonSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    years = YearComparisonSerializer(many=True)
    entries = EntryOutcomeSerializer(many=True)


class RollForwardSerializer(serializers.Serializer):
    year = serializers.IntegerField(**YEAR)


class RollStateSerializer(serializers.Serializer):
    rolled_through = serializers.IntegerField(allow_null=True)
    first_year = serializers.IntegerField()
    last_year = serializers.IntegerField()
    allowed = serializers.BooleanField(help_text="Whether the caller may roll the plan forward.")


def comparison_data(comparison) -> dict:
    return {
        "plan": comparison.plan.pk,
        "years": [{"year": row.year, "goal": row.goal.goal if row.goal else None, "target_transformed": row.target,
                   "planned": row.planned, "planned_designated": row.planned_designated,
                   "planned_rectified": row.planned_rectified, "planned_relapsed": row.planned_relapsed,
                   "designated": row.designated, "rectified": row.rectified,
                   "unplanned": [d.organization_id for d in row.unplanned], "carried_forward": row.carried_forward}
                  for row in comparison.years],
        "entries": [{"entry": entry.pk, "organization": entry.organization_id, "year": entry.year,
                     "state": outcome.state, "designation": outcome.designation.pk if outcome.designation else None,
                     "designation_status": outcome.designation.status if outcome.designation else None}
                    for entry, outcome in comparison.entries],
    }


class MultiYearPlanViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                           viewsets.ReadOnlyModelViewSet):
    """The multi-year rectification plans of the counties in the caller's scope."""

    queryset = MultiYearPlan.objects.all()
    serializer_class = MultiYearPlanSerializer
    permission_classes = [ServiceChecked]
    http_method_names = ["get", "post", "patch", "head", "options"]
    select_related = ("division",)
    filterset_fields = ["division"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("goals")

    def get_serializer_class(self):
        return {"partial_update": MultiYearPlanUpdateSerializer, "goals": PlanYearGoalSerializer,
                "entries": PlanEntrySerializer, "roll_forward": RollForwardSerializer}.get(
            self.action, MultiYearPlanSerializer)

    def _plan_data(self, plan):
        plan = self.get_queryset().get(pk=plan.pk)
        return MultiYearPlanSerializer(plan, context=self.get_serializer_context()).data

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        county = data.pop("division")
        serializer.instance = services.multi_year_plan_create(user=self.request.user, county=county, **data)

    @extend_schema(request=MultiYearPlanUpdateSerializer, responses=MultiYearPlanSerializer)
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = MultiYearPlanUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        plan = services.multi_year_plan_update(user=request.user, plan=plan, **serializer.validated_data)
        return Response(self._plan_data(plan))

    @extend_schema(request=None, responses=ComparisonSerializer)
    @action(detail=True, methods=["get"])
    def comparison(self, request, pk=None):
        return Response(comparison_data(plan_comparison(request.user, self.get_object())))

    @extend_schema(methods=["GET"], request=None, responses=PlanYearGoalSerializer(many=True))
    @extend_schema(methods=["POST"], request=PlanYearGoalSerializer, responses=MultiYearPlanSerializer)
    @action(detail=True, methods=["get", "post"])
    def goals(self, request, pk=None):
        """GET: the goals of the plan's years; POST: set one year's goal."""
        plan = self.get_object()
        if request.method == "GET":
            return Response(PlanYearGoalSerializer(plan.goals.all(), many=True).data)
        serializer = PlanYearGoalSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.plan_year_goal_set(user=request.user, plan=plan, **serializer.validated_data)
        return Response(self._plan_data(plan))

    @extend_schema(methods=["GET"], request=None, responses=PlanEntrySerializer(many=True))
    @extend_schema(methods=["POST"], request=PlanEntrySerializer, responses={201: PlanEntrySerializer})
    @action(detail=True, methods=["get", "post"])
    def entries(self, request, pk=None):
        """GET: the plan's organizations in the caller's scope; POST: plan an organization for a year."""
        plan = self.get_object()
        if request.method == "GET":
            rows = PlanEntry.objects.visible_to(request.user).filter(plan=plan).select_related(
                "organization", "carried_from")
            return Response(PlanEntrySerializer(rows, many=True, context=self.get_serializer_context()).data)
        serializer = PlanEntrySerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = services.plan_entry_add(user=request.user, plan=plan, organization=data["organization"],
                                        year=data["year"], goal=data.get("goal", ""), reason=data.get("reason", ""))
        return Response(PlanEntrySerializer(entry, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], request=None, responses=RollStateSerializer)
    @extend_schema(methods=["POST"], request=RollForwardSerializer, responses={200: PlanEntrySerializer(many=True)})
    @action(detail=True, methods=["get", "post"], url_path="roll-forward", url_name="roll-forward")
    def roll_forward(self, request, pk=None):
        """GET: how far the plan was rolled and whether the caller may roll it; POST: roll a year forward."""
        plan = self.get_object()
        if request.method == "GET":
            return Response({"rolled_through": plan.rolled_through, "first_year": plan.first_year,
                             "last_year": plan.last_year, "allowed": can(request.user, "planning", "change", plan)})
        serializer = RollForwardSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        added = services.multi_year_plan_roll_forward(user=request.user, plan=plan,
                                                      year=serializer.validated_data["year"])
        return Response(PlanEntrySerializer(added, many=True, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={(200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                                            OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        from ..web.planning_views import PlanWorkbookView

        return PlanWorkbookView.as_view()(request._request, pk=self.get_object().pk)


class PlanEntryViewSet(ScopedViewSetMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """The planned organizations in the caller's scope (a township sees its own)."""

    queryset = PlanEntry.objects.all()
    serializer_class = PlanEntrySerializer
    permission_classes = [ServiceChecked]
    http_method_names = ["get", "delete", "head", "options"]
    select_related = ("organization", "carried_from")
    filterset_fields = ["plan", "year"]

    def perform_destroy(self, instance):
        services.plan_entry_remove(user=self.request.user, entry=instance)


def register(router) -> None:
    router.register("multi-year-plans", MultiYearPlanViewSet, basename="multi-year-plan")
    router.register("plan-entries", PlanEntryViewSet, basename="plan-entry")
