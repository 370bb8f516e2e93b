"""The plan (一村一策): four essentials, "four ones", cycles, measures and their tasks."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


class Plan(OrganizationScoped):
    """One plan per designation (organization and round)."""

    designation = models.OneToOneField("rectification.Designation", on_delete=models.CASCADE,
                                       related_name="plan", verbose_name=_("designation"))
    # The four essentials (四明确)
    objectives = models.TextField(_("objectives"), blank=True)
    cause_analysis = models.TextField(_("cause analysis"), blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=100, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=50, blank=True)
    # The "four ones" (四个一): only the township leader assigned to the village is the plan's. The county
    # contact leader, the first secretary and the paired helping unit are the cadres records (first
    # secretaries stationed in the organization, running pairings), read through the kernel's provider:
    # rectification.selectors.four_ones.
    township_leader = models.CharField(_("township leader assigned"), max_length=100, blank=True)
    # For the upward statistical summary
    secretary_adjusted = models.BooleanField(_("secretary adjusted"), default=False)
    secretary_trained = models.BooleanField(_("secretary trained"), default=False)

    status = models.CharField(_("plan status"), max_length=12, choices=PlanStatus.choices,
                              default=PlanStatus.DRAFT, db_index=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS + ["updated_at"])

    class Meta:
        verbose_name = _("rectification plan")
        verbose_name_plural = _("rectification plans")
        indexes = [models.Index(fields=["county", "status"]), models.Index(fields=["township", "status"])]

    def __str__(self) -> str:
        return str(self.designation)

    @property
    def current_cycle(self):
        cycles = list(self.cycles.all())
        return cycles[-1] if cycles else None


class PlanCycle(OrganizationScoped):
    """A rectification cycle: the first, then one per re-rectification, each with its deadline."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="cycles", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("cycle"))
    started_on = models.DateField(_("started on"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The county's exception: acceptance may be applied for while tasks of this cycle are still open.
    acceptance_exception_reason = models.TextField(_("reason for applying for acceptance with open tasks"),
                                                   blank=True)
    acceptance_exception_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                on_delete=models.SET_NULL, related_name="+",
                                                verbose_name=_("exception recorded by"))
    acceptance_exception_at = models.DateTimeField(_("exception recorded at"), null=True, blank=True)
    acceptance_exception_open_tasks = models.PositiveIntegerField(_("open tasks when the exception was recorded"),
                                                                  null=True, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("rectification cycle")
        verbose_name_plural = _("rectification cycles")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="plan_cycle_unique_number")]

    def __str__(self) -> str:
        return f"{self.plan} #{self.number}"


def validate_problem_item(value: str) -> None:
    from ..problems import item

    if item(value) is None:
        raise ValidationError(_("Choose a problem of the catalogue."), code="invalid_choice")


class PlanProblem(OrganizationScoped):
    """One problem of the plan's problem list (问题清单): an item of the catalogue (rectification/problems.py:
    seed 002's five problems with the national types and seed 001's four shortages under them), how it shows
    in this organization, and its cause analysis (原因分析). Measures answer it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="problems", verbose_name=_("plan"))
    item = models.CharField(_("problem"), max_length=20, validators=[validate_problem_item])
    description = models.TextField(_("how it shows here"))
    cause_analysis = models.TextField(_("cause analysis"), blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("plan problem")
        verbose_name_plural = _("problem list")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        from ..problems import item_label

        return item_label(self.item)

    @property
    def catalogue_item(self):
        from ..problems import item

        return item(self.item)


class MeasureFamily(models.TextChoices):
    TEAM = "team", _("Team building")
    ASSISTANCE = "assistance", _("Assistance")
    MECHANISM = "mechanism", _("Long-term mechanism")
    MOTIVATION = "motivation", _("Cadre motivation")
    OTHER = "other", _("Other")


class Measure(OrganizationScoped):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="measures", verbose_name=_("plan"))
    cycle = models.ForeignKey(PlanCycle, on_delete=models.PROTECT, related_name="measures",
                              verbose_name=_("cycle"))
    title = models.CharField(_("measure"), max_length=200)
    family = models.CharField(_("kind of measure"), max_length=12, choices=MeasureFamily.choices,
                              default=MeasureFamily.OTHER)
    # The problem of the plan's problem list the measure answers (empty only on rows older than the list).
    problem = models.ForeignKey(PlanProblem, null=True, blank=True, on_delete=models.RESTRICT,
                                related_name="measures", verbose_name=_("problem answered"))
    sort_order = models.PositiveSmallIntegerField(default=0)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["cycle__number", "sort_order", "pk"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")

    def __str__(self) -> str:
        return self.title


class TaskStatus(models.TextChoices):
    PENDING = "pending", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Task(OrganizationScoped):
    """A measure decomposed item by item (逐项分解): owner, deadline, status, progress, evidence."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="tasks",
                                verbose_name=_("measure"))
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    cycle = models.ForeignKey(PlanCycle, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("cycle"))
    title = models.CharField(_("task"), max_length=200)
    owner_name = models.CharField(_("owner"), max_length=50)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("owner account"))
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.PENDING)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS + ["updated_at"])

    class Meta:
        ordering = ["deadline", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["county", "status", "deadline"]),
                   models.Index(fields=["township", "status", "deadline"])]
        constraints = [models.CheckConstraint(condition=models.Q(progress__lte=100), name="task_progress_max_100")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status != TaskStatus.DONE and self.deadline < today
