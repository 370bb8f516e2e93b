"""The records of the checks (DOMAIN.md §4, seed 002): the six-monthly check (半年检查), the year-end
acceptance (年终验收) and the follow-up review after close-out (回头看).

Each is a dated record of who did what and what they found, entered by the county or the township, kept on
the designation (and so scoped like it) and audited. They gate the lifecycle: the acceptance meeting of the
current cycle must have passed before the satisfaction evaluation opens; a follow-up review that finds a
relapse puts the organization back to rectification (rectification/services/checks.py).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped


class CheckGrade(models.TextChoices):
    GOOD = "good", _("Good")
    FAIRLY_GOOD = "fairly_good", _("Fairly good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


class AcceptanceResult(models.TextChoices):
    """Grades of the acceptance review (domain practice S30): 合格 / 基本合格 / 不合格."""

    PASSED = "passed", _("Passed")
    BASICALLY_PASSED = "basically_passed", _("Basically passed")
    FAILED = "failed", _("Not passed")


#: Acceptance results that let the satisfaction evaluation open.
PASSING_RESULTS = (AcceptanceResult.PASSED, AcceptanceResult.BASICALLY_PASSED)


class FollowUpFinding(models.TextChoices):
    HELD = "held", _("Results held")
    RELAPSED = "relapsed", _("Relapsed")


class SixMonthlyCheck(OrganizationScoped):
    """The check of every six months (``check_interval_months``): who checked, what they found, the grade."""

    designation = models.ForeignKey("rectification.Designation", on_delete=models.CASCADE, related_name="checks",
                                    verbose_name=_("designation"))
    checked_on = models.DateField(_("checked on"))
    period_start = models.DateField(_("check period start"))
    checkers = models.CharField(_("checkers"), max_length=300)
    findings = models.TextField(_("findings"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True,
                                             validators=[MaxValueValidator(100)])
    grade = models.CharField(_("grade"), max_length=12, choices=CheckGrade.choices)
    rectification_demanded = models.TextField(_("rectification demanded"), blank=True)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["designation", "checked_on", "pk"]
        verbose_name = _("six-monthly check")
        verbose_name_plural = _("six-monthly checks")
        indexes = [models.Index(fields=["county", "checked_on"])]

    def __str__(self) -> str:
        return f"{self.designation} {self.checked_on}"


class CheckFinding(OrganizationScoped):
    """What the check found on one measure of the plan."""

    check_record = models.ForeignKey(SixMonthlyCheck, on_delete=models.CASCADE, related_name="measure_findings",
                                     verbose_name=_("six-monthly check"))
    measure = models.ForeignKey("rectification.Measure", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("measure"))
    finding = models.TextField(_("finding"))

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["check_record", "measure__sort_order", "pk"]
        verbose_name = _("finding on a measure")
        verbose_name_plural = _("findings on measures")
        constraints = [models.UniqueConstraint(fields=["check_record", "measure"], name="check_finding_once")]

    def __str__(self) -> str:
        return f"{self.check_record} {self.measure}"


class AcceptanceReview(OrganizationScoped):
    """The year-end acceptance meeting (考核验收) of one rectification cycle: members, opinions, result."""

    designation = models.ForeignKey("rectification.Designation", on_delete=models.CASCADE,
                                    related_name="acceptance_reviews", verbose_name=_("designation"))
    cycle_number = models.PositiveSmallIntegerField(_("cycle"), default=1)
    held_on = models.DateField(_("meeting date"))
    members = models.CharField(_("acceptance team members"), max_length=300)
    opinions = models.TextField(_("opinions"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True, validators=[MaxValueValidator(100)])
    result = models.CharField(_("acceptance result"), max_length=20, choices=AcceptanceResult.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["designation", "held_on", "pk"]
        verbose_name = _("acceptance review")
        verbose_name_plural = _("acceptance reviews")

    def __str__(self) -> str:
        return f"{self.designation} {self.held_on}"

    @property
    def is_passing(self) -> bool:
        return self.result in PASSING_RESULTS


class FollowUpReview(OrganizationScoped):
    """A follow-up review (回头看) of a closed-out organization: did the results hold, or did it relapse?"""

    designation = models.ForeignKey("rectification.Designation", on_delete=models.CASCADE, related_name="follow_ups",
                                    verbose_name=_("designation"))
    reviewed_on = models.DateField(_("reviewed on"))
    reviewers = models.CharField(_("reviewers"), max_length=300)
    finding = models.CharField(_("follow-up finding"), max_length=12, choices=FollowUpFinding.choices)
    notes = models.TextField(_("notes"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["designation", "reviewed_on", "pk"]
        verbose_name = _("follow-up review")
        verbose_name_plural = _("follow-up reviews")
        indexes = [models.Index(fields=["county", "reviewed_on"])]

    def __str__(self) -> str:
        return f"{self.designation} {self.reviewed_on}"

    @property
    def relapsed(self) -> bool:
        return self.finding == FollowUpFinding.RELAPSED
