"""API of star management: organization ratings, members, households, commitments, bulletins, assessments,
and the per-organization member sheet (quota preview, public notice, finalisation, the §3f workbook).

Every queryset starts from ``visible_to(user)`` (an id outside the scope is a 404); related ids are scoped
fields (a foreign id is a 400); writes go through the services, which check the role table.
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from organizations.api.base import ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.models import Organization
from organizations.permissions import can
from organizations.policies import effective_policy
from organizations.services.security import security_event_record

from ..exports.stars import member_sheet_response
from ..filters.stars import (
    AssessmentFilter,
    BulletinFilter,
    CommitmentFilter,
    HouseholdFilter,
    MemberFilter,
    RatingFilter,
)
from ..models import (
    AssessmentKind,
    ContactHousehold,
    MemberAssessment,
    MemberBulletin,
    MemberCommitment,
    OrganizationRating,
    PartyMember,
)
from ..selectors.stars import sheet_default_year
from ..services import members as member_services
from ..services import org_stars as rating_services
from .stars_serializers import (
    ContactHouseholdSerializer,
    MemberAssessmentSerializer,
    MemberBulletinSerializer,
    MemberCommitmentSerializer,
    MemberSheetSerializer,
    OrganizationRatingSerializer,
    PartyMemberSerializer,
    QuotaLineSerializer,
    RatingAllowedSerializer,
    RatingStepSerializer,
    SheetFinalizeSerializer,
    SheetNoticeSerializer,
)


class OrganizationRatingViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Yearly organization star ratings; POST starts the rating of an organization and year (or returns it)."""

    queryset = OrganizationRating.objects.all()
    serializer_class = OrganizationRatingSerializer
    permission_classes = [ServiceChecked]
    filterset_class = RatingFilter
    select_related = ("organization",)
    search_fields = ["organization__name"]
    ordering_fields = ["year", "stars", "step"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = rating_services.rating_start(user=self.request.user, organization=data["organization"],
                                                           year=data["year"])

    @extend_schema(methods=["GET"], request=None, responses={200: RatingAllowedSerializer},
                   summary="The step actions the caller may take now")
    @extend_schema(methods=["POST"], request=RatingStepSerializer, responses={200: OrganizationRatingSerializer},
                   summary="Take a step: self_assess, appraise, review, notice, approve")
    @action(detail=True, methods=["get", "post"])
    def step(self, request, pk=None):
        rating = self.get_object()
        if request.method == "GET":
            return Response({"step": rating.step,
                             "allowed": rating_services.rating_actions_allowed(request.user, rating)})
        payload = RatingStepSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        rating = rating_services.rating_act(user=request.user, rating=rating, action=data.pop("action"), data=data)
        return Response(self.get_serializer(rating).data)


class PartyMemberViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                         viewsets.ReadOnlyModelViewSet):
    queryset = PartyMember.objects.all()
    serializer_class = PartyMemberSerializer
    permission_classes = [ServiceChecked]
    filterset_class = MemberFilter
    select_related = ("organization",)
    search_fields = ["name", "organization__name"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization")
        serializer.instance = member_services.member_create(user=self.request.user, organization=organization,
                                                            **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("organization", None)
        serializer.instance = member_services.member_update(user=self.request.user, member=serializer.instance,
                                                            **data)


class ContactHouseholdViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin,
                              viewsets.ReadOnlyModelViewSet):
    """"1+2" contact households of members."""

    queryset = ContactHousehold.objects.all()
    serializer_class = ContactHouseholdSerializer
    permission_classes = [ServiceChecked]
    filterset_class = HouseholdFilter
    select_related = ("member",)
    search_fields = ["head_name", "member__name"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = member_services.household_add(
            user=self.request.user, member=data["member"], head_name=data["head_name"],
            address=data.get("address", ""), since=data.get("since"), note=data.get("note", ""))

    def perform_destroy(self, instance):
        member_services.household_remove(user=self.request.user, household=instance)


class MemberCommitmentViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Annual commitments; POST saves the member's commitment of the year (created or replaced)."""

    queryset = MemberCommitment.objects.all()
    serializer_class = MemberCommitmentSerializer
    permission_classes = [ServiceChecked]
    filterset_class = CommitmentFilter
    select_related = ("member",)
    search_fields = ["member__name"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = member_services.commitment_save(
            user=self.request.user, member=data["member"], year=data["year"], goals=data.get("goals") or {},
            pledges=data.get("pledges", ""), signed_on=data.get("signed_on"), published=data.get("published"))


class MemberBulletinViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Quarterly bulletins; POST saves the bulletin of an organization's quarter (created or replaced)."""

    queryset = MemberBulletin.objects.all()
    serializer_class = MemberBulletinSerializer
    permission_classes = [ServiceChecked]
    filterset_class = BulletinFilter
    select_related = ("organization",)
    search_fields = ["organization__name"]

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = member_services.bulletin_save(
            user=self.request.user, organization=data["organization"], year=data["year"], quarter=data["quarter"],
            held_on=data["held_on"], summary=data["summary"])


class MemberAssessmentViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Half-year and year-end assessments; POST records a member's appraisals and branch preliminary rating."""

    queryset = MemberAssessment.objects.all()
    serializer_class = MemberAssessmentSerializer
    permission_classes = [ServiceChecked]
    filterset_class = AssessmentFilter
    select_related = ("member",)
    search_fields = ["member__name", "organization__name"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        stars = {f: data[f] for f in member_services.STAR_FIELDS if f in data}
        serializer.instance = member_services.assessment_record(
            user=self.request.user, member=data["member"], year=data["year"], kind=data.get("kind"),
            aspect_stars=data.get("aspect_stars"), score=data.get("score"), note=data.get("note"), **stars)


YEAR = OpenApiParameter("year", OpenApiTypes.INT, description="Year (default: this year)")
KIND = OpenApiParameter("kind", OpenApiTypes.STR, enum=list(AssessmentKind.values),
                        description="Assessment (default: year_end)")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MemberSheetViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """An organization's year-end member ratings with the quota check; public notice and finalisation; the
    sheet as a workbook (``export``: permission ``export/run``, written to the security log)."""

    queryset = Organization.objects.all()
    serializer_class = MemberSheetSerializer
    permission_classes = [ServiceChecked]
    filter_backends = []

    def _year(self, request) -> int:
        raw = request.query_params.get("year") or request.data.get("year")
        try:
            return int(raw or timezone.localdate().year)
        except (TypeError, ValueError):
            return timezone.localdate().year

    def _sheet(self, organization, year):
        assessments = MemberAssessment.objects.visible_to(self.request.user).filter(
            organization=organization, year=year, kind=AssessmentKind.YEAR_END).select_related("member")
        quota = member_services.quota_check(organization, year, policy=effective_policy(organization.division))
        return MemberSheetSerializer({"organization": organization.pk, "year": year, "assessments": assessments,
                                      "quota": quota}, context=self.get_serializer_context()).data

    @extend_schema(parameters=[YEAR], responses={200: MemberSheetSerializer})
    def retrieve(self, request, pk=None):
        organization = self.get_object()
        return Response(self._sheet(organization, self._year(request)))

    @extend_schema(methods=["GET"], parameters=[YEAR], request=None, responses={200: MemberSheetSerializer},
                   summary="The ratings and quota lines before publishing")
    @extend_schema(methods=["POST"], request=SheetNoticeSerializer, responses={200: MemberSheetSerializer},
                   summary="Publish the branch preliminary ratings for public notice")
    @action(detail=True, methods=["get", "post"])
    def notice(self, request, pk=None):
        organization = self.get_object()
        if request.method == "GET":
            return Response(self._sheet(organization, self._year(request)))
        payload = SheetNoticeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        member_services.member_ratings_publish_notice(user=request.user, organization=organization,
                                                      year=payload.validated_data["year"],
                                                      start=payload.validated_data["start"])
        return Response(self._sheet(organization, payload.validated_data["year"]))

    @extend_schema(methods=["GET"], parameters=[YEAR], request=None, responses={200: QuotaLineSerializer(many=True)},
                   summary="The quota lines the finalisation would check")
    @extend_schema(methods=["POST"], request=SheetFinalizeSerializer, responses={200: MemberSheetSerializer},
                   summary="Finalise the year-end ratings (all or nothing, quotas checked)")
    @action(detail=True, methods=["get", "post"])
    def finalize(self, request, pk=None):
        organization = self.get_object()
        if request.method == "GET":
            lines = member_services.quota_check(organization, self._year(request),
                                                policy=effective_policy(organization.division))
            return Response(QuotaLineSerializer(lines, many=True).data)
        payload = SheetFinalizeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        year = payload.validated_data["year"]
        member_services.member_ratings_finalize(user=request.user, organization=organization, year=year,
                                                today=timezone.localdate(),
                                                final=payload.validated_data.get("final") or {})
        return Response(self._sheet(organization, year))


    @extend_schema(parameters=[YEAR, KIND], request=None,
                   responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The §3f sheet")},
                   summary="The member star sheet as an Excel workbook (permission export/run; logged)")
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        organization = self.get_object()
        if not can(request.user, "export", "run"):
            raise PermissionDenied
        year = self._year(request) if request.query_params.get("year") else sheet_default_year(organization)
        kind = request.query_params.get("kind")
        kind = kind if kind in AssessmentKind.values else AssessmentKind.YEAR_END
        security_event_record(kind="export", user=request.user, request=request, what="member star sheet",
                              object=organization.pk, filters={"year": year, "kind": kind}, via="api")
        response = member_sheet_response(organization, year=year, kind=kind,
                                         policy=effective_policy(organization.division), user=request.user)
        response["Cache-Control"] = "no-store"
        return response


def register(router) -> None:
    router.register("organization-ratings", OrganizationRatingViewSet, basename="organization-rating")
    router.register("party-members", PartyMemberViewSet, basename="party-member")
    router.register("contact-households", ContactHouseholdViewSet, basename="contact-household")
    router.register("member-commitments", MemberCommitmentViewSet, basename="member-commitment")
    router.register("member-bulletins", MemberBulletinViewSet, basename="member-bulletin")
    router.register("member-assessments", MemberAssessmentViewSet, basename="member-assessment")
    router.register("member-sheets", MemberSheetViewSet, basename="member-sheet")
