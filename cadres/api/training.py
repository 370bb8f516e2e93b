"""API of training (under /api/v1/cadres/).

``training-events`` (CRUD; ``{id}/secretaries/`` lists the current village secretaries and adds a
township's), ``training-attendance`` (list, retrieve, create, change ``passed``, delete),
``untrained-secretaries`` (the same selector as the untrained page and its export).

Every queryset starts from ``visible_to(user)`` (an id outside the scope is a 404), related ids are scoped
fields (a foreign id is a 400) and writes go through cadres.services.training, which checks the role table
("training"/"change"; ``ServiceChecked``).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from organizations.api.base import ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.models import Division

from ..filters.training import TrainingAttendanceFilter, TrainingEventFilter
from ..models import Cadre, TrainingAttendance, TrainingEvent
from ..selectors import training as training_selectors
from ..services import training as training_services
from .params import DIVISION_PARAMS, division_param


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
            township = division_param(request, "township")
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
    parameters=[*DIVISION_PARAMS, OpenApiParameter("year", OpenApiTypes.INT, description="Default: this year."),
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
        county, township = division_param(request, "county"), division_param(request, "township")
        year = request.query_params.get("year") or str(timezone.localdate().year)
        if not year.isdigit() or not 2000 <= int(year) <= 2100:
            raise serializers.ValidationError({"year": ["Give a year such as 2026."]})
        query = (request.query_params.get("q") or request.query_params.get("search") or "").strip()
        rows = training_selectors.untrained_secretaries(
            request.user, int(year), county=county, township=township, query=query,
            everyone=request.query_params.get("all") in ("1", "true", "True"))
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(UntrainedRowSerializer(page, many=True).data)


def register(router) -> None:
    router.register("training-events", TrainingEventViewSet, basename="training-event")
    router.register("training-attendance", TrainingAttendanceViewSet, basename="training-attendance")
    router.register("untrained-secretaries", UntrainedSecretaryViewSet, basename="untrained-secretary")
