"""API of the support of weak organizations (under /api/v1/cadres/):

* ``first-secretaries/`` list, retrieve, create, update; ``{id}/recall/``; ``{id}/unmask/`` (ID and mobile
  numbers are masked in every response; POST unmask returns them once and writes a security event);
* ``contact-leaders/`` and ``helping-units/`` list, retrieve, create, update, delete; ``{id}/workload/``;
* ``pairings/`` list, retrieve, create; ``{id}/end/``; ``pairings/mine/``: the caller's own workload (a
  contact leader's or helping unit's account), one row per paired village.

Every queryset starts from ``visible_to(user)`` (an id outside the scope is a 404), related ids are scoped
fields (a foreign id is a 400), and writes go through cadres.services.support, which checks the role table
("first_secretary"/"change", "support"/"change": county admins).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from organizations.api.base import DateField, ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.models import Division, Organization

from ..filters.support import ContactLeaderFilter, FirstSecretaryFilter, HelpingUnitFilter, PairingFilter
from ..models import ContactLeader, FirstSecretary, HelpingUnit, Pairing
from ..selectors import support as selectors
from ..services import support as services
from .serializers_common import (
    PERSON_FIELDS,
    MaskedField,
    MaskedPersonSerializerMixin,
)
from .unmask import UnmaskActionMixin

# ----------------------------------------------------------------------------------------- serializers


class FirstSecretarySerializer(MaskedPersonSerializerMixin, serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all(),
                                                help_text="The village the first secretary is stationed in.")
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default="")
    other_villages = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all(), many=True, required=False)
    term_end = DateField(required=False, help_text="Defaults to term_start plus the policy's "
                                                               "first_secretary_term_months.")
    state = serializers.SerializerMethodField(help_text="serving, upcoming, ended or recalled")
    days_left = serializers.SerializerMethodField()
    days_in_village_share = serializers.SerializerMethodField(
        help_text="Days in the village as a percentage of the term's working days so far (practice: 2/3).")
    account = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                    help_text="Username of a portal account to link (empty: none).")
    user = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = FirstSecretary
        fields = ["id", "organization", "organization_name", "township", "township_name", "other_villages",
                  *PERSON_FIELDS, "sex_display", "education_display", "political_status_display",
                  "dispatching_unit", "post_in_unit", "team_name", "team_members", "term_start", "term_end",
                  "days_in_village", "recalled_on", "state", "days_left", "days_in_village_share", "user", "account"]
        read_only_fields = ["township", "recalled_on", "birth_date"]

    @extend_schema_field(serializers.CharField())
    def get_state(self, obj) -> str:
        return selectors.state_of(obj, timezone.localdate())

    @extend_schema_field(serializers.IntegerField())
    def get_days_left(self, obj) -> int:
        return (obj.term_end - timezone.localdate()).days

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_in_village_share(self, obj) -> int | None:
        return selectors.attendance(obj, timezone.localdate()).share


class RecallSerializer(serializers.Serializer):
    recalled_on = DateField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=100)


class ContactLeaderSerializer(serializers.ModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), help_text="The county keeping it.")
    phone = MaskedField("phone", max_length=11, help_text="Mainland mobile. Always masked on output.")
    villages = serializers.IntegerField(read_only=True, help_text="Running pairings.")
    account = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                    help_text="Username of a portal account to link (empty: none).")
    user = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = ContactLeader
        fields = ["id", "division", "name", "post", "phone", "villages", "user", "account"]


class HelpingUnitSerializer(serializers.ModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), help_text="The county keeping it.")
    contact_phone = MaskedField("phone", max_length=11, help_text="Mainland mobile. Always masked on output.")
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    villages = serializers.IntegerField(read_only=True, help_text="Running pairings.")
    account = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                    help_text="Username of a portal account to link (empty: none).")
    user = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = HelpingUnit
        fields = ["id", "division", "name", "kind", "kind_display", "contact_name", "contact_phone", "villages",
                  "user", "account"]


class PairingSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    contact_leader = ScopedPrimaryKeyRelatedField(queryset=ContactLeader.objects.all(), required=False,
                                                  allow_null=True)
    helping_unit = ScopedPrimaryKeyRelatedField(queryset=HelpingUnit.objects.all(), required=False,
                                                allow_null=True)
    paired_with = serializers.SerializerMethodField()

    class Meta:
        model = Pairing
        fields = ["id", "organization", "organization_name", "township", "contact_leader", "helping_unit",
                  "paired_with", "started_on", "ended_on", "note"]
        read_only_fields = ["township", "ended_on"]

    @extend_schema_field(serializers.CharField())
    def get_paired_with(self, obj) -> str:
        return str(obj.contact_leader or obj.helping_unit)


class PairingEndSerializer(serializers.Serializer):
    ended_on = DateField()


class WorkloadRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The pairing.")
    organization = serializers.IntegerField()
    organization_name = serializers.CharField()
    township_name = serializers.CharField()
    started_on = DateField()
    designation_status = serializers.CharField(allow_null=True, help_text="In the county's current round; null: "
                                                                          "not listed as weak.")
    designation_status_display = serializers.CharField(allow_null=True)
    overdue_tasks = serializers.IntegerField()
    last_visit = serializers.DateField(allow_null=True)
    visits_month = serializers.IntegerField(allow_null=True, help_text="Null: no account, visits not logged.")
    required_month = serializers.IntegerField()
    visits_back = serializers.IntegerField(allow_null=True, help_text="The previous three calendar months.")
    required_back = serializers.IntegerField()


class WorkloadTotalsSerializer(serializers.Serializer):
    villages = serializers.IntegerField()
    weak = serializers.IntegerField()
    overdue_tasks = serializers.IntegerField()
    visits_month = serializers.IntegerField()
    required_month = serializers.IntegerField()
    visits_back = serializers.IntegerField()
    required_back = serializers.IntegerField()


class WorkloadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["contact_leader", "helping_unit"])
    id = serializers.IntegerField()
    name = serializers.CharField()
    today = serializers.DateField()
    logs_visits = serializers.BooleanField(help_text="False: the leader has no account, visits are not logged.")
    month_from = serializers.DateField()
    back_from = serializers.DateField()
    back_to = serializers.DateField()
    policy = serializers.DictField(child=serializers.IntegerField())
    totals = WorkloadTotalsSerializer()
    results = WorkloadRowSerializer(many=True)


class MyWorkloadSerializer(serializers.Serializer):
    workloads = WorkloadSerializer(many=True)
    results = WorkloadRowSerializer(many=True, help_text="Every row of the workloads (one per paired village).")


# ------------------------------------------------------------------------------------------ viewsets


@extend_schema_view(
    list=extend_schema(description="First secretaries in the caller's scope (ID and mobile masked). Filters: q, "
                                   "township, dispatching_unit, state, expiring (days)."),
    partial_update=extend_schema(description="Correct a record; omitted fields keep their values."),
)
class FirstSecretaryViewSet(UnmaskActionMixin, ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                            viewsets.ReadOnlyModelViewSet):
    queryset = FirstSecretary.objects.all()
    serializer_class = FirstSecretarySerializer
    permission_classes = [ServiceChecked]
    filterset_class = FirstSecretaryFilter
    select_related = ("organization", "township")
    ordering_fields = ["term_end", "term_start", "name"]

    def get_queryset(self):
        return super().get_queryset().prefetch_related("other_villages")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization")
        others = data.pop("other_villages", [])
        account = data.pop("account", None)
        serializer.instance = services.first_secretary_create(
            user=self.request.user, organization=organization, other_villages=others, account=account, **data)

    def perform_update(self, serializer):
        serializer.instance = services.first_secretary_update(user=self.request.user,
                                                              first_secretary=serializer.instance,
                                                              **serializer.validated_data)

    @extend_schema(methods=["GET"], responses={200: FirstSecretarySerializer},
                   description="The first secretary as it stands (recalled_on empty while serving).")
    @extend_schema(methods=["POST"], request=RecallSerializer, responses={200: FirstSecretarySerializer},
                   description="End the service (recalled or the term completed); a linked account loses access.")
    @action(detail=True, methods=["get", "post"])
    def recall(self, request, pk=None):
        first_secretary = self.get_object()
        if request.method == "GET":
            return Response(self.get_serializer(first_secretary).data)
        payload = RecallSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        first_secretary = services.first_secretary_recall(user=request.user, first_secretary=first_secretary,
                                                          **payload.validated_data)
        return Response(self.get_serializer(first_secretary).data)

class _HolderViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                     mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    permission_classes = [ServiceChecked]
    select_related = ("division", "user")
    ordering_fields = ["name"]  # never the mobile: its order leaks the hidden digits
    is_leader = True

    def get_queryset(self):
        today = timezone.localdate()
        base = (selectors.leaders_with_counts if self.is_leader else selectors.units_with_counts)(
            self.request.user, today)
        return base.order_by("division", "name", "pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        create = services.contact_leader_create if self.is_leader else services.helping_unit_create
        serializer.instance = create(user=self.request.user, **data)

    def perform_update(self, serializer):
        if self.is_leader:
            serializer.instance = services.contact_leader_update(user=self.request.user, leader=serializer.instance,
                                                                 **serializer.validated_data)
        else:
            serializer.instance = services.helping_unit_update(user=self.request.user, unit=serializer.instance,
                                                               **serializer.validated_data)

    def perform_destroy(self, instance):
        services.support_holder_delete(user=self.request.user, holder=instance)

    @extend_schema(responses={200: WorkloadSerializer},
                   description="Running pairings in the caller's scope: each village's status in the current round, "
                               "overdue tasks, last visit and visits against the policy (contact_visits_per_month).")
    @action(detail=True, methods=["get"])
    def workload(self, request, pk=None):
        holder = self.get_object()
        return Response(WorkloadSerializer(selectors.workload(request.user, holder).as_dict()).data)


@extend_schema_view(list=extend_schema(description="County contact leaders in the caller's scope. Filter: q."))
class ContactLeaderViewSet(_HolderViewSet):
    queryset = ContactLeader.objects.all()
    serializer_class = ContactLeaderSerializer
    filterset_class = ContactLeaderFilter
    is_leader = True


@extend_schema_view(list=extend_schema(description="Helping units in the caller's scope. Filters: q, kind."))
class HelpingUnitViewSet(_HolderViewSet):
    queryset = HelpingUnit.objects.all()
    serializer_class = HelpingUnitSerializer
    filterset_class = HelpingUnitFilter
    is_leader = False


@extend_schema_view(list=extend_schema(description="Pairings in the caller's scope. Filters: q, township, kind, "
                                                   "state (running, ended), contact_leader, helping_unit."))
class PairingViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Pairing.objects.all()
    serializer_class = PairingSerializer
    permission_classes = [ServiceChecked]
    filterset_class = PairingFilter
    select_related = ("organization", "contact_leader", "helping_unit")
    ordering_fields = ["started_on"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.pairing_create(
            user=self.request.user, organization=data["organization"], contact_leader=data.get("contact_leader"),
            helping_unit=data.get("helping_unit"), started_on=data["started_on"], note=data.get("note", ""))

    @extend_schema(methods=["GET"], responses={200: PairingSerializer},
                   description="The pairing as it stands (ended_on empty while running).")
    @extend_schema(methods=["POST"], request=PairingEndSerializer, responses={200: PairingSerializer},
                   description="End the pairing; a linked account loses the village unless still paired otherwise.")
    @action(detail=True, methods=["get", "post"])
    def end(self, request, pk=None):
        pairing = self.get_object()
        if request.method == "GET":
            return Response(PairingSerializer(pairing, context=self.get_serializer_context()).data)
        payload = PairingEndSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        pairing = services.pairing_end(user=request.user, pairing=pairing, ended_on=payload.validated_data["ended_on"])
        return Response(PairingSerializer(pairing, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK)

    @extend_schema(responses={200: MyWorkloadSerializer}, filters=False,
                   description="The caller's own workload: the contact leaders and helping units linked to the "
                               "caller's account, their paired villages, overdue tasks and visits.")
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def mine(self, request):
        workloads = [w.as_dict() for w in selectors.own_workloads(request.user)]
        return Response(MyWorkloadSerializer({"workloads": workloads,
                                              "results": [r for w in workloads for r in w["results"]]}).data)


def register(router) -> None:
    router.register("first-secretaries", FirstSecretaryViewSet, basename="first-secretary")
    router.register("contact-leaders", ContactLeaderViewSet, basename="contact-leader")
    router.register("helping-units", HelpingUnitViewSet, basename="helping-unit")
    router.register("pairings", PairingViewSet, basename="pairing")

