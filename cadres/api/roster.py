"""API of the cadre roster: /api/v1/cadres/cadres/ (list, retrieve, create, update; ``unmask``).

ID and mobile numbers are masked in every response. ``POST …/{id}/unmask/`` returns the full numbers of
one cadre to a role holding personal_data/unmask there, and writes a security event (who, whom, when,
what); ``GET …/{id}/unmask/`` only says whether the caller may. Writes go through the services.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from organizations.api.base import ScopedPrimaryKeyRelatedField, ScopedViewSetMixin
from organizations.api.permissions import ServiceChecked
from organizations.models import Organization

from ..filters.roster import CadreFilter
from ..models import Cadre
from ..selectors.roster import roster_list
from ..services.roster import cadre_add, cadre_update
from .serializers_common import (
    PERSON_FIELDS,
    MaskedPersonSerializerMixin,
)
from .unmask import UnmaskActionMixin


class CadreSerializer(MaskedPersonSerializerMixin, serializers.ModelSerializer):
    organization = ScopedPrimaryKeyRelatedField(queryset=Organization.objects.all())
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    township_name = serializers.CharField(source="township.name", read_only=True, default="")
    post_display = serializers.CharField(source="get_post_display", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Cadre
        fields = ["id", "organization", "organization_name", "township", "township_name", "post", "post_display",
                  "post_started_on", "post_ended_on", "is_current", *PERSON_FIELDS, "sex_display",
                  "education_display", "political_status_display", "note"]
        read_only_fields = ["township", "post_ended_on", "birth_date"]


@extend_schema_view(
    list=extend_schema(description="Cadres in the caller's scope (ID and mobile masked). Filters: q, township, "
                                   "organization, post, status (current by default, former, all)."),
    partial_update=extend_schema(description="Correct a record; omitted fields keep their values."),
)
class CadreViewSet(UnmaskActionMixin, ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                   viewsets.ReadOnlyModelViewSet):
    queryset = Cadre.objects.all()
    serializer_class = CadreSerializer
    permission_classes = [ServiceChecked]
    filterset_class = CadreFilter
    ordering_fields = ["name", "post_started_on"]

    def get_queryset(self):
        return roster_list(self.request.user)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = cadre_add(user=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization", None)
        serializer.instance = cadre_update(user=self.request.user, cadre=serializer.instance,
                                           organization=organization, **data)

def register(router) -> None:
    router.register("cadres", CadreViewSet, basename="cadre")
