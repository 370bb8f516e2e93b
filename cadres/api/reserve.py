"""API of the reserve pool (under /api/v1/cadres/); training is in ``training.py``.

``reserve-cadres`` (list, retrieve, create, update; ``status``, ``unmask``), ``reserve-reviews`` (list,
retrieve, create), ``reserve-shortfall`` (per village: in-pool count, students, policy, flags; with totals
per county and township).

Every queryset starts from ``visible_to(user)`` (an id outside the scope is a 404), related ids are scoped
fields (a foreign id is a 400) and writes go through the services, which check the role table
("reserve"/"change"; ``ServiceChecked``). ID and mobile numbers are always masked on output.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from evaluations.models.members import PartyMember
from organizations.api.base import DateField, ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.models import Organization

from ..filters.reserve import ReserveCadreFilter, ReserveReviewFilter
from ..models import ReserveCadre, ReserveReview, ReserveStatus
from ..selectors import reserve as reserve_selectors
from ..services import reserve as reserve_services
from .params import DIVISION_PARAMS, division_param
from .serializers_common import (
    PERSON_FIELDS,
    MaskedPersonSerializerMixin,
)
from .unmask import UnmaskActionMixin

# ------------------------------------------------------------------------------------------ reserve pool


class ReserveCadreSerializer(MaskedPersonSerializerMixin, serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default="")
    reserve_type_display = serializers.CharField(source="get_reserve_type_display", read_only=True)
    track_display = serializers.CharField(source="get_track_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    source_member = ScopedPrimaryKeyRelatedField(queryset=PartyMember.objects.all(), required=False, allow_null=True)

    class Meta:
        model = ReserveCadre
        fields = ["id", "organization", "organization_name", "township", "township_name", *PERSON_FIELDS,
                  "sex_display", "education_display", "political_status_display", "reserve_type",
                  "reserve_type_display", "track", "track_display", "current_post", "mentor", "joined_on",
                  "measures", "status", "status_display", "status_changed_on", "source_member", "note"]
        read_only_fields = ["township", "status", "status_changed_on"]


class ReserveStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReserveStatus.choices)
    on = DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    roster_post = serializers.CharField(required=False, allow_blank=True,
                                        help_text="When entering the two committees: add to the roster in this post.")


@extend_schema_view(
    list=extend_schema(description="Reserve cadres in the caller's scope (ID and mobile masked). Filters: q, "
                                   "township, organization, reserve_type, track, status."),
    partial_update=extend_schema(description="Correct an entry; omitted fields keep their values."),
)
class ReserveCadreViewSet(UnmaskActionMixin, ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                          viewsets.ReadOnlyModelViewSet):
    queryset = ReserveCadre.objects.all()
    serializer_class = ReserveCadreSerializer
    permission_classes = [ServiceChecked]
    filterset_class = ReserveCadreFilter
    select_related = ("organization", "township")
    ordering_fields = ["name", "joined_on", "status_changed_on"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization")
        serializer.instance = reserve_services.reserve_add(user=self.request.user, organization=organization,
                                                           **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization", None)
        serializer.instance = reserve_services.reserve_update(user=self.request.user, reserve=serializer.instance,
                                                              organization=organization, **data)

    @extend_schema(methods=["GET"], responses={200: ReserveCadreSerializer},
                   description="The entry with its current status.")
    @extend_schema(methods=["POST"], request=ReserveStatusSerializer, responses={200: ReserveCadreSerializer},
                   description="Entered the two committees (optionally adding a roster post), left, or back in the pool.")
    @action(detail=True, methods=["get", "post"], url_path="status")
    def set_status(self, request, pk=None):
        reserve = self.get_object()
        if request.method == "GET":
            return Response(ReserveCadreSerializer(reserve, context=self.get_serializer_context()).data)
        payload = ReserveStatusSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        reserve = reserve_services.reserve_set_status(
            user=request.user, reserve=reserve, status=data["status"], on=data.get("on"), note=data.get("note", ""),
            roster_post=data.get("roster_post", ""))
        return Response(ReserveCadreSerializer(reserve, context=self.get_serializer_context()).data)

class ReserveReviewSerializer(serializers.ModelSerializer):
    reserve = ScopedPrimaryKeyRelatedField(queryset=ReserveCadre.objects.all())
    reserve_name = serializers.CharField(source="reserve.name", read_only=True)
    result_display = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = ReserveReview
        fields = ["id", "reserve", "reserve_name", "organization", "year", "result", "result_display", "comment"]
        read_only_fields = ["organization"]
        validators = []


@extend_schema_view(create=extend_schema(description="Record (or correct) the yearly review of a reserve cadre."))
class ReserveReviewViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = ReserveReview.objects.all()
    serializer_class = ReserveReviewSerializer
    permission_classes = [ServiceChecked]
    filterset_class = ReserveReviewFilter
    select_related = ("reserve",)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = reserve_services.reserve_review_save(
            user=self.request.user, reserve=data["reserve"], year=data["year"], result=data["result"],
            comment=data.get("comment", ""))


# ------------------------------------------------------------------------------------------ shortfall

class ShortfallRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="organization_id", help_text="The village or community organization.")
    name = serializers.CharField()
    county_id = serializers.IntegerField(allow_null=True)
    county = serializers.CharField()
    township_id = serializers.IntegerField(allow_null=True)
    township = serializers.CharField()
    in_pool = serializers.IntegerField()
    students = serializers.IntegerField(help_text="University-student village officials in the pool.")
    minimum = serializers.IntegerField(help_text="reserve_cadres_min of the policy at this organization.")
    maximum = serializers.IntegerField(help_text="reserve_cadres_max of the policy at this organization.")
    missing = serializers.IntegerField()
    short = serializers.BooleanField(source="is_short")
    above_max = serializers.BooleanField(source="is_above_max")
    no_student = serializers.BooleanField(source="has_no_student")


def _tally_fields(prefix: str) -> dict:
    return {f"{prefix}_id": serializers.IntegerField(allow_null=True), "name": serializers.CharField(),
            "villages": serializers.IntegerField(), "pool_size": serializers.IntegerField(),
            "short": serializers.IntegerField(), "missing": serializers.IntegerField(),
            "above_max": serializers.IntegerField(), "no_student": serializers.IntegerField()}


ShortfallPageSerializer = inline_serializer("ShortfallPage", {
    "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
    "previous": serializers.URLField(allow_null=True), "results": ShortfallRowSerializer(many=True),
    "totals": inline_serializer("ShortfallTotals", {k: v for k, v in _tally_fields("x").items()
                                                    if k not in ("x_id", "name")}),
    "counties": inline_serializer("ShortfallCounty", _tally_fields("county"), many=True),
    "townships": inline_serializer("ShortfallTownship", _tally_fields("township"), many=True),
})


def _tally_dict(tally, key: str) -> dict:
    data = tally.as_dict()
    data[f"{key}_id"] = data.pop("id")
    data.pop("county_id", None)
    data.pop("county", None)
    return data


@extend_schema_view(list=extend_schema(
    parameters=[*DIVISION_PARAMS, OpenApiParameter(
        "flag", OpenApiTypes.STR, enum=["short", "above_max", "no_student", "all"],
        description="Which villages to list: below the policy minimum (default), above the maximum, without a "
                    "university-student village official, or all.")],
    responses={200: ShortfallPageSerializer},
    description="Villages and communities in scope with their in-pool count against the policy (nearest division "
                "setting wins), with totals per county and township (computed over all villages in the filter)."))
class ReserveShortfallViewSet(viewsets.GenericViewSet):
    queryset = Organization.objects.all()
    serializer_class = ShortfallRowSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def list(self, request):
        county, township = division_param(request, "county"), division_param(request, "township")
        flag = request.query_params.get("flag") or reserve_selectors.SHORT
        if flag not in (reserve_selectors.SHORT, reserve_selectors.ABOVE_MAX, reserve_selectors.NO_STUDENT, "all"):
            raise serializers.ValidationError({"flag": ["Unknown flag."]})
        rows = reserve_selectors.village_rows(request.user, county=county, township=township)
        query = (request.query_params.get("q") or request.query_params.get("search") or "").strip()
        if query:
            rows = [r for r in rows if query in r.name or query in r.township]
        total, counties, townships = reserve_selectors.tally(rows)
        shown = reserve_selectors.filter_rows(rows, None if flag == "all" else flag)
        page = self.paginate_queryset(shown)
        response = self.get_paginated_response(ShortfallRowSerializer(page, many=True).data)
        totals = total.as_dict()
        for key in ("id", "name", "county_id", "county"):
            totals.pop(key)
        response.data["totals"] = totals
        response.data["counties"] = [_tally_dict(c, "county") for c in counties]
        response.data["townships"] = [_tally_dict(t, "township") for t in townships]
        return response


def register(router) -> None:
    router.register("reserve-cadres", ReserveCadreViewSet, basename="reserve-cadre")
    router.register("reserve-reviews", ReserveReviewViewSet, basename="reserve-review")
    router.register("reserve-shortfall", ReserveShortfallViewSet, basename="reserve-shortfall")
