"""Organization star rating (五星管理): one rating per organization and year, in steps.

Steps: self-assessment → public appraisal → organization review → public notice (policy days) →
approval. The grade maps to stars by the policy (好 → 5 or 4, 较好 → 3, 一般 → 2, 差 → 1 or 0).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped


class Grade(models.TextChoices):
    GOOD = "good", _("Good")
    FAIRLY_GOOD = "fairly_good", _("Fairly good")
    AVERAGE = "average", _("Average")
    POOR = "poor", _("Poor")


class RatingStep(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Self-assessment")
    PUBLIC_APPRAISAL = "public_appraisal", _("Public appraisal")
    ORGANIZATION_REVIEW = "organization_review", _("Organization review")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    APPROVED = "approved", _("Approved")


SCORE = [MinValueValidator(0), MaxValueValidator(100)]


class OrganizationRating(OrganizationScoped):
    year = models.PositiveSmallIntegerField(_("year"))
    designation = models.ForeignKey("rectification.Designation", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("closed-out rectification"))
    step = models.CharField(_("step"), max_length=24, choices=RatingStep.choices,
                            default=RatingStep.SELF_ASSESSMENT)
    self_grade = models.CharField(_("self-assessed grade"), max_length=16, choices=Grade.choices, blank=True)
    self_score = models.DecimalField(_("self-assessment score"), max_digits=5, decimal_places=1, null=True,
                                     blank=True, validators=SCORE)
    self_note = models.TextField(_("self-assessment summary"), blank=True)
    public_grade = models.CharField(_("public appraisal grade"), max_length=16, choices=Grade.choices, blank=True)
    public_score = models.DecimalField(_("public appraisal score"), max_digits=5, decimal_places=1, null=True,
                                       blank=True, validators=SCORE)
    public_note = models.TextField(_("public appraisal notes"), blank=True)
    review_grade = models.CharField(_("reviewed grade"), max_length=16, choices=Grade.choices, blank=True)
    review_score = models.DecimalField(_("review score"), max_digits=5, decimal_places=1, null=True, blank=True,
                                       validators=SCORE)
    review_note = models.TextField(_("review opinion"), blank=True)
    stars = models.PositiveSmallIntegerField(_("stars"), null=True, blank=True,
                                             validators=[MinValueValidator(0), MaxValueValidator(5)])
    notice_start = models.DateField(_("public notice from"), null=True, blank=True)
    notice_end = models.DateField(_("public notice until"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("approved by"))
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    policy = models.JSONField(_("policy values used"), default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-year", "organization__division__code"]
        verbose_name = _("organization star rating")
        verbose_name_plural = _("organization star ratings")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="rating_once_per_year")]
        indexes = [models.Index(fields=["county", "year", "stars"]), models.Index(fields=["township", "year"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"
