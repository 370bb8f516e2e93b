"""API of the satisfaction evaluation: evaluations (open, close, decide), voter-group counts, single ballots.

Every queryset starts from ``visible_to(user)`` (an id outside the scope is a 404), related ids are
scoped fields (a foreign id is a 400), and every write goes through a service that checks the role
table ("evaluation": open / count / close / decide).
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.api.base import ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked

from ..filters.satisfaction import BallotFilter, EvaluationFilter, VoterGroupFilter
from ..models import Ballot, Evaluation, VoterGroup
from ..services import satisfaction as services
from .satisfaction_serializers import (
    BallotSerializer,
    CloseSerializer,
    DecideSerializer,
    EvaluationCreateSerializer,
    EvaluationDetailSerializer,
    EvaluationSerializer,
    VoterGroupSerializer,
)

COUNT_FIELDS = ("satisfied", "basically_satisfied", "dissatisfied", "abstained", "invalid")


class EvaluationViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Satisfaction evaluations; create opens one for a designation that applied for acceptance."""

    queryset = Evaluation.objects.all()
    serializer_class = EvaluationSerializer
    permission_classes = [ServiceChecked]
    filterset_class = EvaluationFilter
    select_related = ("organization",)
    ordering_fields = ["held_on", "rate", "decided_at"]

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("groups")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return EvaluationDetailSerializer
        return EvaluationSerializer

    def _detail(self, evaluation, code=status.HTTP_200_OK):
        evaluation = self.get_queryset().prefetch_related("groups").get(pk=evaluation.pk)
        return Response(EvaluationDetailSerializer(evaluation, context=self.get_serializer_context()).data,
                        status=code)

    @extend_schema(request=EvaluationCreateSerializer, responses={201: EvaluationDetailSerializer})
    def create(self, request, *args, **kwargs):
        payload = EvaluationCreateSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        evaluation = services.evaluation_create(user=request.user, **payload.validated_data)
        return self._detail(evaluation, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses={200: EvaluationDetailSerializer},
                   description="The evaluation as it stands (what closing would freeze).")
    @extend_schema(methods=["POST"], request=CloseSerializer, responses={
        200: EvaluationDetailSerializer,
        400: OpenApiResponse(description="Voting is already closed, or a group is short and not confirmed")})
    @action(detail=True, methods=["get", "post"])
    def close(self, request, pk=None):
        """Close the voting: the totals and the policy values are frozen, the rate computed."""
        if request.method == "GET":
            return self._detail(self.get_object())
        payload = CloseSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        evaluation = services.evaluation_close(user=request.user, evaluation=self.get_object(),
                                               shortfall_confirmed=payload.validated_data["confirm_shortfall"])
        return self._detail(evaluation)

    @extend_schema(methods=["GET"], responses={200: EvaluationDetailSerializer},
                   description="The evaluation with its frozen totals, rate and policy values.")
    @extend_schema(methods=["POST"], request=DecideSerializer, responses={200: EvaluationDetailSerializer})
    @action(detail=True, methods=["get", "post"])
    def decide(self, request, pk=None):
        """Apply the decision of a closed evaluation now (once; a decided evaluation is returned unchanged)."""
        if request.method == "GET":
            return self._detail(self.get_object())
        payload = DecideSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        evaluation = services.evaluation_decide(evaluation=self.get_object(), user=request.user,
                                                new_deadline=payload.validated_data.get("new_deadline"))
        return self._detail(evaluation)


class VoterGroupViewSet(ScopedViewSetMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Voter groups with their aggregate counts; PUT/PATCH enters the paper tally while voting is open."""

    queryset = VoterGroup.objects.all()
    serializer_class = VoterGroupSerializer
    permission_classes = [ServiceChecked]
    filterset_class = VoterGroupFilter
    http_method_names = ["get", "put", "patch", "head", "options"]

    def perform_update(self, serializer):
        group = serializer.instance
        data = serializer.validated_data
        counts = {f: data.get(f, getattr(group, f)) for f in COUNT_FIELDS}
        serializer.instance = services.voter_group_counts(user=self.request.user, group=group, **counts,
                                                          size=data.get("size"), name=data.get("name"))


class BallotViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Single ballots (entered by an evaluator, or cast anonymously through a link); create enters one."""

    queryset = Ballot.objects.all()
    serializer_class = BallotSerializer
    permission_classes = [ServiceChecked]
    filterset_class = BallotFilter

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.ballot_enter(user=self.request.user, group=data["group"],
                                                    choice=data["choice"])


def register(router) -> None:
    router.register("evaluations", EvaluationViewSet, basename="evaluation")
    router.register("voter-groups", VoterGroupViewSet, basename="voter-group")
    router.register("ballots", BallotViewSet, basename="ballot")
