"""The planning ledger (规划台账, seed 002's third ledger): the county's multi-year rectification and
transformation plan (整顿转化规划, e.g. a three-year plan 2025-2027).

A plan belongs to a county (``division``) and spans ``first_year``..``last_year``. Each year has its goal
(``PlanYearGoal``: the text and the number of organizations to transform that year) and its planned
organizations (``PlanEntry``: which organization is to be rectified and transformed in which year, with its
own goal). What actually happened is not stored here: the plan page reads it from the designations and
rounds under the one counting rule (``selectors.counting``), so plan and ledger never disagree. At the year
end the plan is rolled forward (``services.planning.multi_year_plan_roll_forward``): the organizations of the
year not rectified, or relapsed, are carried into the next year (``carried_from``), and the plan's window
moves on a year when it ends. Audited (simple_history).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped
from organizations.scoping import ScopedManager, ScopeSpec


class MultiYearPlan(models.Model):
    """整顿转化规划: a county's plan over a few years."""

    division = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("county"))
    title = models.CharField(_("title"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    overall_goal = models.TextField(_("overall goal"), blank=True)
    adopted_on = models.DateField(_("issued on"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=60, blank=True,
                                       help_text=_("e.g. 仙委〔2026〕12号"))
    #: The last year whose unfinished organizations were carried into the next (None: never rolled).
    rolled_through = models.PositiveSmallIntegerField(_("rolled forward through"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        ordering = ["-first_year", "division__code", "pk"]
        verbose_name = _("multi-year rectification plan")
        verbose_name_plural = _("multi-year rectification plans")
        constraints = [
            models.CheckConstraint(condition=models.Q(last_year__gte=models.F("first_year")),
                                   name="multi_year_plan_years_in_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


class PlanYearGoal(models.Model):
    """The goal of one year of a plan: what is to be achieved and how many organizations to transform."""

    plan = models.ForeignKey(MultiYearPlan, on_delete=models.CASCADE, related_name="goals",
                             verbose_name=_("multi-year rectification plan"))
    #: The plan's county (copied by the service), so the goal is scoped like the plan.
    division = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    goal = models.TextField(_("goal of the year"))
    target_transformed = models.PositiveIntegerField(_("organizations to transform"), default=0,
                                                     validators=[MaxValueValidator(100000)])
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["division", "updated_at"])
    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        ordering = ["plan", "year"]
        verbose_name = _("goal of a plan year")
        verbose_name_plural = _("goals of plan years")
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="plan_year_goal_once")]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}"


class PlanEntry(OrganizationScoped):
    """An organization planned for rectification and transformation in a year of the plan."""

    plan = models.ForeignKey(MultiYearPlan, on_delete=models.CASCADE, related_name="entries",
                             verbose_name=_("multi-year rectification plan"))
    year = models.PositiveSmallIntegerField(_("planned year"))
    goal = models.CharField(_("goal for the organization"), max_length=500, blank=True)
    reason = models.CharField(_("why it is planned"), max_length=500, blank=True)
    #: The entry of the previous year this one carries forward (the organization was not rectified then).
    carried_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="carried_to", verbose_name=_("carried forward from"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["plan", "year", "organization__division__code", "pk"]
        verbose_name = _("planned organization")
        verbose_name_plural = _("planned organizations")
        constraints = [models.UniqueConstraint(fields=["plan", "organization", "year"], name="plan_entry_once")]
        indexes = [models.Index(fields=["county", "year"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"
