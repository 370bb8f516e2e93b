from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Divisions and organizations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db import models
        from rest_framework import serializers

        from . import signals  # noqa: F401
        from .api.base import DateField

        # Every API date a ModelSerializer builds from a model date is checked to lie in the portal's range
        # (1900-2100, organizations.dates): 9999-12-31 is a 400, not an overflow in date arithmetic later.
        serializers.ModelSerializer.serializer_field_mapping[models.DateField] = DateField
