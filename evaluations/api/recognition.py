"""API of recognition: advanced models and experiences (with their workflow action), commendation lists (proposed
from the star ratings, decided, exported) and their members, and the 共产党员户 plaques.

Every queryset starts from ``visible_to(user)`` (an id outside the scope is a 404); related ids are scoped
fields (a foreign id is a 400); writes go through the services, which check the role table.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from organizations.api.base import ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.permissions import can
from organizations.services.security import security_event_record

from ..exports.recognition import commendation_list_export_response
from ..filters.recognition import CommendationFilter, CommendationListFilter, ExemplarFilter, PlaqueFilter
from ..models import Commendation, CommendationList, Exemplar, MemberPlaque
from ..selectors.recognition import commendation_entries
from ..services import recognition as services
from .recognition_serializers import (
    CommendationDecideSerializer,
    CommendationListSerializer,
    CommendationSerializer,
    ExemplarActionSerializer,
    ExemplarAllowedSerializer,
    ExemplarSerializer,
    MemberPlaqueSerializer,
    PlaqueRemoveSerializer,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExemplarViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    """Advanced models and experiences; POST creates a draft, PATCH edits a draft or returned one, ``act`` takes
    a workflow step (submit, return, approve, publish, withdraw)."""

    queryset = Exemplar.objects.all()
    serializer_class = ExemplarSerializer
    permission_classes = [ServiceChecked]
    filterset_class = ExemplarFilter
    select_related = ("organization",)
    search_fields = ["title", "subject", "organization__name"]
    ordering_fields = ["year", "status", "published_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization")
        serializer.instance = services.exemplar_create(user=self.request.user, organization=organization,
                                                       **{f: data.get(f) for f in services.EXEMPLAR_FIELDS})

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("organization", None)
        serializer.instance = services.exemplar_update(user=self.request.user, exemplar=serializer.instance,
                                                       **{f: v for f, v in data.items()
                                                          if f in services.EXEMPLAR_FIELDS})

    @extend_schema(methods=["GET"], request=None, responses={200: ExemplarAllowedSerializer},
                   summary="The workflow steps the caller may take now")
    @extend_schema(methods=["POST"], request=ExemplarActionSerializer, responses={200: ExemplarSerializer},
                   summary="Take a workflow step: submit, return, approve, publish, withdraw")
    @action(detail=True, methods=["get", "post"])
    def act(self, request, pk=None):
        exemplar = self.get_object()
        if request.method == "GET":
            return Response({"status": exemplar.status,
                             "allowed": services.exemplar_actions_allowed(request.user, exemplar)})
        payload = ExemplarActionSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        exemplar = services.exemplar_act(user=request.user, exemplar=exemplar, action=payload.validated_data["action"],
                                         comment=payload.validated_data.get("comment", ""))
        return Response(self.get_serializer(exemplar).data)


class CommendationListViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Commendation lists; POST proposes (or refreshes, while proposed) the list of an area, occasion and year
    from the final year-end star ratings; ``decide`` freezes it; ``export`` is its workbook."""

    queryset = CommendationList.objects.all()
    serializer_class = CommendationListSerializer
    permission_classes = [ServiceChecked]
    filterset_class = CommendationListFilter
    select_related = ("division",)
    ordering_fields = ["year", "occasion", "status"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.commendation_list_propose(
            user=self.request.user, division=data["division"], year=data["year"], occasion=data["occasion"],
            honour=data.get("honour", ""), ratings_year=data.get("ratings_year"), note=data.get("note", ""))

    @extend_schema(methods=["GET"], request=None, responses={200: CommendationListSerializer},
                   summary="The list as it stands before deciding")
    @extend_schema(methods=["POST"], request=CommendationDecideSerializer, responses={200: CommendationListSerializer},
                   summary="Decide the list (date and document number); it is frozen from then on")
    @action(detail=True, methods=["get", "post"])
    def decide(self, request, pk=None):
        commendations = self.get_object()
        if request.method == "GET":
            return Response(self.get_serializer(commendations).data)
        payload = CommendationDecideSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        commendations = services.commendation_list_decide(user=request.user, commendations=commendations,
                                                          **payload.validated_data)
        return Response(self.get_serializer(commendations).data)

    @extend_schema(request=None,
                   responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The list")},
                   summary="The list as an Excel workbook (permission export/run; logged)")
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        commendations = self.get_object()
        if not can(request.user, "export", "run"):
            raise PermissionDenied
        security_event_record(kind="export", user=request.user, request=request, what="commendation list",
                              object=commendations.pk, filters={}, via="api")
        response = commendation_list_export_response(commendations, commendation_entries(request.user, commendations),
                                                     request.user)
        response["Cache-Control"] = "no-store"
        return response


class CommendationViewSet(ScopedViewSetMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Members on commendation lists; PATCH keeps one on a proposed list or leaves them off (with the reason)."""

    queryset = Commendation.objects.all()
    serializer_class = CommendationSerializer
    permission_classes = [ServiceChecked]
    filterset_class = CommendationFilter
    select_related = ("member", "organization")
    search_fields = ["member__name", "organization__name"]
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.commendation_set_included(
            user=self.request.user, entry=serializer.instance,
            included=data.get("included", serializer.instance.included),
            remark=data.get("remark", serializer.instance.remark))


class MemberPlaqueViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """共产党员户 plaques; POST hangs one (one hung plaque per member), ``remove`` takes it down with the reason."""

    queryset = MemberPlaque.objects.all()
    serializer_class = MemberPlaqueSerializer
    permission_classes = [ServiceChecked]
    filterset_class = PlaqueFilter
    select_related = ("member", "organization")
    search_fields = ["number", "member__name", "organization__name"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.plaque_hang(user=self.request.user, member=data["member"],
                                                   hung_on=data["hung_on"], number=data.get("number", ""),
                                                   note=data.get("note", ""))

    @extend_schema(methods=["GET"], request=None, responses={200: MemberPlaqueSerializer},
                   summary="The plaque before taking it down")
    @extend_schema(methods=["POST"], request=PlaqueRemoveSerializer, responses={200: MemberPlaqueSerializer},
                   summary="Take the plaque down (摘牌) with the day and the reason")
    @action(detail=True, methods=["get", "post"])
    def remove(self, request, pk=None):
        plaque = self.get_object()
        if request.method == "GET":
            return Response(self.get_serializer(plaque).data)
        payload = PlaqueRemoveSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plaque = services.plaque_remove(user=request.user, plaque=plaque, **payload.validated_data)
        return Response(self.get_serializer(plaque).data)


def register(router) -> None:
    router.register("exemplars", ExemplarViewSet, basename="exemplar")
    router.register("commendation-lists", CommendationListViewSet, basename="commendation-list")
    router.register("commended-members", CommendationViewSet, basename="commended-member")
    router.register("member-plaques", MemberPlaqueViewSet, basename="member-plaque")
