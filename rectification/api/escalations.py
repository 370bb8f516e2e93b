"""API of the escalation ladder: escalations (a reminder raised by hand; ``escalate``, ``resolve`` and
``instruction`` actions), the county leaders' instructions, the circulars.

Every queryset starts from ``visible_to(user)`` (an id outside the scope is a 404), related ids are scoped
fields (a foreign id is a 400), and every write goes through the services (services/escalations.py), which check
the role table ("escalation", "circular", "instruction"): a role that may not gets 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.api.base import ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.permissions import acting_division

from ..filters.escalations import EscalationFilter
from ..models import Circular, Escalation, Instruction
from ..services import escalations as services
from .escalations_serializers import (
    CircularSerializer,
    EscalateSerializer,
    EscalationCreateSerializer,
    EscalationSerializer,
    EscalationStepSerializer,
    InstructionSerializer,
    ResolveSerializer,
)


class EscalationViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Escalations (提醒 → 督办 → 约谈 → 通报 → 问责) with their steps; filter by state, rung, cause, township.
    POST raises a reminder on an organization."""

    queryset = Escalation.objects.all()
    serializer_class = EscalationSerializer
    permission_classes = [ServiceChecked]
    filterset_class = EscalationFilter
    ordering_fields = ["opened_on", "deadline"]
    select_related = ("organization",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("steps__circular")

    @extend_schema(request=EscalationCreateSerializer, responses={201: EscalationSerializer})
    def create(self, request, *args, **kwargs):
        payload = EscalationCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        escalation = services.escalation_open(user=request.user, **payload.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=escalation.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(methods=["POST"], request=EscalateSerializer, responses={200: EscalationStepSerializer})
    @extend_schema(methods=["GET"], responses={200: EscalationStepSerializer(many=True)})
    @action(detail=True, methods=["get", "post"])
    def escalate(self, request, pk=None):
        """GET: the steps taken; POST: the next rung with its record (督办, 约谈, 问责)."""
        escalation = self.get_object()
        if request.method == "GET":
            return Response(EscalationStepSerializer(escalation.steps.all(), many=True).data)
        payload = EscalateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        step = services.escalation_escalate(user=request.user, escalation=escalation, **payload.validated_data)
        return Response(EscalationStepSerializer(step).data)

    @extend_schema(methods=["POST"], request=ResolveSerializer, responses={200: EscalationSerializer})
    @extend_schema(methods=["GET"], responses={200: EscalationSerializer})
    @action(detail=True, methods=["get", "post"])
    def resolve(self, request, pk=None):
        """POST: resolve the escalation (its clock stops)."""
        escalation = self.get_object()
        if request.method == "POST":
            payload = ResolveSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            services.escalation_resolve(user=request.user, escalation=escalation, **payload.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=escalation.pk)).data)


class InstructionViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """County leaders' instructions (批示) on escalations or organizations; POST writes one (county leaders)."""

    queryset = Instruction.objects.all()
    serializer_class = InstructionSerializer
    permission_classes = [ServiceChecked]
    filterset_fields = ["organization", "escalation"]
    select_related = ("written_by",)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.instruction_write(
            user=self.request.user, text=data["text"], organization=data.get("organization"),
            escalation=data.get("escalation"))


class CircularViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Circulars (通报) of the county listing organizations and reasons; POST issues one (county admin): the
    escalations named climb to the circular rung."""

    queryset = Circular.objects.all()
    serializer_class = CircularSerializer
    permission_classes = [ServiceChecked]
    select_related = ("division",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("steps")

    def perform_create(self, serializer):
        data = serializer.validated_data
        county = acting_division(self.request.user, "circular", "issue")
        if county is None:
            raise PermissionDenied
        serializer.instance = services.circular_issue(
            user=self.request.user, county=county, number=data["number"], title=data["title"],
            issued_on=data["issued_on"], body=data.get("body", ""), escalations=data["escalations"])


def register(router) -> None:
    router.register("escalations", EscalationViewSet, basename="escalation")
    router.register("instructions", InstructionViewSet, basename="instruction")
    router.register("circulars", CircularViewSet, basename="circular")
