"""Satisfaction evaluation (满意度测评) at acceptance: voter groups, ballots, the 80% gate.

Raw counts are kept: aggregate counts per voter group (entered from a paper tally) plus single
ballots (entered one by one by an evaluator, or cast anonymously through a one-time link). Closing
freezes the totals on the evaluation; deciding stores the rate, the decision and the policy values.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped


class Choice(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    ABSTAIN = "abstain", _("Abstain")


class EvaluationStatus(models.TextChoices):
    OPEN = "open", _("Voting")
    CLOSED = "closed", _("Closed, awaiting decision")
    DECIDED = "decided", _("Decided")


class Decision(models.TextChoices):
    NONE = "", _("Not decided")
    ACCEPTED = "accepted", _("Accepted and closed out")
    RE_RECTIFY = "re_rectify", _("Rectify again")
    NO_DECISION = "no_decision", _("No decision (no valid ballots or quorum not met)")


class Evaluation(OrganizationScoped):
    designation = models.ForeignKey("rectification.Designation", on_delete=models.PROTECT,
                                    related_name="evaluations", verbose_name=_("weak and lax organization"))
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("held on"))
    status = models.CharField(_("status"), max_length=16, choices=EvaluationStatus.choices,
                              default=EvaluationStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("opened by"))
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("closed by"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Totals frozen at closing (aggregate group counts + single ballots).
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    abstained = models.PositiveIntegerField(_("abstained"), default=0)
    invalid = models.PositiveIntegerField(_("invalid ballots"), default=0)
    # The decision and what it used.
    rate = models.DecimalField(_("satisfaction rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True, default="")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decision_note = models.TextField(_("decision note"), blank=True)
    policy = models.JSONField(_("policy values used"), default=dict, blank=True)
    new_deadline = models.DateField(_("new deadline (if rectified again)"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("satisfaction evaluation")
        verbose_name_plural = _("satisfaction evaluations")
        constraints = [
            # At most one evaluation in progress per designation.
            models.UniqueConstraint(fields=["designation"], condition=~Q(status="decided"),
                                    name="evaluation_one_open_per_designation"),
        ]
        indexes = [models.Index(fields=["county", "status"]), models.Index(fields=["status", "decision"])]

    def __str__(self) -> str:
        return self.title


class VoterGroupKind(models.TextChoices):
    PARTY_MEMBERS = "party_members", _("Party member representatives")
    PUBLIC = "public", _("Public representatives")
    OTHER = "other", _("Other voters")


class VoterGroup(OrganizationScoped):
    """A group of voters with aggregate counts entered from the paper tally."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="groups",
                                   verbose_name=_("evaluation"))
    kind = models.CharField(_("voter group"), max_length=16, choices=VoterGroupKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("voters invited"), default=0)
    satisfied = models.PositiveIntegerField(_("satisfied"), default=0)
    basically_satisfied = models.PositiveIntegerField(_("basically satisfied"), default=0)
    dissatisfied = models.PositiveIntegerField(_("dissatisfied"), default=0)
    abstained = models.PositiveIntegerField(_("abstained"), default=0)
    invalid = models.PositiveIntegerField(_("invalid ballots"), default=0)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["evaluation", "kind", "pk"]
        verbose_name = _("voter group")
        verbose_name_plural = _("voter groups")

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class BallotToken(OrganizationScoped):
    """A one-time link (and QR code) for one anonymous voter; the token is stored hashed."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="tokens",
                                   verbose_name=_("evaluation"))
    group = models.ForeignKey(VoterGroup, on_delete=models.CASCADE, related_name="tokens",
                              verbose_name=_("voter group"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("ballot link")
        verbose_name_plural = _("ballot links")


class BallotSource(models.TextChoices):
    ENTERED = "entered", _("Entered by an evaluator")
    ANONYMOUS = "anonymous", _("Cast anonymously")


class Ballot(OrganizationScoped):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="ballots",
                                   verbose_name=_("evaluation"))
    group = models.ForeignKey(VoterGroup, on_delete=models.CASCADE, related_name="ballots",
                              verbose_name=_("voter group"))
    choice = models.CharField(_("choice"), max_length=24, choices=Choice.choices)
    source = models.CharField(_("source"), max_length=16, choices=BallotSource.choices)
    token = models.OneToOneField(BallotToken, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="ballot")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("cast at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        indexes = [models.Index(fields=["evaluation", "choice"])]
