"""API of the ledger area: rounds, designations (with their lifecycle action), plans, measures, tasks.

Every queryset starts from ``visible_to(user)`` (ScopedViewSetMixin: an id outside the scope is a 404);
related ids are scoped fields (a foreign id is a 400); writes go through the services, which check the
role table and the lifecycle. Saves of plans and tasks carry the version the caller loaded: a save over
someone else's is refused with 409 and the list of what they changed.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.api.base import ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked

from .. import services
from ..filters.ledger import DesignationFilter, TaskFilter
from ..lifecycle import allowed_transitions
from ..models import Designation, Measure, Plan, PlanProblem, Round, Task
from ..rules.plan_gates import current_cycle, open_tasks
from ..selectors import ledger as selectors
from .ledger_serializers import (
    AllowedTransitionsSerializer,
    ConflictSerializer,
    DesignationSerializer,
    MeasureSerializer,
    PlanProblemSerializer,
    PlanProblemUpdateSerializer,
    PlanSerializer,
    RoundSerializer,
    TaskSerializer,
    TransitionSerializer,
)


class AcceptanceExceptionSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AcceptanceExceptionResultSerializer(serializers.Serializer):
    cycle = serializers.IntegerField(allow_null=True, help_text="The plan's current cycle.")
    open_tasks_now = serializers.IntegerField(help_text="Tasks of the current cycle not done.")
    reason = serializers.CharField(allow_blank=True, help_text="The county's reason (empty: no exception).")
    recorded_by = serializers.IntegerField(allow_null=True)
    recorded_at = serializers.DateTimeField(allow_null=True)
    open_tasks = serializers.IntegerField(allow_null=True, help_text="Tasks open when the exception was recorded.")


class RoundViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Rectification rounds: those of the caller's counties (a county admin creates them)."""

    queryset = Round.objects.all()
    serializer_class = RoundSerializer
    permission_resource = "round"  # POST needs the "create" right of the role table
    filterset_fields = ["county", "year"]
    search_fields = ["name"]

    def get_queryset(self):
        return selectors.rounds_visible(self.request.user).order_by("-year", "county__code", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.round_create(user=self.request.user, **serializer.validated_data)


@extend_schema_view(create=extend_schema(summary="Propose an organization (township or county)"))
class DesignationViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The ledger rows: designated organizations with their status, next deadline and overdue tasks."""

    queryset = Designation.objects.all()
    serializer_class = DesignationSerializer
    permission_classes = [ServiceChecked]
    filterset_class = DesignationFilter
    ordering_fields = ["round__year", "organization__division__code", "status"]

    def get_queryset(self):
        return selectors.with_ledger_columns(super().get_queryset()).order_by(
            "-round__year", "organization__division__code", "pk")

    def perform_create(self, serializer):
        serializer.instance = services.designation_propose(user=self.request.user, **serializer.validated_data)

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.data = self.get_serializer(self.get_queryset().get(pk=response.data["id"])).data
        return response

    @extend_schema(methods=["GET"], request=None, responses={200: AllowedTransitionsSerializer},
                   summary="The lifecycle actions the caller may take now")
    @extend_schema(methods=["POST"], request=TransitionSerializer, responses={200: DesignationSerializer},
                   summary="Take a lifecycle action (confirm, submit_plan, approve_plan, return_plan...)")
    @action(detail=True, methods=["get", "post"])
    def transition(self, request, pk=None):
        designation = self.get_object()
        if request.method == "GET":
            allowed = [{"action": t.action, "label": str(t.label), "next_state": t.next_state,
                        "needs_comment": t.needs_comment} for t in allowed_transitions(request.user, designation)]
            return Response({"status": designation.status, "allowed": allowed})
        payload = TransitionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        services.designation_transition(user=request.user, designation=designation,
                                        action=payload.validated_data["action"],
                                        comment=payload.validated_data["comment"])
        return Response(self.get_serializer(self.get_queryset().get(pk=designation.pk)).data)

    @extend_schema(methods=["GET"], request=None, responses={200: AcceptanceExceptionResultSerializer},
                   summary="The current cycle's open tasks and the county's exception for the acceptance application")
    @extend_schema(methods=["POST"], request=AcceptanceExceptionSerializer,
                   responses={200: AcceptanceExceptionResultSerializer},
                   summary="The county allows the acceptance application while tasks of the current cycle are open")
    @action(detail=True, methods=["get", "post"], url_path="acceptance-exception")
    def acceptance_exception(self, request, pk=None):
        designation = self.get_object()
        if request.method == "POST":
            payload = AcceptanceExceptionSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            services.acceptance_exception_record(user=request.user, designation=designation,
                                                 reason=payload.validated_data["reason"])
        plan = Plan.objects.filter(designation=designation).first()
        cycle = current_cycle(plan) if plan is not None else None
        return Response(AcceptanceExceptionResultSerializer({
            "cycle": cycle.number if cycle else None,
            "open_tasks_now": open_tasks(plan).count() if plan is not None else 0,
            "reason": cycle.acceptance_exception_reason if cycle else "",
            "recorded_by": cycle.acceptance_exception_by_id if cycle else None,
            "recorded_at": cycle.acceptance_exception_at if cycle else None,
            "open_tasks": cycle.acceptance_exception_open_tasks if cycle else None}).data)


class _VersionedUpdate:
    """PATCH with ``version``: the service refuses a stale save with ConflictError, which the kernel's exception
    handler answers with 409 and the other person's changes."""

    update_service = None
    object_arg = ""

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        if version is None:
            return Response({"version": [str(_version_required())]}, status=status.HTTP_400_BAD_REQUEST)
        data.pop("measure", None)
        obj = type(self).update_service(user=request.user, expected_version=version, **{self.object_arg: obj}, **data)
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)


def _version_required():
    from django.utils.translation import gettext as _

    return _("Give the version you loaded.")


@extend_schema_view(partial_update=extend_schema(responses={200: PlanSerializer, 409: OpenApiResponse(
    ConflictSerializer, description="Someone else saved the plan since you loaded it.")}))
class PlanViewSet(_VersionedUpdate, ScopedViewSetMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Plans (一村一策): the four essentials and the "four ones", with their cycles."""

    queryset = Plan.objects.all()
    serializer_class = PlanSerializer
    permission_classes = [ServiceChecked]
    http_method_names = ["get", "patch", "head", "options"]
    filterset_fields = ["status", "designation"]
    update_service = staticmethod(services.plan_update)
    object_arg = "plan"

    def get_queryset(self):
        return super().get_queryset().prefetch_related(
            "cycles", Prefetch("problems", queryset=PlanProblem.objects.order_by("sort_order", "pk"))).order_by("pk")


class PlanProblemViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                         mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """The problem list of the plans (问题清单): written while the plan is a draft or returned; a problem that
    measures answer is not deleted."""

    queryset = PlanProblem.objects.all()
    serializer_class = PlanProblemSerializer
    permission_classes = [ServiceChecked]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filterset_fields = ["plan"]

    def get_serializer_class(self):
        return PlanProblemUpdateSerializer if self.action == "partial_update" else PlanProblemSerializer

    def perform_create(self, serializer):
        serializer.instance = services.problem_add(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        problem = serializer.instance
        data = {name: serializer.validated_data.get(name, getattr(problem, name))
                for name in ("item", "description", "cause_analysis")}
        serializer.instance = services.problem_update(user=self.request.user, problem=problem, **data)

    def perform_destroy(self, instance):
        services.problem_remove(user=self.request.user, problem=instance)


class MeasureViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Measure.objects.all()
    serializer_class = MeasureSerializer
    permission_classes = [ServiceChecked]
    filterset_fields = ["plan", "cycle"]

    def perform_create(self, serializer):
        serializer.instance = services.measure_add(user=self.request.user, **serializer.validated_data)


@extend_schema_view(partial_update=extend_schema(responses={200: TaskSerializer, 409: OpenApiResponse(
    ConflictSerializer, description="Someone else saved the task since you loaded it.")}))
class TaskViewSet(_VersionedUpdate, ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                  viewsets.ReadOnlyModelViewSet):
    """Tasks with owner, deadline, status and progress; ``?overdue=true`` lists the overdue ones."""

    queryset = Task.objects.all()
    serializer_class = TaskSerializer
    permission_classes = [ServiceChecked]
    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_class = TaskFilter
    select_related = ("organization",)
    update_service = staticmethod(services.task_update)
    object_arg = "task"

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("version", None)
        data.pop("status", None)
        data.pop("progress", None)
        serializer.instance = services.task_add(user=self.request.user, **data)


def register(router) -> None:
    router.register("rounds", RoundViewSet, basename="round")
    router.register("designations", DesignationViewSet, basename="designation")
    router.register("plans", PlanViewSet, basename="plan")
    router.register("plan-problems", PlanProblemViewSet, basename="plan-problem")
    router.register("measures", MeasureViewSet, basename="measure")
    router.register("tasks", TaskViewSet, basename="task")

