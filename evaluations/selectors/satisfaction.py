"""Reads of the satisfaction evaluation: lists in the user's scope, the detail panel, the export rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q

from organizations.idlists import in_ids
from organizations.permissions import can
from organizations.policies import effective_policy
from rectification.models import Designation, DesignationStatus

from ..models import Ballot, BallotSource, BallotToken, Choice, Evaluation, EvaluationStatus, VoterGroup
from ..rules.satisfaction_rate import Counts, RateResult, Rule, compute_rate, rule_snapshot
from ..services.satisfaction import CHOICE_FIELD

#: Designation statuses the "awaiting evaluation" page lists.
AWAITING_STATUSES = (DesignationStatus.ACCEPTANCE_REQUESTED, DesignationStatus.EVALUATING)


def evaluations_visible(user):
    return Evaluation.objects.visible_to(user).select_related(
        "organization__division", "county", "township", "designation__round")


def designations_awaiting(user):
    """Organizations that applied for acceptance (or are under evaluation) in the user's scope."""
    return (Designation.objects.visible_to(user).filter(status__in=AWAITING_STATUSES)
            .select_related("organization__division", "township", "round")
            .annotate(open_evaluations=Count("evaluations", filter=~Q(evaluations__status=EvaluationStatus.DECIDED)))
            .order_by("township__code", "organization__division__code"))


@dataclass
class GroupRow:
    group: VoterGroup
    counts: Counts
    entered: int = 0
    anonymous: int = 0
    links: int = 0
    links_used: int = 0

    @property
    def tallied(self) -> int:
        """The aggregate counts typed in from the paper tally."""
        return Counts.of(self.group).total


@dataclass
class EvaluationPanel:
    evaluation: Evaluation
    groups: list[GroupRow]
    total: Counts
    rule: Rule
    policy: dict
    policy_is_frozen: bool
    result: RateResult
    links: int = 0
    links_used: int = 0
    choices: list = field(default_factory=list)
    may_count: bool = False
    may_close: bool = False
    may_decide: bool = False


def evaluation_panel(user, evaluation: Evaluation) -> EvaluationPanel:
    """Counts per group and per choice, ballots entered, links issued and used, the rate with its rule."""
    groups = list(VoterGroup.objects.filter(evaluation=evaluation).order_by("kind", "pk"))
    rows = {g.pk: GroupRow(group=g, counts=Counts.of(g)) for g in groups}
    for group_id, choice, source, n in (evaluation.ballots.values_list("group_id", "choice", "source")
                                        .annotate(n=Count("pk")).order_by()):
        row = rows[group_id]
        row.counts = row.counts + Counts(**{CHOICE_FIELD[choice]: n})
        if source == BallotSource.ANONYMOUS:
            row.anonymous += n
        else:
            row.entered += n
    for group_id, issued, used in (BallotToken.objects.filter(evaluation=evaluation).values_list("group_id")
                                   .annotate(issued=Count("pk"), used=Count("pk", filter=Q(used_at__isnull=False)))
                                   .order_by()):
        rows[group_id].links, rows[group_id].links_used = issued, used
    total = Counts()
    for row in rows.values():
        total = total + row.counts
    if evaluation.status == EvaluationStatus.OPEN or not evaluation.policy:
        policy = rule_snapshot(effective_policy(evaluation.organization.division), evaluation.organization.category)
        frozen = False
    else:
        policy, frozen = evaluation.policy, True
        total = Counts.of(evaluation)
    rule = Rule.from_policy(policy)
    is_open = evaluation.status == EvaluationStatus.OPEN
    return EvaluationPanel(
        evaluation=evaluation, groups=list(rows.values()), total=total, rule=rule, policy=policy,
        policy_is_frozen=frozen, result=compute_rate(total, rule),
        links=sum(r.links for r in rows.values()), links_used=sum(r.links_used for r in rows.values()),
        choices=Choice.choices,
        may_count=is_open and can(user, "evaluation", "count", evaluation),
        may_close=is_open and can(user, "evaluation", "close", evaluation),
        may_decide=(evaluation.status == EvaluationStatus.CLOSED and not evaluation.decision
                    and can(user, "evaluation", "decide", evaluation)),
    )


# ------------------------------------------------------------------------------------------- export rows


def export_rows(queryset, chunk: int = 500):
    """Per evaluation: the evaluation and its counts per voter group kind (aggregate + single ballots).

    Yields ``(evaluation, {kind: Counts})``; three queries per chunk of evaluations.
    """
    evaluations = queryset.select_related("organization__division", "county", "township").order_by(
        "county__code", "township__code", "organization__division__code", "-held_on", "pk")
    batch: list[Evaluation] = []
    for evaluation in evaluations.iterator(chunk_size=chunk):
        batch.append(evaluation)
        if len(batch) >= chunk:
            yield from _with_groups(batch)
            batch = []
    if batch:
        yield from _with_groups(batch)


def _with_groups(evaluations: list[Evaluation]):
    ids = [e.pk for e in evaluations]
    per: dict[int, dict[str, Counts]] = {pk: {} for pk in ids}
    kinds = {}
    for group in VoterGroup.objects.filter(evaluation_id__in=ids).order_by():
        kinds[group.pk] = (group.evaluation_id, group.kind)
        bucket = per[group.evaluation_id]
        bucket[group.kind] = bucket.get(group.kind, Counts()) + Counts.of(group)
    for group_id, choice, n in (Ballot.objects.filter(evaluation_id__in=ids).values_list("group_id", "choice")
                                .annotate(n=Count("pk")).order_by()):
        evaluation_id, kind = kinds[group_id]
        bucket = per[evaluation_id]
        bucket[kind] = bucket.get(kind, Counts()) + Counts(**{CHOICE_FIELD[choice]: n})
    for evaluation in evaluations:
        yield evaluation, per[evaluation.pk]


def designation_evaluations_panel(user, designation) -> dict:
    """The designation page's evaluation panel: its evaluations, and whether the user may open one now."""
    from organizations.permissions import can

    from ..services.satisfaction import evaluation_may_open

    evaluations = list(Evaluation.objects.visible_to(user).filter(designation=designation).order_by("-pk"))
    return {"evaluations": evaluations,
            "can_open_evaluation": evaluation_may_open(designation, evaluations)
            and can(user, "evaluation", "open", designation)}


def ledger_evaluation_columns(designation_ids: list[int]) -> dict[int, tuple]:
    """The consolidated ledger's evaluation columns (registered in ``EvaluationsConfig.ready``), for one chunk of
    designations in one query: the latest evaluation's date, satisfaction rate (%) and conclusion — the decision,
    or the voting state while undecided."""
    from ..models import Decision, Evaluation, EvaluationStatus

    decisions = {value: str(label) for value, label in Decision.choices if value}
    statuses = {value: str(label) for value, label in EvaluationStatus.choices}
    found: dict[int, tuple] = {}
    for designation_id, held_on, rate, decision, status in (
            Evaluation.objects.filter(in_ids("designation_id", designation_ids)).order_by("designation_id", "held_on", "pk")
            .values_list("designation_id", "held_on", "rate", "decision", "status")):
        found[designation_id] = (held_on, rate if rate is not None else "",
                                 decisions.get(decision) or statuses.get(status, status))  # the last one wins
    return found
