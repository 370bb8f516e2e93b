"""API of the guarantee ledger (保障台账, under /api/v1/cadres/).

``guarantee`` (computed, per organization of the year's ledger: subsidy due, disbursed, balance, venue, pay
against the standard, days in the village, shortfalls; with totals and townships), ``guarantee-ledgers`` (the
year's venue and pay: list, retrieve, create, update), ``disbursements`` (list, retrieve, create, delete) and
``presence-months`` (one person's days in the village in one month: list, retrieve, create or correct).

Every queryset starts from ``visible_to(user)`` (an id outside the scope is a 404), related ids are scoped
fields (a foreign id is a 400) and writes go through cadres.services.guarantee, which checks the role table
("guarantee"/"change"; ``ServiceChecked``).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from organizations.api.base import DateField, ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.filters.base import year_or_none
from organizations.models import Organization
from organizations.policies import PolicyBook, organization_chain

from ..models import Disbursement, FirstSecretary, FundSource, GuaranteeLedger, PresenceKind, PresenceMonth
from ..selectors import guarantee as selectors
from ..services import guarantee as services
from .params import DIVISION_PARAMS, division_param

YEAR_PARAM = OpenApiParameter("year", OpenApiTypes.INT, description="The ledger's year (default: the year of the "
                                                                    "current round).")


def _year_param(request) -> int | None:
    value = request.query_params.get("year")
    if value in (None, ""):
        return None
    year = year_or_none(value)
    if year is None:
        raise serializers.ValidationError({"year": ["A year between 1900 and 2100."]})
    return year


# ------------------------------------------------------------------------------------------ computed rows


class GuaranteePersonMonthSerializer(serializers.Serializer):
    month = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PresenceKind.choices)
    name = serializers.CharField()
    working_days = serializers.IntegerField()
    days = serializers.IntegerField()
    required = serializers.IntegerField(help_text="Days the policy's share of the working days requires.")
    short = serializers.BooleanField()


class GuaranteeRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="organization.pk", help_text="The organization (as ``organization``).")
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    township = serializers.IntegerField(source="organization.township_id", allow_null=True)
    population = serializers.IntegerField(source="organization.population", allow_null=True)
    year = serializers.IntegerField()
    ledger = serializers.IntegerField(source="ledger.pk", allow_null=True, default=None)
    guaranteed = serializers.BooleanField(help_text="A village or community: the subsidy, venue and pay apply.")
    subsidy_due = serializers.DecimalField(max_digits=12, decimal_places=2)
    disbursed = serializers.DecimalField(max_digits=12, decimal_places=2)
    balance = serializers.DecimalField(max_digits=12, decimal_places=2)
    venue_area = serializers.DecimalField(source="ledger.venue_area", max_digits=7, decimal_places=1,
                                          allow_null=True, default=None)
    venue_condition = serializers.CharField(source="ledger.venue_condition", default="")
    venue_renovation = serializers.CharField(source="ledger.venue_renovation", default="")
    venue_min_area = serializers.IntegerField()
    secretary_name = serializers.CharField()
    secretary_pay = serializers.DecimalField(source="ledger.secretary_pay", max_digits=10, decimal_places=2,
                                             allow_null=True, default=None)
    pay_required = serializers.DecimalField(max_digits=12, decimal_places=2)
    days_share = serializers.CharField(help_text="resident_days_share of the policy (per cent).")
    months = GuaranteePersonMonthSerializer(many=True)
    missing_months = serializers.SerializerMethodField()
    shortfalls = serializers.SerializerMethodField()

    def get_missing_months(self, row) -> list[dict]:
        return [{"month": month, "name": name} for month, name in row.missing_months]

    def get_shortfalls(self, row) -> list[dict]:
        return [{"kind": kind, "text": text} for kind, text in row.shortfalls]


_TALLY = {"organizations": serializers.IntegerField(), "short": serializers.IntegerField(),
          **{kind: serializers.IntegerField() for kind in selectors.KINDS},
          "due": serializers.CharField(), "disbursed": serializers.CharField(), "balance": serializers.CharField()}

GuaranteePageSerializer = inline_serializer("GuaranteePage", {
    "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
    "previous": serializers.URLField(allow_null=True), "year": serializers.IntegerField(),
    "results": GuaranteeRowSerializer(many=True),
    "totals": inline_serializer("GuaranteeTotals", _TALLY),
    "townships": inline_serializer("GuaranteeTownship", {"township": serializers.IntegerField(allow_null=True),
                                                         "name": serializers.CharField(), **_TALLY}, many=True),
})


@extend_schema_view(list=extend_schema(
    parameters=[YEAR_PARAM, *DIVISION_PARAMS, OpenApiParameter(
        "flag", OpenApiTypes.STR, enum=[selectors.ANY, *selectors.KINDS],
        description="Only the organizations with a shortfall (any) or with one of this kind.")],
    responses={200: GuaranteePageSerializer},
    description="The guarantee ledger of a year: the organizations designated in the year's round (and any other "
                "with a ledger that year) in scope, with the subsidy due by the policy's population band, what was "
                "disbursed and the balance, the venue, the secretary's pay against the policy's multiple, the days "
                "in the village against the policy's share, and the shortfalls; totals over all rows of the filter."))
class GuaranteeViewSet(viewsets.GenericViewSet):
    queryset = Organization.objects.all()
    serializer_class = GuaranteeRowSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def list(self, request):
        year = _year_param(request) or selectors.default_year(request.user, timezone.localdate())
        county, township = division_param(request, "county"), division_param(request, "township")
        flag = request.query_params.get("flag") or ""
        if flag and flag not in (selectors.ANY, *selectors.KINDS):
            raise serializers.ValidationError({"flag": ["Unknown flag."]})
        rows = selectors.ledger_rows(request.user, year=year, county=county, township=township)
        query = (request.query_params.get("q") or "").strip()
        if query:
            rows = [r for r in rows if query in r.organization.name]
        total, townships = selectors.tally(rows)
        page = self.paginate_queryset(selectors.filter_rows(rows, flag))
        response = self.get_paginated_response(GuaranteeRowSerializer(page, many=True).data)
        response.data["year"] = year
        response.data["totals"] = total.as_dict()
        response.data["townships"] = [{"township": t.key, "name": t.name, **t.as_dict()} for t in townships]
        return response


# ------------------------------------------------------------------------------------------ records


class GuaranteeLedgerSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = GuaranteeLedger
        fields = ["id", "organization", "organization_name", "township", "year", *services.LEDGER_FIELDS]
        read_only_fields = ["township"]
        validators = []


@extend_schema_view(
    list=extend_schema(description="The guarantee ledgers (venue and secretary's pay per organization and year) in "
                                   "scope; the computed view with the subsidy and shortfalls is ``guarantee``."),
    create=extend_schema(description="Record (or correct) an organization's venue and pay of a year."),
    partial_update=extend_schema(description="Correct the venue or the pay; omitted fields keep their values."),
)
class GuaranteeLedgerViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                             viewsets.ReadOnlyModelViewSet):
    queryset = GuaranteeLedger.objects.all()
    serializer_class = GuaranteeLedgerSerializer
    permission_classes = [ServiceChecked]
    select_related = ("organization",)
    filterset_fields = ["year", "organization", "township"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.guarantee_ledger_save(
            user=self.request.user, organization=data.pop("organization"), year=data.pop("year"), **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        ledger = serializer.instance
        data.pop("organization", None)
        data.pop("year", None)
        serializer.instance = services.guarantee_ledger_save(
            user=self.request.user, organization=ledger.organization, year=ledger.year, **data)


class DisbursementSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    year = serializers.IntegerField(source="ledger.year", min_value=2000, max_value=2100)
    paid_on = DateField()
    source = serializers.ChoiceField(choices=FundSource.choices)
    source_display = serializers.CharField(source="get_source_display", read_only=True)

    class Meta:
        model = Disbursement
        fields = ["id", "organization", "organization_name", "township", "year", "paid_on", "source",
                  "source_display", "amount", "use"]
        read_only_fields = ["township"]


@extend_schema_view(create=extend_schema(description="Record an amount of the operating-fund subsidy paid to an "
                                                     "organization (date, source, amount, use) in a year."))
class DisbursementViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                          viewsets.ReadOnlyModelViewSet):
    queryset = Disbursement.objects.all()
    serializer_class = DisbursementSerializer
    permission_classes = [ServiceChecked]
    select_related = ("organization", "ledger")
    filterset_fields = ["organization", "township", "source", "ledger__year"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.disbursement_record(
            user=self.request.user, organization=data["organization"], year=data["ledger"]["year"],
            paid_on=data["paid_on"], source=data["source"], amount=data["amount"], use=data["use"])

    def perform_destroy(self, instance):
        services.disbursement_delete(user=self.request.user, disbursement=instance)


class PresenceMonthSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    year = serializers.IntegerField(source="ledger.year", min_value=2000, max_value=2100)
    kind = serializers.ChoiceField(choices=PresenceKind.choices)
    first_secretary = ScopedPrimaryKeyRelatedField(queryset=FirstSecretary.objects.all(), required=False,
                                                   allow_null=True)
    required = serializers.SerializerMethodField(help_text="Days the policy's share of the working days requires.")

    class Meta:
        model = PresenceMonth
        fields = ["id", "organization", "organization_name", "township", "year", "month", "kind", "name",
                  "first_secretary", "working_days", "days_in_village", "required"]
        read_only_fields = ["township"]
        validators = []

    def get_required(self, obj) -> int:
        if not hasattr(self, "_book"):  # one policy read for the whole page
            self._book = PolicyBook(["resident_days_share"])
        share = self._book.for_chain(organization_chain(obj.organization))["resident_days_share"]
        return selectors.required_days(obj.working_days, share)


@extend_schema_view(create=extend_schema(description="Record (or correct) one person's days in the village in one "
                                                     "month: the same organization, year, month, role and name "
                                                     "correct the earlier entry."))
class PresenceMonthViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = PresenceMonth.objects.all()
    serializer_class = PresenceMonthSerializer
    permission_classes = [ServiceChecked]
    select_related = ("organization", "ledger")
    filterset_fields = ["organization", "township", "month", "kind", "ledger__year"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        saved = services.presence_record(
            user=self.request.user, organization=data["organization"], year=data["ledger"]["year"],
            month=data["month"], working_days=data["working_days"],
            entries=[{"kind": data["kind"], "name": data["name"], "days_in_village": data["days_in_village"],
                      "first_secretary": data.get("first_secretary")}])
        serializer.instance = saved[0]


def register(router) -> None:
    router.register("guarantee", GuaranteeViewSet, basename="guarantee")
    router.register("guarantee-ledgers", GuaranteeLedgerViewSet, basename="guarantee-ledger")
    router.register("disbursements", DisbursementViewSet, basename="disbursement")
    router.register("presence-months", PresenceMonthViewSet, basename="presence-month")
