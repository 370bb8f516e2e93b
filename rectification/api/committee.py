"""API of the Party committee study: ``committee-meetings`` (list with filters ``division`` and ``held_on``
range, read, ``POST`` to record, ``PATCH`` to correct), ``secretary-contacts`` (list, read, ``POST`` to
record a township secretary's contact village, action ``end``), and the shortfalls the dashboard and the home
to-do list count: ``committee-study`` (each county and township that must study the rectification against the
policy, ``?study=due|missed``, with the figures) and ``committee-without-contact`` (the disorderly villages in
rectification no township Party secretary contacts). Every queryset starts from the caller's scope (an id outside
it is a 404); writes go through the services, which check the role table; lists are paginated as every list."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from organizations.api.base import ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.models import Division, Organization
from organizations.permissions import can

from ..models import CommitteeMeeting, Designation, SecretaryContact
from ..selectors import committee as selectors
from ..services import committee as services


class CommitteeMeetingSerializer(serializers.ModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(),
                                            help_text="The county or township whose Party committee met.")
    division_name = serializers.CharField(source="division.name", read_only=True)
    organizations = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all(), many=True, required=False)

    class Meta:
        model = CommitteeMeeting
        fields = ["id", "division", "division_name", "held_on", "attendees", "topics", "decisions",
                  "organizations", "entered_by", "created_at"]
        read_only_fields = ["entered_by", "created_at"]


class CommitteeMeetingUpdateSerializer(serializers.Serializer):
    held_on = serializers.DateField(required=False)
    attendees = serializers.CharField(required=False, max_length=500)
    topics = serializers.CharField(required=False)
    decisions = serializers.CharField(required=False)


class CommitteeMeetingViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                              viewsets.ReadOnlyModelViewSet):
    """Party committee meetings on the rectification (county and townships) in the caller's scope."""

    queryset = CommitteeMeeting.objects.all()
    serializer_class = CommitteeMeetingSerializer
    permission_classes = [ServiceChecked]
    http_method_names = ["get", "post", "patch", "head", "options"]
    select_related = ("division",)
    filterset_fields = {"division": ["exact"], "held_on": ["gte", "lte"]}

    def get_queryset(self):
        return super().get_queryset().prefetch_related("organizations")

    def get_serializer_class(self):
        return CommitteeMeetingUpdateSerializer if self.action == "partial_update" else CommitteeMeetingSerializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.committee_meeting_record(user=self.request.user, **data)

    @extend_schema(request=CommitteeMeetingUpdateSerializer, responses=CommitteeMeetingSerializer)
    def partial_update(self, request, *args, **kwargs):
        meeting = self.get_object()
        serializer = CommitteeMeetingUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        meeting = services.committee_meeting_update(user=request.user, meeting=meeting, **serializer.validated_data)
        return Response(CommitteeMeetingSerializer(self.get_queryset().get(pk=meeting.pk),
                                                   context=self.get_serializer_context()).data)


class SecretaryContactSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = SecretaryContact
        fields = ["id", "organization", "organization_name", "township", "secretary_name", "started_on",
                  "ended_on", "note", "created_at"]
        read_only_fields = ["ended_on", "created_at"]


class ContactEndSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, help_text="Default: today.")


class ContactEndStateSerializer(serializers.Serializer):
    ended_on = serializers.DateField(allow_null=True)
    allowed = serializers.BooleanField(help_text="Whether the caller may end the contact now.")


class SecretaryContactViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The township Party secretaries' contact villages in the caller's scope."""

    queryset = SecretaryContact.objects.all()
    serializer_class = SecretaryContactSerializer
    permission_classes = [ServiceChecked]
    http_method_names = ["get", "post", "head", "options"]
    select_related = ("organization",)
    filterset_fields = ["organization", "township"]

    def get_serializer_class(self):
        return ContactEndSerializer if self.action == "end" else SecretaryContactSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.secretary_contact_record(
            user=self.request.user, organization=data["organization"], secretary_name=data["secretary_name"],
            started_on=data["started_on"], note=data.get("note", ""))

    @extend_schema(methods=["GET"], request=None, responses=ContactEndStateSerializer)
    @extend_schema(methods=["POST"], request=ContactEndSerializer, responses=SecretaryContactSerializer)
    @action(detail=True, methods=["get", "post"])
    def end(self, request, pk=None):
        """GET: may the caller end the contact; POST: end it (on ``ended_on``, default today)."""
        contact = self.get_object()
        if request.method == "GET":
            return Response({"ended_on": contact.ended_on, "allowed": contact.ended_on is None and can(
                request.user, "secretary_contact", "change", contact)})
        serializer = ContactEndSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = services.secretary_contact_end(user=request.user, contact=contact,
                                                 ended_on=serializer.validated_data.get("ended_on",
                                                                                        timezone.localdate()))
        return Response(SecretaryContactSerializer(contact, context=self.get_serializer_context()).data)


# ------------------------------------------------------------------------------------------- shortfalls


class StudyRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="division.pk", help_text="The county or township (as ``division``).")
    division = serializers.IntegerField(source="division.pk")
    division_name = serializers.CharField(source="division.name")
    level = serializers.CharField(source="division.level")
    interval_months = serializers.IntegerField(source="interval",
                                               help_text="The policy's period (township_committee_study_months or "
                                                         "county_committee_study_months).")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    previous_start = serializers.DateField()
    previous_end = serializers.DateField()
    this_period = serializers.IntegerField(help_text="Meetings on the rectification in this period so far.")
    previous_period = serializers.IntegerField(help_text="Meetings in the previous period.")
    last_held_on = serializers.DateField(allow_null=True)
    due = serializers.BooleanField(help_text="No meeting yet in this period.")
    missed = serializers.BooleanField(help_text="No meeting in the previous period: a shortfall.")


StudyCountsSerializer = inline_serializer("CommitteeStudyCounts", {
    "due": serializers.IntegerField(), "missed": serializers.IntegerField(),
    "without_contact": serializers.IntegerField()})

StudyPageSerializer = inline_serializer("CommitteeStudyPage", {
    "count": serializers.IntegerField(), "next": serializers.URLField(allow_null=True),
    "previous": serializers.URLField(allow_null=True), "results": StudyRowSerializer(many=True),
    "counts": StudyCountsSerializer,
})

STUDY_PARAM = OpenApiParameter("study", OpenApiTypes.STR, enum=list(selectors.STUDY_FLAGS),
                               description="Only the committees yet to study it this period (due) or that did not "
                                           "in the previous one (missed).")


@extend_schema_view(list=extend_schema(
    parameters=[STUDY_PARAM], responses={200: StudyPageSerializer},
    description="The counties and townships in scope that must study the rectification (the county, and each "
                "township with weak organizations in the current round) against the policy's period, with their "
                "meetings of this and the previous period; ``counts`` gives the dashboard's and the to-do list's "
                "figures (over the whole scope, whatever the filter). The page /ledger/committee/study/ lists the "
                "same rows."))
class CommitteeStudyViewSet(viewsets.GenericViewSet):
    queryset = Division.objects.all()
    serializer_class = StudyRowSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def list(self, request):
        flag = request.query_params.get("study") or ""
        if flag and flag not in selectors.STUDY_FLAGS:
            raise serializers.ValidationError({"study": ["Unknown value: due or missed."]})
        today = timezone.localdate()
        page = self.paginate_queryset(selectors.study_rows(request.user, today=today, flag=flag))
        response = self.get_paginated_response(StudyRowSerializer(page, many=True).data)
        response.data["counts"] = selectors.study_counts(request.user, today=today)
        return response


class WithoutContactSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default="")
    round_name = serializers.CharField(source="round.name", read_only=True)
    categories = serializers.SerializerMethodField()

    class Meta:
        model = Designation
        fields = ["id", "organization", "organization_name", "township", "township_name", "round", "round_name",
                  "status", "categories"]
        read_only_fields = fields

    def get_categories(self, designation) -> list[str]:
        return [category.code for category in designation.categories.all()]


@extend_schema_view(list=extend_schema(
    description="The designations of the current round in scope, still in rectification, of a type of disorder "
                "(RSHS05-RSHS08), whose organization no township Party secretary contacts today; the page "
                "/ledger/committee/without-contact/ lists the same rows."))
class WithoutContactViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Designation.objects.all()
    serializer_class = WithoutContactSerializer
    permission_classes = [IsAuthenticated]
    filter_backends: list = []

    def get_queryset(self):
        return selectors.without_secretary_contact(self.request.user, today=timezone.localdate())


def register(router) -> None:
    router.register("committee-meetings", CommitteeMeetingViewSet, basename="committee-meeting")
    router.register("secretary-contacts", SecretaryContactViewSet, basename="secretary-contact")
    router.register("committee-study", CommitteeStudyViewSet, basename="committee-study")
    router.register("committee-without-contact", WithoutContactViewSet, basename="committee-without-contact")
