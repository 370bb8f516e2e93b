"""The escalation ladder (提醒 → 督办/挂牌督办 → 约谈 → 通报 → 问责, issue 14 item 1).

A trigger (tasks overdue, progress reports missing or late, contact visits short, a failed evaluation, a
relapse, an inspection's finding) raises an ``Escalation`` on the organization at the first rung (提醒, by the
daily job). Each rung taken is an ``EscalationStep`` with its owner, its deadline and its record: the supervision
notice (督办, the organization is then listed 挂牌督办 until resolved), the interview (约谈: who interviewed whom,
the problems, the commitments, the follow-up date), the circular (通报, a ``Circular`` to the county's townships
listing organizations and reasons), the accountability decision (问责, with its document number). Resolution
closes the escalation and stops its clock. One open escalation per organization and cause (a database
constraint), and a resolved one is not raised again for the same subjects (the overdue tasks, the periods, the
months... in ``subjects``): the daily job may run twice.

A county leader's instruction (``Instruction``, 批示) is written on an escalation or on an organization.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped
from organizations.roles import Level, Role
from organizations.scoping import ScopedManager, ScopeSpec


class Rung(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    SUPERVISION = "supervision", _("Supervision notice (listed)")
    INTERVIEW = "interview", _("Interview")
    CIRCULAR = "circular", _("Circular")
    ACCOUNTABILITY = "accountability", _("Accountability")


#: The ladder from the bottom: an escalation only climbs it.
RUNG_ORDER: tuple[str, ...] = (Rung.REMINDER, Rung.SUPERVISION, Rung.INTERVIEW, Rung.CIRCULAR, Rung.ACCOUNTABILITY)
#: Rungs on which an open escalation lists the organization as 挂牌督办.
LISTED_RUNGS = frozenset(RUNG_ORDER[1:])


def rung_index(rung: str) -> int:
    return RUNG_ORDER.index(rung)


class Cause(models.TextChoices):
    OVERDUE_TASKS = "overdue_tasks", _("Tasks overdue")
    REPORTS = "reports", _("Progress reports missing or late")
    VISITS = "visits", _("Contact-leader visits short")
    EVALUATION_FAILED = "evaluation_failed", _("Satisfaction evaluation failed")
    RELAPSE = "relapse", _("Relapse after close-out")
    INSPECTION = "inspection", _("Supervision team finding")
    OTHER = "other", _("Other")


#: Causes the daily job raises by itself (the others are raised by people).
AUTOMATIC_CAUSES = (Cause.OVERDUE_TASKS, Cause.REPORTS, Cause.VISITS, Cause.EVALUATION_FAILED, Cause.RELAPSE)


class Escalation(OrganizationScoped):
    designation = models.ForeignKey("rectification.Designation", null=True, blank=True, on_delete=models.CASCADE,
                                    related_name="escalations", verbose_name=_("designation"))
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    #: What the cause is about (task ids, period starts, months, a cycle, a review, a finding): a resolved
    #: escalation is not raised again for subjects it covered.
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    reason = models.TextField(_("reason"))
    rung = models.CharField(_("rung"), max_length=16, choices=Rung.choices, default=Rung.REMINDER, db_index=True)
    opened_on = models.DateField(_("opened on"))
    rung_since = models.DateField(_("on this rung since"))
    owner_name = models.CharField(_("responsible"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("opened by"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("resolved by"))
    resolution = models.TextField(_("resolution"), blank=True)
    #: The policy values the trigger used (a result keeps the rule that made it).
    policy = models.JSONField(_("policy values used"), default=dict, blank=True)
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        constraints = [
            models.UniqueConstraint(fields=["organization", "cause"], condition=Q(resolved_on__isnull=True),
                                    name="escalation_one_open_per_cause"),
        ]
        indexes = [models.Index(fields=["county", "resolved_on", "rung"]),
                   models.Index(fields=["township", "resolved_on", "rung"])]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_cause_display()} · {self.get_rung_display()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None

    @property
    def is_listed(self) -> bool:
        """挂牌督办: open and past the reminder."""
        return self.is_open and self.rung in LISTED_RUNGS

    def days_open(self, today: dt.date) -> int:
        """The clock: from opening to resolution (stopped) or to ``today``."""
        return ((self.resolved_on or today) - self.opened_on).days

    def is_past_deadline(self, today: dt.date) -> bool:
        return self.is_open and self.deadline is not None and self.deadline < today

    def next_rungs(self) -> list[str]:
        return list(RUNG_ORDER[rung_index(self.rung) + 1:]) if self.is_open else []


class Circular(models.Model):
    """A circular (通报) of the county to its townships listing organizations and the reasons: read by the county's
    people and by the officials of its townships (the township Party secretaries and organization officers)."""

    division = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("county"))
    number = models.CharField(_("document number"), max_length=60)
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    body = models.TextField(_("text"), blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("issued by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedManager()
    #: Addressed to the county's townships: their Party secretaries and organization officers read it too.
    scope = ScopeSpec.on_division("division__", readers_below=((Role.TOWNSHIP_ORGANIZER, Level.COUNTY),
                                                               (Role.TOWNSHIP_SECRETARY, Level.COUNTY)))

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("circular")
        verbose_name_plural = _("circulars")
        constraints = [models.UniqueConstraint(fields=["division", "number"], name="circular_unique_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class EscalationStep(OrganizationScoped):
    """One rung taken (the reminder included): its owner, deadline and record."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="steps",
                                   verbose_name=_("escalation"))
    rung = models.CharField(_("rung"), max_length=16, choices=Rung.choices)
    taken_on = models.DateField(_("date"))
    owner_name = models.CharField(_("responsible"), max_length=100, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    #: The reminder's text, the notice's requirements, the problems raised in the interview, the circular's
    #: reason for this organization, the accountability decision.
    content = models.TextField(_("content"))
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    interviewer = models.CharField(_("interviewer"), max_length=100, blank=True)
    interviewee = models.CharField(_("interviewee"), max_length=100, blank=True)
    commitments = models.TextField(_("commitments"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    circular = models.ForeignKey(Circular, null=True, blank=True, on_delete=models.PROTECT, related_name="steps",
                                 verbose_name=_("circular"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["escalation", "taken_on", "pk"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")

    def __str__(self) -> str:
        return f"{self.escalation} · {self.get_rung_display()} {self.taken_on}"


class Instruction(OrganizationScoped):
    """A county leader's instruction (批示) on an escalation or on an organization."""

    escalation = models.ForeignKey(Escalation, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="instructions", verbose_name=_("escalation"))
    text = models.TextField(_("instruction"))
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("instructing leader"))
    written_on = models.DateField(_("date"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-written_on", "-pk"]
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")

    def __str__(self) -> str:
        return f"{self.organization} {self.written_on}"
