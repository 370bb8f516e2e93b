"""Serializers of the recognition API (writes go through the services)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from organizations.api.base import DateField, ScopedPrimaryKeyRelatedField
from organizations.models import Division, Organization

from ..models import (
    Commendation,
    CommendationList,
    CommendationOccasion,
    Exemplar,
    ExemplarKind,
    MemberPlaque,
    PartyMember,
)
from ..services.recognition import EXEMPLAR_ACTIONS


class ExemplarSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    kind = serializers.ChoiceField(choices=ExemplarKind.choices)

    class Meta:
        model = Exemplar
        fields = ["id", "organization", "organization_name", "township", "kind", "year", "title", "subject", "summary",
                  "status", "submitted_at", "reviewed_at", "review_comment", "published_at"]
        read_only_fields = ["township", "status", "submitted_at", "reviewed_at", "review_comment", "published_at"]


class ExemplarAllowedSerializer(serializers.Serializer):
    status = serializers.CharField()
    allowed = serializers.ListField(child=serializers.CharField())


class ExemplarActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(EXEMPLAR_ACTIONS))
    comment = serializers.CharField(required=False, allow_blank=True,
                                    help_text=_("The county's comment (required to return)."))


class CommendationListSerializer(serializers.ModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all())
    division_name = serializers.CharField(source="division.name", read_only=True)
    occasion = serializers.ChoiceField(choices=CommendationOccasion.choices)
    ratings_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                            help_text=_("Empty: last year's for July 1, this year's for the year end."))
    honour = serializers.CharField(required=False, allow_blank=True, max_length=60)

    class Meta:
        model = CommendationList
        fields = ["id", "division", "division_name", "year", "occasion", "ratings_year", "honour", "status",
                  "decided_on", "decision_number", "note"]
        read_only_fields = ["status", "decided_on", "decision_number"]
        validators = []  # one per area, occasion and year: proposing again refreshes it


class CommendationDecideSerializer(serializers.Serializer):
    decided_on = DateField()
    decision_number = serializers.CharField(max_length=60)


class CommendationSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)

    class Meta:
        model = Commendation
        fields = ["id", "commendation_list", "member", "member_name", "organization", "stars", "star_cap", "included",
                  "remark"]
        read_only_fields = ["commendation_list", "member", "organization", "stars", "star_cap"]


class MemberPlaqueSerializer(serializers.ModelSerializer):
    member = ScopedPrimaryKeyRelatedField(queryset=PartyMember.objects.all())
    member_name = serializers.CharField(source="member.name", read_only=True)
    number = serializers.CharField(required=False, allow_blank=True, max_length=30,
                                   help_text=_("Empty: the next number of this organization."))
    hung_on = DateField()

    class Meta:
        model = MemberPlaque
        fields = ["id", "member", "member_name", "organization", "number", "hung_on", "removed_on", "removed_reason",
                  "note"]
        read_only_fields = ["organization", "removed_on", "removed_reason"]
        validators = []


class PlaqueRemoveSerializer(serializers.Serializer):
    removed_on = DateField()
    reason = serializers.CharField(max_length=200)
