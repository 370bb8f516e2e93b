"""API of the reserve pool and training (under /api/v1/cadres/).

``reserve-cadres`` (list, retrieve, create, update; ``status``, ``unmask``), ``reserve-reviews`` (list,
retrieve, create), ``reserve-shortfall`` (per village: in-pool count, students, policy, flags; with totals
per county and township), ``training-events`` (CRUD), ``training-attendance`` (list, retrieve, create, change
``passed``, delete; ``bulk`` adds a township's village secretaries), ``untrained-secretaries``.

Every queryset starts from ``visible_to(user)`` (an id outside the scope is a 404), related ids are scoped
fields (a foreign id is a 400) and writes go through the services, which check the role table
("reserve"/"change", "training"/"change"). ID and mobile numbers are always masked on output.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from evaluations.models.members import PartyMember
from organizations.api.base import ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from organizations.models import Division, Organization

from ..models import Cadre, ReserveCadre, ReserveReview, ReserveStatus, TrainingAttendance, TrainingEvent
from ..reserve_filters import (
    ReserveCadreFilter,
    ReserveReviewFilter,
    TrainingAttendanceFilter,
    TrainingEventFilter,
)
from ..selectors import reserve as reserve_selectors
from ..selectors import training as training_selectors
from ..services import reserve as reserve_services
from ..services import training as training_services
from .serializers_common import (
    PERSON_FIELDS,
    MaskedPersonSerializerMixin,
)
from .unmask import UnmaskActionMixin


class ServiceChecked(IsAuthenticated):
    """Authenticated users read their scope; every write is checked by the service it calls."""


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

    def validate(self, attrs):
        if self.instance is None and not attrs.get("id_number"):
            raise serializers.ValidationError({"id_number": ["This field is required."]})
        return attrs


class ReserveStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ReserveStatus.choices)
    on = serializers.DateField(required=False, allow_null=True)
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

_DIVISION_PARAMS = [
    OpenApiParameter("county", OpenApiTypes.INT, description="Only this county (a division id in scope)."),
    OpenApiParameter("township", OpenApiTypes.INT, description="Only this township (a division id in scope)."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Name contains."),
]


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


def _division_param(request, name: str):
    value = request.query_params.get(name)
    if not value:
        return None
    if not value.isdigit():
        raise serializers.ValidationError({name: ["A division id is a whole number."]})
    division = Division.objects.visible_to(request.user).filter(pk=value).first()
    if division is None:
        raise serializers.ValidationError({name: ["Choose a division inside your scope."]})
    return division


def _tally_dict(tally, key: str) -> dict:
    data = tally.as_dict()
    data[f"{key}_id"] = data.pop("id")
    data.pop("county_id", None)
    data.pop("county", None)
    return data


@extend_schema_view(list=extend_schema(
    parameters=[*_DIVISION_PARAMS, OpenApiParameter(
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
        county, township = _division_param(request, "county"), _division_param(request, "township")
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


# ------------------------------------------------------------------------------------------ training


class TrainingEventSerializer(serializers.ModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(),
                                            help_text="The county or township keeping the training.")
    division_name = serializers.CharField(source="division.name", read_only=True)

    class Meta:
        model = TrainingEvent
        fields = ["id", "division", "division_name", "title", "held_on", "ends_on", "organizer", "location", "hours",
                  "for_secretaries"]


class TrainingAttendanceSerializer(serializers.ModelSerializer):
    event = ScopedPrimaryKeyRelatedField(queryset=TrainingEvent.objects.all())
    cadre = ScopedPrimaryKeyRelatedField(queryset=Cadre.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = TrainingAttendance
        fields = ["id", "event", "cadre", "name", "organization", "organization_name", "township", "passed"]
        read_only_fields = ["name", "organization", "township"]
        validators = []


class PassedSerializer(serializers.Serializer):
    passed = serializers.BooleanField()


class BulkAttendanceSerializer(serializers.Serializer):
    township = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all())
    passed = serializers.BooleanField(default=True)


class SecretaryAttendanceSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The roster cadre.")
    name = serializers.CharField()
    organization_id = serializers.IntegerField()
    organization = serializers.CharField(source="organization__name")
    township_id = serializers.IntegerField(allow_null=True)
    attending = serializers.BooleanField()


class TrainingEventViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):
    """Training events kept by a county or township; filters q, year, for_secretaries."""

    queryset = TrainingEvent.objects.all()
    serializer_class = TrainingEventSerializer
    permission_classes = [ServiceChecked]
    filterset_class = TrainingEventFilter
    select_related = ("division",)
    ordering_fields = ["held_on", "title"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = training_services.training_event_create(user=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        division = data.pop("division", None)
        serializer.instance = training_services.training_event_update(
            user=self.request.user, event=serializer.instance, division=division, **data)

    def perform_destroy(self, instance):
        training_services.training_event_delete(user=self.request.user, event=instance)

    @extend_schema(methods=["GET"], parameters=[OpenApiParameter("township", OpenApiTypes.INT)],
                   responses={200: SecretaryAttendanceSerializer(many=True)},
                   description="Current village Party secretaries in the caller's scope (optionally of one township), "
                               "each saying whether they are on this event's attendance.")
    @extend_schema(methods=["POST"], request=BulkAttendanceSerializer,
                   responses={201: TrainingAttendanceSerializer(many=True)},
                   description="Add every current village Party secretary of a township to the event.")
    @action(detail=True, methods=["get", "post"])
    def secretaries(self, request, pk=None):
        event = self.get_object()
        if request.method == "GET":
            township = _division_param(request, "township")
            rows = training_selectors.current_secretaries(request.user, township=township).order_by(
                "township__code", "organization__name", "name").values(
                "id", "name", "organization_id", "organization__name", "township_id")
            attending = set(TrainingAttendance.objects.filter(event=event).values_list("cadre_id", flat=True))
            data = [{**row, "attending": row["id"] in attending} for row in rows]
            return Response(SecretaryAttendanceSerializer(data, many=True).data)
        payload = BulkAttendanceSerializer(data=request.data, context=self.get_serializer_context())
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        made = training_services.attendance_add_township_secretaries(
            user=request.user, event=event, township=data["township"], passed=data["passed"])
        return Response(TrainingAttendanceSerializer(made, many=True, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


@extend_schema_view(partial_update=extend_schema(request=PassedSerializer),
                    update=extend_schema(request=PassedSerializer))
class TrainingAttendanceViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                                mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """Attendance of trainings (attendees the caller may see); filters event, cadre, township, passed, year, q."""

    queryset = TrainingAttendance.objects.all()
    serializer_class = TrainingAttendanceSerializer
    permission_classes = [ServiceChecked]
    filterset_class = TrainingAttendanceFilter
    select_related = ("organization",)

    def perform_create(self, serializer):
        data = serializer.validated_data
        made = training_services.attendance_add(user=self.request.user, event=data["event"], cadres=[data["cadre"]],
                                                passed=data.get("passed", True))
        serializer.instance = made[0] if made else TrainingAttendance.objects.get(event=data["event"],
                                                                                   cadre=data["cadre"])

    def update(self, request, *args, **kwargs):
        row = self.get_object()
        payload = PassedSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        row = training_services.attendance_set_passed(user=request.user, attendance=row,
                                                      passed=payload.validated_data["passed"])
        return Response(TrainingAttendanceSerializer(row, context=self.get_serializer_context()).data)

    def perform_destroy(self, instance):
        training_services.attendance_remove(user=self.request.user, attendance=instance)


class UntrainedRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="cadre_id", help_text="The roster cadre.")
    name = serializers.CharField()
    post = serializers.CharField()
    organization_id = serializers.IntegerField()
    organization = serializers.CharField()
    county_id = serializers.IntegerField(allow_null=True)
    township_id = serializers.IntegerField(allow_null=True)
    township = serializers.CharField()
    trainings = serializers.IntegerField(help_text="Trainings completed in the year.")
    required = serializers.IntegerField(help_text="secretary_trainings_per_year of the policy there.")


@extend_schema_view(list=extend_schema(
    parameters=[*_DIVISION_PARAMS, OpenApiParameter("year", OpenApiTypes.INT, description="Default: this year."),
                OpenApiParameter("all", OpenApiTypes.BOOL, description="List every current secretary, trained "
                                                                        "or not.")],
    description="Current village Party secretaries in scope with fewer completed trainings in the year than the "
                "policy asks."))
class UntrainedSecretaryViewSet(viewsets.GenericViewSet):
    queryset = Cadre.objects.all()
    serializer_class = UntrainedRowSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def list(self, request):
        county, township = _division_param(request, "county"), _division_param(request, "township")
        year = request.query_params.get("year") or str(timezone.localdate().year)
        if not year.isdigit() or not 2000 <= int(year) <= 2100:
            raise serializers.ValidationError({"year": ["Give a year such as 2026."]})
        rows = training_selectors.secretary_rows(request.user, int(year), county=county, township=township)
        if request.query_params.get("all") not in ("1", "true", "True"):
            rows = [r for r in rows if r.is_untrained]
        query = (request.query_params.get("q") or request.query_params.get("search") or "").strip()
        if query:
            rows = [r for r in rows if query in r.name or query in r.organization]
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(UntrainedRowSerializer(page, many=True).data)


def register(router) -> None:
    router.register("reserve-cadres", ReserveCadreViewSet, basename="reserve-cadre")
    router.register("reserve-reviews", ReserveReviewViewSet, basename="reserve-review")
    router.register("reserve-shortfall", ReserveShortfallViewSet, basename="reserve-shortfall")
    router.register("training-events", TrainingEventViewSet, basename="training-event")
    router.register("training-attendance", TrainingAttendanceViewSet, basename="training-attendance")
    router.register("untrained-secretaries", UntrainedSecretaryViewSet, basename="untrained-secretary")
