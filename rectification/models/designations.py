"""The ledger entry of a weak and lax organization in a round (DOMAIN.md §2, §4)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from organizations.models.base import OrganizationScoped
from organizations.scoping import ScopedManager, ScopeSpec

from .rounds import Category, Round  # noqa: F401  (Category: the M2M target)


class DesignationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DESIGNATED = "designated", _("Designated")
    PLAN_REVIEW = "plan_review", _("Plan awaiting approval")
    RECTIFYING = "rectifying", _("In rectification")
    ACCEPTANCE_REQUESTED = "acceptance_requested", _("Acceptance requested")
    EVALUATING = "evaluating", _("Under evaluation")
    CONSOLIDATING = "consolidating", _("Closed out, consolidating")
    CONSOLIDATED = "consolidated", _("Consolidation completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: Statuses in which an organization counts as rectified (struck off the list).
RECTIFIED_STATUSES = (DesignationStatus.CONSOLIDATING, DesignationStatus.CONSOLIDATED)


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
    consolidation_until = models.DateField(_("consolidation until"), null=True, blank=True)
    follow_up_result = models.TextField(_("follow-up review result"), blank=True)
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


class StatusChange(OrganizationScoped):
    """One transition of the lifecycle: who, when, from what to what, and why. Never edited."""

    designation = models.ForeignKey(Designation, on_delete=models.CASCADE, related_name="status_changes",
                                    verbose_name=_("designation"))
    action = models.CharField(_("action"), max_length=30)
    # "from"/"to" with a context: bare, "from" was also a training's start date (原状态 on the training form).
    from_status = models.CharField(pgettext_lazy("status change", "from"), max_length=24,
                                   choices=DesignationStatus.choices)
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=24,
                                 choices=DesignationStatus.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("by"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.designation} {self.from_status} → {self.to_status}"

    @property
    def changes_status(self) -> bool:
        """False for an action that leaves the status as it was (a new cycle's plan submitted, approved or
        returned while the organization stays in rectification): the history shows the action, not "A → A"."""
        return self.from_status != self.to_status

    @property
    def action_label(self):
        """The action as the lifecycle table names it (e.g. 批准新一轮整顿方案)."""
        from ..lifecycle import transition_for

        transition = transition_for(self.from_status, self.action)
        return transition.label if transition is not None else self.action
