from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import Division, Organization
from .base import ScopedPrimaryKeyRelatedField


class DivisionSerializer(serializers.ModelSerializer):
    parent_code = serializers.CharField(source="parent.code", read_only=True, default=None)

    class Meta:
        model = Division
        fields = ["id", "code", "name", "level", "kind", "parent", "parent_code", "population"]


class OrganizationSerializer(serializers.ModelSerializer):
    division = ScopedPrimaryKeyRelatedField(queryset=Division.objects.all(), label=_("division"))
    parent = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all(), allow_null=True, required=False,
                                          label=_("parent organization"))
    division_code = serializers.CharField(source="division.code", read_only=True)
    division_name = serializers.CharField(source="division.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default=None)
    county_name = serializers.CharField(source="county.name", read_only=True, default=None)

    class Meta:
        model = Organization
        fields = ["id", "name", "org_type", "category", "division", "division_code", "division_name",
                  "township", "township_name", "county", "county_name", "parent", "secretary_name",
                  "member_count", "population", "is_poverty_village", "is_active", "updated_at"]
        read_only_fields = ["township", "county", "updated_at"]
