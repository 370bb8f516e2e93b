"""Serializers of the star management API (writes go through the services)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.api.base import DateField, ScopedPrimaryKeyRelatedField
from organizations.filters.base import is_id
from organizations.models import Organization

from ..models import (
    Aspect,
    AssessmentKind,
    AssessmentStatus,
    ContactHousehold,
    Grade,
    MemberAssessment,
    MemberBulletin,
    MemberCommitment,
    OrganizationRating,
    PartyMember,
)
from ..services.org_stars import ACTIONS


def _code_field(choices_class):
    """A read-only code of ``choices_class`` documented in its help text (one enum component per choice set:
    the grade is documented once, by the step request's ``grade``)."""
    return serializers.CharField(read_only=True, help_text=" / ".join(choices_class.values))


class OrganizationRatingSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    self_grade = _code_field(Grade)
    public_grade = _code_field(Grade)
    review_grade = _code_field(Grade)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = OrganizationRating
        fields = ["id", "organization", "organization_name", "township", "year", "step", "self_grade", "self_score",
                  "self_note", "public_grade", "public_score", "public_note", "review_grade", "review_score",
                  "review_note", "stars", "notice_start", "notice_end", "approved_by", "approved_at", "policy",
                  "version"]
        read_only_fields = [f for f in fields if f not in ("organization", "year")]
        validators = []  # one per organization and year: the service returns the existing one


class RatingAllowedSerializer(serializers.Serializer):
    step = serializers.CharField()
    allowed = serializers.ListField(child=serializers.CharField())


class RatingStepSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=list(ACTIONS))
    grade = serializers.ChoiceField(choices=Grade.choices, required=False)
    score = serializers.DecimalField(max_digits=5, decimal_places=1, min_value=0, max_value=100, required=False,
                                     allow_null=True)
    summary = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    opinion = serializers.CharField(required=False, allow_blank=True)
    stars = serializers.IntegerField(min_value=0, max_value=5, required=False, allow_null=True)
    start = DateField(required=False, help_text=_("First day of the public notice."))
    version = serializers.IntegerField(required=False, help_text=_("The version you loaded."))


class PartyMemberSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = PartyMember
        fields = ["id", "organization", "organization_name", "name", "sex", "birth_date", "joined_party_on",
                  "category", "exempt", "post_claimed", "is_active"]


class ContactHouseholdSerializer(serializers.ModelSerializer):
    member = ScopedPrimaryKeyRelatedField(queryset=PartyMember.objects.all())

    class Meta:
        model = ContactHousehold
        fields = ["id", "member", "organization", "head_name", "address", "since", "note"]
        read_only_fields = ["organization"]


@extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"},
                      "example": {a: 2 for a in Aspect.values}})
class AspectStarsField(serializers.JSONField):
    """Stars per aspect: {"political": 2, "discipline": 2, ...}.

    Checked here: a list, a text or stars that are not whole numbers from 0 to 10 (``"x"``, ``1e400``, a
    20-digit number) are a 400, before the service adds them up."""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        if not isinstance(data, dict) or not all(_is_stars(value) for value in data.values()):
            raise serializers.ValidationError(
                _("Give the stars per aspect as an object of whole numbers from 0 to 10, e.g. {\"political\": 2}."))
        return data


def _is_stars(value) -> bool:
    """A number of stars as a client may send it: empty (none), a whole number 0-10, or its digits."""
    if value is None or value == "":
        return True
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 2:
        value = int(value)
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10


class MemberCommitmentSerializer(serializers.ModelSerializer):
    member = ScopedPrimaryKeyRelatedField(queryset=PartyMember.objects.all())
    goals = AspectStarsField()

    class Meta:
        model = MemberCommitment
        fields = ["id", "member", "organization", "year", "goals", "goal_stars", "pledges", "signed_on",
                  "published"]
        read_only_fields = ["organization", "goal_stars"]
        validators = []  # one per member and year: the service updates it


class MemberBulletinSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())

    class Meta:
        model = MemberBulletin
        fields = ["id", "organization", "year", "quarter", "held_on", "summary", "author"]
        read_only_fields = ["author"]
        validators = []


class MemberAssessmentSerializer(serializers.ModelSerializer):
    member = ScopedPrimaryKeyRelatedField(queryset=PartyMember.objects.all())
    member_name = serializers.CharField(source="member.name", read_only=True)
    aspect_stars = AspectStarsField(required=False)
    kind = serializers.ChoiceField(choices=AssessmentKind.choices, default=AssessmentKind.YEAR_END)
    status = _code_field(AssessmentStatus)

    class Meta:
        model = MemberAssessment
        fields = ["id", "member", "member_name", "organization", "year", "kind", "star_cap", "aspect_stars", "score",
                  "self_stars", "peer_stars", "public_stars", "preliminary_stars", "final_stars", "status",
                  "notice_start", "notice_end", "finalized_by", "finalized_at", "policy", "note"]
        read_only_fields = ["organization", "star_cap", "final_stars", "status", "notice_start", "notice_end",
                            "finalized_by", "finalized_at", "policy"]
        validators = []


class QuotaLineSerializer(serializers.Serializer):
    cap = serializers.IntegerField()
    threshold = serializers.IntegerField()
    quota = serializers.CharField()
    applicable = serializers.IntegerField()
    allowed = serializers.IntegerField()
    high = serializers.IntegerField()
    high_names = serializers.ListField(child=serializers.CharField())
    ok = serializers.BooleanField()


class MemberSheetSerializer(serializers.Serializer):
    organization = serializers.IntegerField()
    year = serializers.IntegerField()
    assessments = MemberAssessmentSerializer(many=True)
    quota = QuotaLineSerializer(many=True)


class SheetNoticeSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    start = DateField()


class SheetFinalizeSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    final = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=10), required=False,
                                  help_text=_("Member id → final stars, where they differ from the preliminary "
                                              "rating."))

    def validate_final(self, value):
        """The keys are member ids: a key that is not one is a 400 here, not a failed ``int()`` in the service."""
        if any(not is_id(key) for key in value):
            raise serializers.ValidationError(_("The keys are member ids (whole numbers)."))
        return {int(key): stars for key, stars in value.items()}
