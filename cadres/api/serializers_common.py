"""Serializer pieces shared by the cadres API (roster, reserve pool, first secretaries).

``MaskedPersonSerializerMixin``: the person fields of ``PersonFields`` with ``id_number`` and ``phone``
always MASKED on output (for every role) and writable in full on input; ``birth_date`` reads back as the
year only (``cadres.masking.birth_year``: the full date is the ID's hidden digits). Full numbers are only returned
by an explicit ``unmask`` action (``UnmaskedPersonSerializer``), which the view logs through
``cadres.masking.unmask``.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from organizations.api.base import DateField

from ..identity import normalise_id_number
from ..masking import birth_year, mask_value

PERSON_FIELDS = ("name", "sex", "ethnicity", "birth_date", "id_number", "phone", "education",
                 "political_status", "joined_party_on")


class MaskedField(serializers.CharField):
    """Writes the full value; reads back the masked value (``id_number`` or ``phone``)."""

    def __init__(self, personal_field: str, **kwargs):
        self.personal_field = personal_field
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return mask_value(self.personal_field, str(value or ""))

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        return normalise_id_number(value) if self.personal_field == "id_number" else value.strip()


@extend_schema_field({"type": "string", "nullable": True, "example": "1980",
                      "description": "Date of birth: written in full (YYYY-MM-DD), read back as the year only."})
class BirthYearField(DateField):
    """Writes a full date; reads back the year only (the one rule of ``cadres.masking.birth_year``)."""

    def to_representation(self, value):
        return birth_year(value) or None


class MaskedPersonSerializerMixin(serializers.Serializer):
    """Mix into a ModelSerializer over a PersonFields model; list ``PERSON_FIELDS`` in ``Meta.fields``."""

    id_number = MaskedField("id_number", max_length=18,
                            help_text="Citizen ID number (GB 11643). Always masked on output: 350322********1234.")
    phone = MaskedField("phone", max_length=11, help_text="Mainland mobile. Always masked on output: 138****1234.")
    sex_display = serializers.SerializerMethodField()
    education_display = serializers.SerializerMethodField()
    political_status_display = serializers.SerializerMethodField()

    def get_fields(self):
        fields = super().get_fields()
        if (born := fields.get("birth_date")) is not None:
            fields["birth_date"] = BirthYearField(read_only=born.read_only, required=False, allow_null=True,
                                                  label=born.label, help_text=born.help_text)
        return fields

    @extend_schema_field(serializers.CharField())
    def get_sex_display(self, obj) -> str:
        return obj.get_sex_display()

    @extend_schema_field(serializers.CharField())
    def get_education_display(self, obj) -> str:
        return obj.get_education_display()

    @extend_schema_field(serializers.CharField())
    def get_political_status_display(self, obj) -> str:
        return obj.get_political_status_display()


class UnmaskRequestSerializer(serializers.Serializer):
    numbers = serializers.MultipleChoiceField(choices=["id_number", "phone"], required=False,
                                              help_text="Which numbers to show (default both).")


class UnmaskPermissionSerializer(serializers.Serializer):
    """``GET …/unmask/``: may the caller see the full numbers (nothing is logged)."""

    may_unmask = serializers.BooleanField()


class UnmaskedPersonSerializer(serializers.Serializer):
    """The full numbers returned (once, logged) by an ``unmask`` action."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    id_number = serializers.CharField(required=False)
    phone = serializers.CharField(required=False)
