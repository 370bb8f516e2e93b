"""API of the county supervision teams (督导组), their inspections and the findings per organization.

Scoped like every viewset (an id outside the scope is a 404; related ids are scoped fields, a foreign id a 400);
writes go through services/supervision.py, which check the role table ("supervision": "change", "inspect").
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from rest_framework import mixins, serializers, viewsets

from organizations.api.base import DateField, ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.models import Division, Organization
from organizations.permissions import acting_division
from organizations.roles import Level

from ..models import FindingAction, Inspection, InspectionFinding, Measure, SupervisionTeam
from ..services import supervision as services


class SupervisionTeamSerializer(serializers.ModelSerializer):
    townships = ScopedPrimaryKeyRelatedField(queryset=Division.objects.filter(level=Level.TOWNSHIP), many=True)

    class Meta:
        model = SupervisionTeam
        fields = ["id", "division", "name", "leader", "members", "townships", "active", "created_at"]
        read_only_fields = ["division", "created_at"]
        validators = []  # the service checks the name is unused in the county


class InspectionSerializer(serializers.ModelSerializer):
    team = ScopedPrimaryKeyRelatedField(queryset=SupervisionTeam.objects.all())
    township = ScopedPrimaryKeyRelatedField(source="division", queryset=Division.objects.filter(
        level=Level.TOWNSHIP))
    inspected_on = DateField()

    class Meta:
        model = Inspection
        fields = ["id", "team", "township", "inspected_on", "notes", "entered_by", "created_at"]
        read_only_fields = ["entered_by", "created_at"]


class InspectionFindingSerializer(serializers.ModelSerializer):
    inspection = ScopedPrimaryKeyRelatedField(queryset=Inspection.objects.all())
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    measure = ScopedPrimaryKeyRelatedField(queryset=Measure.objects.all(), required=False, allow_null=True)
    rectify_by = DateField(required=False, allow_null=True, write_only=True)
    action = serializers.ChoiceField(choices=FindingAction.choices, default=FindingAction.NONE)

    class Meta:
        model = InspectionFinding
        fields = ["id", "inspection", "organization", "finding", "score", "action", "measure", "rectify_by",
                  "escalation", "task"]
        read_only_fields = ["escalation", "task"]
        validators = []  # the service checks one finding per organization and inspection


class SupervisionTeamViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                             viewsets.ReadOnlyModelViewSet):
    """The county's supervision teams with their assigned townships; POST creates one, PATCH changes one (name,
    leader, members, townships) or deactivates it (``active``: false) or brings it back (county admin; audited)."""

    queryset = SupervisionTeam.objects.all()
    serializer_class = SupervisionTeamSerializer
    permission_classes = [ServiceChecked]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("townships")

    def perform_create(self, serializer):
        user = self.request.user
        county = acting_division(user, "supervision", "change")
        if county is None:
            raise PermissionDenied
        data = serializer.validated_data
        serializer.instance = services.supervision_team_save(
            user=user, county=county, name=data["name"], leader=data["leader"], members=data["members"],
            townships=data["townships"], active=data.get("active", True))

    def perform_update(self, serializer):
        user, team, data = self.request.user, serializer.instance, serializer.validated_data
        with transaction.atomic():
            if set(data) - {"active"}:
                team = services.supervision_team_save(
                    user=user, county=team.division, team=team, name=data.get("name", team.name),
                    leader=data.get("leader", team.leader), members=data.get("members", team.members),
                    townships=data.get("townships", list(team.townships.all())), active=team.active)
            if "active" in data and data["active"] != team.active:
                team = services.supervision_team_set_active(user=user, team=team, active=data["active"])
        serializer.instance = SupervisionTeam.objects.prefetch_related("townships").get(pk=team.pk)


class InspectionViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspections of the teams (date, township); POST records one (county admin)."""

    queryset = Inspection.objects.all()
    serializer_class = InspectionSerializer
    permission_classes = [ServiceChecked]
    filterset_fields = ["team"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.inspection_record(
            user=self.request.user, team=data["team"], township=data["division"],
            inspected_on=data["inspected_on"], notes=data.get("notes", ""))


class InspectionFindingViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The finding on each organization visited (score, follow-up: an escalation or a rectification task)."""

    queryset = InspectionFinding.objects.all()
    serializer_class = InspectionFindingSerializer
    permission_classes = [ServiceChecked]
    filterset_fields = ["inspection", "organization"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.inspection_finding_add(
            user=self.request.user, inspection=data["inspection"], organization=data["organization"],
            finding=data["finding"], score=data.get("score"), action=data.get("action", FindingAction.NONE),
            measure=data.get("measure"), rectify_by=data.get("rectify_by"))


def register(router) -> None:
    router.register("supervision-teams", SupervisionTeamViewSet, basename="supervision-team")
    router.register("inspections", InspectionViewSet, basename="inspection")
    router.register("inspection-findings", InspectionFindingViewSet, basename="inspection-finding")
