"""Base API classes: the scoped queryset and scoped related fields, defined once."""

from django.http import Http404
from rest_framework import serializers, viewsets

from ..dates import validate_date_range
from ..filters.base import is_id


class ScopedViewSetMixin:
    """``queryset`` names the model; every request sees ``model.objects.visible_to(user)``."""

    select_related: tuple[str, ...] = ()
    permission_resource: str | None = None

    def get_queryset(self):
        queryset = self.queryset.model.objects.visible_to(self.request.user)
        if self.select_related:
            queryset = queryset.select_related(*self.select_related)
        return queryset.order_by(*(self.queryset.query.order_by or self.queryset.model._meta.ordering or ["pk"]))

    def check_permissions(self, request):
        """An id outside the caller's scope is a 404 whatever the method: checked before the role table.

        So is a value that is not an id (``abc``, ``-1``, beyond the database's integer range): it never
        reaches the database."""
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        if lookup is not None and self.lookup_field in ("pk", "id") and not is_id(lookup):
            raise Http404
        if lookup is not None and request.user.is_authenticated:
            if not self.get_queryset().filter(**{self.lookup_field: lookup}).exists():
                raise Http404
        super().check_permissions(request)


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A related id that must be inside the caller's scope: a foreign id is a 400 ("does not exist")."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        return queryset.visible_to(request.user)


class DateField(serializers.DateField):
    """A date within the portal's range (``organizations.dates``: 1900-2100): beyond it a 400, never an
    overflow later in date arithmetic. Every ModelSerializer's model date becomes one (``apps.py``); declare
    input dates with it too."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(validate_date_range)
