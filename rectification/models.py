"""The ledger entry of a weak and lax organization in a round: rounds, categories and designations.

Plans, tasks, progress and reports arrive with the rectification-ledger issue and hang on
``Designation``. The statuses are those of DOMAIN.md §4.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.scoping import ScopedManager, ScopeSpec


class Category(models.Model):
    """A weak-and-lax type (软弱涣散类型): the ten national ones (no county) or a county's own."""

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    county = models.ForeignKey("organizations.Division", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("county"),
                               help_text=_("Empty for the national categories."))
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("weak-and-lax category")
        verbose_name_plural = _("weak-and-lax categories")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=models.Q(county__isnull=True),
                                    name="category_national_code_unique"),
            models.UniqueConstraint(fields=["county", "code"], name="category_county_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Round(models.Model):
    """A county's rectification round (整顿批次), one per year."""

    county = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="rounds",
                               verbose_name=_("county"))
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedManager()
    scope = ScopeSpec.on_division("county__")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("rectification round")
        verbose_name_plural = _("rectification rounds")
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="round_unique_per_county_year")]

    def __str__(self) -> str:
        return self.name


class DesignationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DESIGNATED = "designated", _("Designated")
    PLAN_REVIEW = "plan_review", _("Plan awaiting approval")
    RECTIFYING = "rectifying", _("In rectification")
    ACCEPTANCE_REQUESTED = "acceptance_requested", _("Acceptance requested")
    EVALUATING = "evaluating", _("Under evaluation")
    CLOSED_OUT = "closed_out", _("Closed out")
    CONSOLIDATING = "consolidating", _("Consolidation period")
    CONSOLIDATED = "consolidated", _("Consolidation completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Statuses in which an organization counts as rectified (struck off the list).
RECTIFIED_STATUSES = (DesignationStatus.CLOSED_OUT, DesignationStatus.CONSOLIDATING,
                      DesignationStatus.CONSOLIDATED)


class Designation(models.Model):
    """An organization designated weak and lax in a round: the ledger's row."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="designations",
                              verbose_name=_("rectification round"))
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="designations", verbose_name=_("Party organization"))
    categories = models.ManyToManyField(Category, related_name="designations", verbose_name=_("categories"))
    problems = models.TextField(_("problems found"))
    status = models.CharField(_("status"), max_length=24, choices=DesignationStatus.choices,
                              default=DesignationStatus.PROPOSED, db_index=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("confirmed by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    closed_out_on = models.DateField(_("closed out on"), null=True, blank=True)
    # Denormalised from the organization (set by services) for one-column scoping and rollups.
    county = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("organizations.Division", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[categories], excluded_fields=["county", "township", "updated_at"])
    objects = ScopedManager()
    scope = ScopeSpec.on_organization("organization__", county="county_id", township="township_id")

    class Meta:
        ordering = ["round", "organization__division__code"]
        verbose_name = _("designation")
        verbose_name_plural = _("designations")
        constraints = [
            models.UniqueConstraint(fields=["round", "organization"], name="designation_unique_per_round"),
        ]
        indexes = [models.Index(fields=["county", "status"]), models.Index(fields=["township", "status"])]

    def __str__(self) -> str:
        return f"{self.organization} · {self.round}"

    def copy_scope(self) -> None:
        self.county_id = self.organization.county_id
        self.township_id = self.organization.township_id

    @property
    def is_rectified(self) -> bool:
        return self.status in RECTIFIED_STATUSES
