"""The progress ledger: dated entries with evidence, period reports, contact-leader visits."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped


class ProgressEntry(OrganizationScoped):
    plan = models.ForeignKey("rectification.Plan", on_delete=models.CASCADE, related_name="progress_entries",
                             verbose_name=_("plan"))
    task = models.ForeignKey("rectification.Task", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="progress_entries", verbose_name=_("task"))
    happened_on = models.DateField(_("date"))
    content = models.TextField(_("what was done"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        verbose_name = _("progress entry")
        verbose_name_plural = _("progress entries")
        indexes = [models.Index(fields=["plan", "happened_on"]), models.Index(fields=["county", "happened_on"])]

    def __str__(self) -> str:
        return f"{self.happened_on} {self.content[:30]}"


class EvidenceFile(OrganizationScoped):
    """A photo or document attached to a progress entry; served only through a scoped view."""

    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="evidence",
                              verbose_name=_("progress entry"))
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.original_name


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class PeriodReport(OrganizationScoped):
    """The bimonthly (by policy) progress report of a plan; frozen once submitted."""

    plan = models.ForeignKey("rectification.Plan", on_delete=models.CASCADE, related_name="reports",
                             verbose_name=_("plan"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    summary = models.TextField(_("summary"), blank=True)
    snapshot = models.JSONField(_("frozen content"), default=dict, blank=True)
    policy = models.JSONField(_("policy values used"), default=dict, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("submitted by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["plan", "period_start"]
        verbose_name = _("period report")
        verbose_name_plural = _("period reports")
        constraints = [models.UniqueConstraint(fields=["plan", "period_start"], name="period_report_unique"),
                       models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                              name="period_report_dates_ordered")]
        indexes = [models.Index(fields=["county", "due_on", "status"])]

    def __str__(self) -> str:
        return f"{self.plan} {self.period_start}–{self.period_end}"

    @property
    def is_late(self) -> bool:
        return self.submitted_at is not None and self.submitted_at.date() > self.due_on


class ContactVisit(OrganizationScoped):
    """A county contact leader's visit to a village (at least 3 a month by default)."""

    plan = models.ForeignKey("rectification.Plan", on_delete=models.CASCADE, related_name="visits",
                             verbose_name=_("plan"))
    #: The leader's portal account, when the leader has one (a visit logged by the leader, or entered for a
    #: leader with an account); empty for the leaders without one.
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("contact leader"))
    #: The leader's record in the directory (cadres' ContactLeader id, ``organizations.leaders``).
    leader_key = models.PositiveBigIntegerField(_("contact leader record"), null=True, blank=True, db_index=True)
    #: The leader's name and post when the visit was entered.
    leader_name = models.CharField(_("contact leader (name and post)"), max_length=160, blank=True)
    #: Who entered the visit: the leader, or a township organizer / the county admin on the leader's behalf.
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    visited_on = models.DateField(_("visit date"))
    discussed = models.TextField(_("what was discussed"))
    problems_solved = models.TextField(_("problems solved"), blank=True)
    problems_solved_count = models.PositiveSmallIntegerField(_("number of problems solved"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("contact-leader visit")
        verbose_name_plural = _("contact-leader visits")
        indexes = [models.Index(fields=["plan", "visited_on"]), models.Index(fields=["county", "visited_on"])]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.plan}"

    @property
    def leader_label(self) -> str:
        if self.leader_name:
            return self.leader_name
        return self.leader.display_name if self.leader_id else ""

    @property
    def solved_nothing(self) -> bool:
        """Seed 001 asks for 1-2 practical problems solved per visit: a visit that solved none is flagged."""
        return self.problems_solved_count == 0
