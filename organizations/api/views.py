from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, viewsets
from rest_framework.authtoken.views import ObtainAuthToken

from .. import services
from ..filters import DivisionFilter, OrganizationFilter
from ..models import Division, Organization
from .base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from .serializers import DivisionSerializer, OrganizationSerializer


class DivisionViewSet(ScopedReadOnlyViewSet):
    queryset = Division.objects.all()
    serializer_class = DivisionSerializer
    filterset_class = DivisionFilter
    select_related = ("parent",)
    ordering_fields = ["code", "name"]


class OrganizationViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                          viewsets.ReadOnlyModelViewSet):
    queryset = Organization.objects.all()
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    select_related = ("division", "township", "county")
    permission_resource = "organization"
    ordering_fields = ["name", "member_count", "division__code"]

    def perform_create(self, serializer):
        serializer.instance = services.organization_create(user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        try:
            serializer.instance = services.organization_update(
                user=self.request.user, organization=serializer.instance, **serializer.validated_data)
        except DjangoValidationError:
            raise


class TokenView(ObtainAuthToken):
    """POST username and password; the answer is ``{"token": "..."}``."""

    permission_classes = ()
