"""Violations of discipline or law investigated in a designated organization (查处违纪违法行为, the last column
of the statistical form, domain practice §3a): one dated record per case, entered by the county or the
township, kept on the designation (scoped like it) and audited. The form counts the cases of the year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped


class DisciplineCase(OrganizationScoped):
    designation = models.ForeignKey("rectification.Designation", on_delete=models.CASCADE,
                                    related_name="discipline_cases", verbose_name=_("designation"))
    decided_on = models.DateField(_("investigated on"))
    summary = models.TextField(_("case summary"))
    handled_by = models.CharField(_("handled by"), max_length=100)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["designation", "decided_on", "pk"]
        verbose_name = _("discipline case")
        verbose_name_plural = _("discipline cases")
        indexes = [models.Index(fields=["county", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.designation} {self.decided_on}"
