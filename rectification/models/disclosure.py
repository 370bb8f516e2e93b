"""The public disclosure board (公开栏): shown without login through an unguessable link once published."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped


def new_token() -> str:
    return secrets.token_urlsafe(24)


class DisclosureBoard(OrganizationScoped):
    designation = models.OneToOneField("rectification.Designation", on_delete=models.CASCADE,
                                       related_name="board", verbose_name=_("designation"))
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("published by"))

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS + ["token"])

    class Meta:
        verbose_name = _("disclosure board")
        verbose_name_plural = _("disclosure boards")

    def __str__(self) -> str:
        return str(self.designation)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
