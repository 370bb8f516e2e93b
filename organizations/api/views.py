from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotAuthenticated
from rest_framework.response import Response

from .. import services
from ..filters import DivisionFilter, OrganizationFilter
from ..models import Division, Organization
from .authentication import token_expires_at, token_is_expired
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
    """POST username and password; the answer is ``{"token": "...", "expires": "..."}``.

    A token lives ``API_TOKEN_TTL_HOURS``; asking again after it expired issues a new one.
    DELETE (authenticated with the token) revokes it: 204, and the token answers 401 from then on.
    """

    permission_classes = ()

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        if token_is_expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key, "expires": token_expires_at(token).isoformat()})

    def delete(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise NotAuthenticated()
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
