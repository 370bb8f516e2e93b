"""How a service's errors reach an API client: never a 500.

A ValidationError is a 400 with its messages (per field when it names fields); a PermissionDenied a
403; a ConflictError (someone saved the object since the client read it) a 409 with the current
version and what the other person changed, so the client can show it and retry.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..services.common import ConflictError


def conflict_response(exc: ConflictError) -> Response:
    return Response({
        "detail": exc.messages[0],
        "current_version": exc.current_version,
        "changes": [{"field": label, "old": _text(old), "new": _text(new)} for label, old, new in exc.changes],
    }, status=status.HTTP_409_CONFLICT)


def _text(value):
    return None if value is None else str(value)


def exception_handler(exc, context):
    if isinstance(exc, ConflictError):
        return conflict_response(exc)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)
