"""Serializers of the satisfaction evaluation API: they parse and present; the services validate and write."""

from __future__ import annotations

from rest_framework import serializers

from organizations.api.base import DateField, ScopedPrimaryKeyRelatedField
from rectification.models import Designation

from ..models import Ballot, Choice, Evaluation, VoterGroup


class VoterGroupSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = VoterGroup
        fields = ["id", "evaluation", "kind", "kind_display", "name", "size", "satisfied", "basically_satisfied",
                  "dissatisfied", "abstained", "invalid"]
        read_only_fields = ["id", "evaluation", "kind", "kind_display"]


class EvaluationSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    # A plain string in the schema (its enum would collide with other "status" enums): open, closed, decided.
    status = serializers.CharField(read_only=True, help_text="open | closed | decided")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decision_display = serializers.CharField(source="get_decision_display", read_only=True)

    class Meta:
        model = Evaluation
        fields = ["id", "designation", "organization", "organization_name", "county", "township", "title", "held_on",
                  "status", "status_display", "opened_at", "closed_at", "satisfied", "basically_satisfied",
                  "dissatisfied", "abstained", "invalid", "rate", "decision", "decision_display", "decided_at",
                  "decision_note", "policy", "new_deadline"]
        read_only_fields = fields


class EvaluationDetailSerializer(EvaluationSerializer):
    groups = VoterGroupSerializer(many=True, read_only=True)

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "groups"]
        read_only_fields = fields


class EvaluationCreateSerializer(serializers.Serializer):
    designation = ScopedPrimaryKeyRelatedField(queryset=Designation.objects.all())
    held_on = DateField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    party_members = serializers.IntegerField(required=False, min_value=0, default=0)
    public = serializers.IntegerField(required=False, min_value=0, default=0)


class CloseSerializer(serializers.Serializer):
    confirm_shortfall = serializers.BooleanField(
        default=False, help_text="Close although some voter group has fewer ballots than voters invited.")


class DecideSerializer(serializers.Serializer):
    new_deadline = DateField(required=False, allow_null=True)


class BallotSerializer(serializers.ModelSerializer):
    group = ScopedPrimaryKeyRelatedField(queryset=VoterGroup.objects.all())
    choice = serializers.ChoiceField(choices=Choice.choices)

    class Meta:
        model = Ballot
        fields = ["id", "evaluation", "group", "choice", "source", "created_at"]
        read_only_fields = ["id", "evaluation", "source", "created_at"]
