"""Query parameters shared by the computed endpoints (reserve shortfall, untrained secretaries, training)."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from organizations.models import Division

DIVISION_PARAMS = [
    OpenApiParameter("county", OpenApiTypes.INT, description="Only this county (a division id in scope)."),
    OpenApiParameter("township", OpenApiTypes.INT, description="Only this township (a division id in scope)."),
    OpenApiParameter("q", OpenApiTypes.STR, description="Name contains."),
]


def division_param(request, name: str) -> Division | None:
    """The division named by query parameter ``name``, inside the caller's scope (else a 400), or None."""
    value = request.query_params.get(name)
    if not value:
        return None
    if not value.isdigit():
        raise serializers.ValidationError({name: ["A division id is a whole number."]})
    division = Division.objects.visible_to(request.user).filter(pk=value).first()
    if division is None:
        raise serializers.ValidationError({name: ["Choose a division inside your scope."]})
    return division
