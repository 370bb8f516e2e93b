"""County supervision teams (督导组, issue 14 item 2) and their inspections.

A team belongs to the county (its leader, its members, the townships assigned to it). An inspection is a dated
visit of a team to a township's organizations; each organization visited gets a finding with a score. A finding
may open an escalation (cause "inspection") or demand the rectification of a measure of the organization's plan
(a task added to that measure, with its deadline).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped
from organizations.scoping import ScopedManager, ScopeSpec


class SupervisionTeam(models.Model):
    division = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("county"))
    name = models.CharField(_("team"), max_length=100)
    leader = models.CharField(_("team leader"), max_length=100)
    members = models.TextField(_("members"), help_text=_("One member a line: name and post."))
    townships = models.ManyToManyField("organizations.Division", related_name="+",
                                       verbose_name=_("townships assigned"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[townships])
    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        ordering = ["division", "name", "pk"]
        verbose_name = _("supervision team")
        verbose_name_plural = _("supervision teams")
        constraints = [models.UniqueConstraint(fields=["division", "name"], name="supervision_team_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def member_lines(self) -> list[str]:
        return [line.strip() for line in self.members.splitlines() if line.strip()]


class Inspection(models.Model):
    """One visit of a team to a township (``division``): date, the organizations visited (its findings)."""

    team = models.ForeignKey(SupervisionTeam, on_delete=models.PROTECT, related_name="inspections",
                             verbose_name=_("supervision team"))
    division = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("township"))
    county = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+")
    inspected_on = models.DateField(_("inspected on"))
    notes = models.TextField(_("overall findings"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["county"])
    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [models.Index(fields=["county", "inspected_on"])]

    def __str__(self) -> str:
        return f"{self.team} · {self.division} {self.inspected_on}"


class FindingAction(models.TextChoices):
    NONE = "none", _("No further action")
    ESCALATE = "escalate", _("Open an escalation")
    RECTIFY = "rectify", _("Demand rectification of a measure")


class InspectionFinding(OrganizationScoped):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings",
                                   verbose_name=_("inspection"))
    finding = models.TextField(_("finding"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True,
                                             validators=[MinValueValidator(0), MaxValueValidator(100)])
    action = models.CharField(_("follow-up"), max_length=10, choices=FindingAction.choices,
                              default=FindingAction.NONE)
    escalation = models.ForeignKey("rectification.Escalation", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("escalation"))
    measure = models.ForeignKey("rectification.Measure", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("measure"))
    task = models.ForeignKey("rectification.Task", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("rectification task"))

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["inspection", "organization__division__code", "pk"]
        verbose_name = _("inspection finding")
        verbose_name_plural = _("inspection findings")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "organization"], name="inspection_finding_once_per_org"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="inspection_score_max_100"),
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.organization}"
