"""Serializers of the escalation ladder's API: they parse and present; the services validate and write."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from organizations.api.base import DateField, ScopedPrimaryKeyRelatedField
from organizations.models import Organization

from ..models import Cause, Circular, Escalation, EscalationStep, Instruction, Rung


class EscalationStepSerializer(serializers.ModelSerializer):
    circular_number = serializers.CharField(source="circular.number", read_only=True, default="")

    class Meta:
        model = EscalationStep
        fields = ["id", "rung", "taken_on", "owner_name", "deadline", "content", "document_number", "interviewer",
                  "interviewee", "commitments", "follow_up_on", "circular", "circular_number", "entered_by",
                  "created_at"]
        read_only_fields = fields


class EscalationSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    listed = serializers.BooleanField(source="is_listed", read_only=True,
                                      help_text=_("Open and past the reminder: listed for supervision (挂牌督办)."))
    steps = EscalationStepSerializer(many=True, read_only=True)

    class Meta:
        model = Escalation
        fields = ["id", "organization", "organization_name", "county", "township", "designation", "cause",
                  "subjects", "reason", "rung", "listed", "opened_on", "rung_since", "owner_name", "deadline",
                  "opened_by", "resolved_on", "resolved_by", "resolution", "policy", "steps"]
        read_only_fields = fields


class EscalationCreateSerializer(serializers.Serializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all(), label=_("Party organization"))
    cause = serializers.ChoiceField(choices=Cause.choices, default=Cause.OTHER)
    reason = serializers.CharField(max_length=5000)
    owner_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    deadline = DateField(required=False, allow_null=True, default=None)


#: The rungs a person takes by hand (the reminder is raised by the job, the circular by issuing one); named in the
#: API schema as EscalateRungEnum (config/settings/base.py ENUM_NAME_OVERRIDES).
ESCALATE_RUNGS = [c for c in Rung.choices if c[0] not in (Rung.REMINDER, Rung.CIRCULAR)]


class EscalateSerializer(serializers.Serializer):
    rung = serializers.ChoiceField(choices=ESCALATE_RUNGS,
                                   help_text=_("The circular rung is taken by issuing a circular."))
    taken_on = DateField()
    content = serializers.CharField(max_length=5000)
    owner_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    deadline = DateField(required=False, allow_null=True, default=None)
    document_number = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    interviewer = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    interviewee = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    commitments = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    follow_up_on = DateField(required=False, allow_null=True, default=None)


class ResolveSerializer(serializers.Serializer):
    resolved_on = DateField()
    resolution = serializers.CharField(max_length=5000)


class InstructionSerializer(serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all(), required=False,
                                                label=_("Party organization"))
    escalation = ScopedPrimaryKeyRelatedField(queryset=Escalation.objects.all(), required=False, allow_null=True,
                                              label=_("escalation"))
    written_by_name = serializers.CharField(source="written_by.display_name", read_only=True, default="")

    class Meta:
        model = Instruction
        fields = ["id", "organization", "escalation", "text", "written_by", "written_by_name", "written_on",
                  "created_at"]
        read_only_fields = ["written_by", "written_on", "created_at"]


class CircularSerializer(serializers.ModelSerializer):
    escalations = ScopedPrimaryKeyRelatedField(queryset=Escalation.objects.all(), many=True, write_only=True,
                                               label=_("Organizations circulated"))
    entries = EscalationStepSerializer(source="steps", many=True, read_only=True)
    issued_on = DateField()

    class Meta:
        model = Circular
        fields = ["id", "division", "number", "title", "issued_on", "body", "issued_by", "created_at",
                  "escalations", "entries"]
        read_only_fields = ["division", "issued_by", "created_at"]
        validators = []  # the service checks the number is unused in the county
