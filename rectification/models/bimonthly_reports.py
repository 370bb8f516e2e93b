"""The bimonthly progress report of a township or a county (双月报告汇总), made by a Celery job.

One row per division and period (unique), so the job can run twice and still leave one report.
``figures`` holds the computed numbers, ``policy`` the policy values used, ``workbook`` the Excel file
for the level above; ``previous`` links the report of the period before, for the comparison.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from organizations.scoping import ScopedManager, ScopeSpec


class SummaryReport(models.Model):
    division = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("area"))
    county = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("county"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    figures = models.JSONField(_("figures"), default=dict)
    policy = models.JSONField(_("policy values used"), default=dict)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("previous report"))
    workbook = models.FileField(_("workbook"), upload_to="summary-reports/%Y/", blank=True)
    generated_at = models.DateTimeField(_("generated at"), auto_now=True)

    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        ordering = ["-period_start", "division__code"]
        verbose_name = _("bimonthly progress report")
        verbose_name_plural = _("bimonthly progress reports")
        constraints = [models.UniqueConstraint(fields=["division", "period_start"], name="summary_once_per_period")]
        indexes = [models.Index(fields=["county", "period_start"])]

    def __str__(self) -> str:
        return f"{self.division} {self.period_start}–{self.period_end}"
