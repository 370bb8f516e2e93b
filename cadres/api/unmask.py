"""The audited ``unmask`` action shared by every API viewset of people (roster, reserve pool, first secretaries)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ..masking import PERSONAL_FIELDS, can_unmask, unmask
from .serializers_common import UnmaskedPersonSerializer, UnmaskPermissionSerializer, UnmaskRequestSerializer


class UnmaskActionMixin:
    """``GET .../unmask/`` says whether the caller may see the full numbers (nothing logged);
    ``POST`` returns them (``no-store``) and writes the security log, for roles holding personal_data/unmask."""

    @extend_schema(methods=["GET"], responses={200: UnmaskPermissionSerializer},
                   description="Whether the caller may see this person's full numbers (nothing is logged).")
    @extend_schema(methods=["POST"], request=UnmaskRequestSerializer,
                   responses={200: UnmaskedPersonSerializer,
                              403: OpenApiResponse(description="The caller's role may not unmask")},
                   description="The full ID and/or mobile number, written to the security log.")
    @action(detail=True, methods=["get", "post"])
    def unmask(self, request, pk=None):
        person = self.get_object()
        if request.method == "GET":
            return Response({"may_unmask": can_unmask(request.user, person)})
        payload = UnmaskRequestSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        fields = sorted(payload.validated_data.get("numbers") or PERSONAL_FIELDS)
        if not can_unmask(request.user, person):
            raise PermissionDenied
        values = unmask(request.user, person, fields, request=request._request, via="api")
        response = Response({"id": person.pk, "name": person.name, **values})
        response["Cache-Control"] = "no-store"
        return response
