"""The annual rectification report (年度整顿工作报告) of a township to its county and of a county to its city.

One per division and year. The division's own officials write it (summary of the work, achievements, problems,
next year's plan) and submit it; at submission the statistical form of that division and year (the upward
summary, domain practice §3a) is generated and stored with it, frozen. The level above returns it with a
comment (it is edited and submitted again, with a new workbook) or accepts it (then nothing changes any more).
Audited (simple_history): who submitted, returned and accepted, when, and what the text was each time.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.scoping import ScopedManager, ScopeSpec


class AnnualReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    ACCEPTED = "accepted", _("Accepted")


#: States in which the division's officials may still edit and submit the report.
EDITABLE_STATUSES = (AnnualReportStatus.DRAFT, AnnualReportStatus.RETURNED)


class AnnualReport(models.Model):
    division = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("area"))
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=AnnualReportStatus.choices,
                              default=AnnualReportStatus.DRAFT)
    work_summary = models.TextField(_("summary of the work"), blank=True)
    achievements = models.TextField(_("achievements"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_year_plan = models.TextField(_("plan for next year"), blank=True)
    #: The statistical form of the division and year as it stood at the last submission (frozen).
    workbook = models.FileField(_("workbook"), upload_to="annual-reports/%Y/", blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("submitted by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))
    review_comment = models.TextField(_("review comment"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        ordering = ["-year", "division__code"]
        verbose_name = _("annual rectification report")
        verbose_name_plural = _("annual rectification reports")
        constraints = [models.UniqueConstraint(fields=["division", "year"], name="annual_report_once_per_year")]

    def __str__(self) -> str:
        return f"{self.division} {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES
