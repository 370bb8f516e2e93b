"""Satisfaction evaluation (满意度测评): open, count, close and decide; anonymous one-time ballot links.

The decision is applied once: ``evaluation_decide`` locks the evaluation row and acts only on a
closed evaluation without a decision, so the threshold job may run twice (or concurrently with a
county admin's "decide now") without a second close-out or a second plan cycle.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.models import NotificationKind, User
from organizations.policies import effective_policy
from organizations.roles import Role
from organizations.services.common import by, require
from organizations.services.notifications import notify, role_holders
from rectification.models import Designation, DesignationStatus
from rectification.services.cycles import re_rectification_deadline

from ..models import (
    Ballot,
    BallotSource,
    BallotToken,
    Choice,
    Decision,
    Evaluation,
    EvaluationStatus,
    OrganizationRating,
    RatingStep,
    VoterGroup,
    VoterGroupKind,
)
from ..rules.satisfaction_rate import Counts, Rule, compute_rate, rule_snapshot

MAX_LINKS_PER_CALL = 500
SYSTEM_USERNAME = "system-jobs"
COUNT_FIELDS = ("satisfied", "basically_satisfied", "dissatisfied", "abstained", "invalid")
CHOICE_FIELD = {Choice.SATISFIED: "satisfied", Choice.BASICALLY_SATISFIED: "basically_satisfied",
                Choice.DISSATISFIED: "dissatisfied", Choice.ABSTAIN: "abstained"}


class BallotLinkError(ValidationError):
    """A one-time link that cannot be used: ``code`` is "unknown", "used", "closed" or "full" (every voter
    invited to its group has voted)."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def system_actor() -> User:
    """The account recorded on lifecycle changes made by the threshold job (it cannot log in)."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = User(username=SYSTEM_USERNAME, full_name="系统（满意度测评自动判定）", is_active=False,
                    is_superuser=True)
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            user = User.objects.get(username=SYSTEM_USERNAME)
    return user


def _locked(evaluation: Evaluation | int) -> Evaluation:
    pk = evaluation if isinstance(evaluation, int) else evaluation.pk
    return Evaluation.objects.select_for_update().get(pk=pk)


def _require_open(evaluation: Evaluation) -> None:
    if evaluation.status != EvaluationStatus.OPEN:
        raise ValidationError(_("Voting on this evaluation is closed."))


# ----------------------------------------------------------------------------------------------- opening


@transaction.atomic
def evaluation_create(*, user, designation: Designation, held_on: dt.date | None = None, title: str = "",
                      party_members: int = 0, public: int = 0) -> Evaluation:
    """Open the satisfaction evaluation of an organization that applied for acceptance.

    Moves the designation to "under evaluation" (or, after an evaluation that decided nothing, opens a
    new one while it stays there) and creates the two default voter groups.
    """
    from rectification.services.designations import evaluation_open

    require(user, "evaluation", "open", designation)
    designation = Designation.objects.select_for_update().select_related("organization").get(pk=designation.pk)
    refusal = evaluation_open_refusal(designation)
    if refusal:
        raise ValidationError(refusal)
    if designation.status == DesignationStatus.ACCEPTANCE_REQUESTED:
        designation = evaluation_open(user=user, designation=designation)
    if party_members < 0 or public < 0:
        raise ValidationError(_("The number of voters cannot be negative."))
    today = timezone.localdate()
    evaluation = Evaluation(designation=designation, held_on=held_on or today, opened_by=user,
                            title=(title or "").strip() or _("Satisfaction evaluation of %(organization)s") % {
                                "organization": designation.organization.name})
    evaluation.copy_scope_from(designation)
    evaluation.full_clean(exclude=["designation", "organization", "county", "township"])
    by(evaluation, user).save()
    for kind, size in ((VoterGroupKind.PARTY_MEMBERS, party_members), (VoterGroupKind.PUBLIC, public)):
        group = VoterGroup(evaluation=evaluation, kind=kind, size=size)
        group.copy_scope_from(evaluation)
        by(group, user).save()
    return evaluation


# ---------------------------------------------------------------------------------------------- counting


def _group_ballots(group: VoterGroup) -> int:
    return Ballot.objects.filter(group=group).count()


@transaction.atomic
def voter_group_counts(*, user, group: VoterGroup, satisfied: int, basically_satisfied: int, dissatisfied: int,
                       abstained: int, invalid: int = 0, size: int | None = None, name: str | None = None
                       ) -> VoterGroup:
    """Enter a group's aggregate counts from the paper tally (replaces the previous counts)."""
    require(user, "evaluation", "count", group)
    evaluation = _locked(group.evaluation_id)
    _require_open(evaluation)
    group = VoterGroup.objects.get(pk=group.pk)
    values = {"satisfied": satisfied, "basically_satisfied": basically_satisfied, "dissatisfied": dissatisfied,
              "abstained": abstained, "invalid": invalid}
    if any(v is None or int(v) < 0 for v in values.values()) or (size is not None and size < 0):
        raise ValidationError(_("Counts cannot be negative."))
    if size is not None:
        group.size = size
    if name is not None:
        group.name = name.strip()
    total = sum(int(v) for v in values.values()) + _group_ballots(group)
    if group.size and total > group.size:
        raise ValidationError(_("%(total)s ballots (counted and single ballots) exceed the %(size)s voters "
                                "invited to this group.") % {"total": total, "size": group.size})
    for field, value in values.items():
        setattr(group, field, int(value))
    by(group, user).save()
    return group


@transaction.atomic
def voter_group_add(*, user, evaluation: Evaluation, kind: str = VoterGroupKind.OTHER, name: str = "",
                    size: int = 0) -> VoterGroup:
    require(user, "evaluation", "count", evaluation)
    evaluation = _locked(evaluation)
    _require_open(evaluation)
    if kind not in VoterGroupKind.values:
        raise ValidationError({"kind": _("Unknown voter group.")})
    group = VoterGroup(evaluation=evaluation, kind=kind, name=name.strip(), size=max(0, int(size)))
    group.copy_scope_from(evaluation)
    by(group, user).save()
    return group


def _check_choice(choice: str) -> None:
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Choose one of the four answers.")})


@transaction.atomic
def ballot_enter(*, user, group: VoterGroup, choice: str) -> Ballot:
    """One paper ballot entered by an evaluator."""
    require(user, "evaluation", "count", group)
    _check_choice(choice)
    evaluation = _locked(group.evaluation_id)
    _require_open(evaluation)
    group = VoterGroup.objects.get(pk=group.pk)
    if group.size and sum(getattr(group, f) for f in COUNT_FIELDS) + _group_ballots(group) >= group.size:
        raise ValidationError(_("All %(size)s voters invited to this group have voted.") % {"size": group.size})
    ballot = Ballot(evaluation=evaluation, group=group, choice=choice, source=BallotSource.ENTERED, entered_by=user)
    ballot.copy_scope_from(evaluation)
    ballot.save()
    return ballot


@dataclass(frozen=True)
class Seats:
    """A voter group's seats: ballots cast (tallied counts + single ballots), links out (issued, unused)."""

    size: int
    cast: int
    links_out: int

    @property
    def left(self) -> int:
        """Seats for new links: the group's size less the ballots cast and the links still out."""
        return max(0, self.size - self.cast - self.links_out)


def group_seats(group: VoterGroup) -> Seats:
    """The seats of ``group`` as they stand (read ``group`` under the evaluation's lock to rely on them)."""
    tallied = sum(getattr(group, f) for f in COUNT_FIELDS)
    links_out = BallotToken.objects.filter(group=group, used_at__isnull=True).count()
    return Seats(size=group.size, cast=tallied + _group_ballots(group), links_out=links_out)


@transaction.atomic
def ballot_links_create(*, user, group: VoterGroup, count: int) -> list[str]:
    """``count`` one-time voting links for a group; returns the raw tokens ONCE (only their hashes are kept).

    Capped by the group's size: links out + ballots cast (tallied, entered, anonymous) never exceed the
    voters invited, so a group of 10 cannot get 15 links. A group without a size gets no link.
    """
    require(user, "evaluation", "count", group)
    evaluation = _locked(group.evaluation_id)
    _require_open(evaluation)
    if not 1 <= int(count) <= MAX_LINKS_PER_CALL:
        raise ValidationError({"count": _("Make between 1 and %(max)s links at a time.") % {
            "max": MAX_LINKS_PER_CALL}})
    group = VoterGroup.objects.select_for_update().get(pk=group.pk)
    if not group.size:
        raise ValidationError(_("Enter the number of voters invited to %(group)s first: voting links are "
                                "capped by it.") % {"group": group})
    seats = group_seats(group)
    if int(count) > seats.left:
        raise ValidationError({"count": _(
            "%(group)s has %(size)s voters invited: %(cast)s ballots are cast and %(out)s links are still "
            "unused, so at most %(left)s more links can be made.") % {
            "group": group, "size": seats.size, "cast": seats.cast, "out": seats.links_out, "left": seats.left}})
    tokens = [secrets.token_urlsafe(24) for _i in range(int(count))]
    rows = []
    for token in tokens:
        row = BallotToken(evaluation=evaluation, group=group, token_hash=hash_token(token))
        row.copy_scope_from(evaluation)
        rows.append(row)
    BallotToken.objects.bulk_create(rows)
    return tokens


def ballot_token_lookup(token: str) -> BallotToken | None:
    """The link behind a raw token (for the public voting page), with its evaluation and organization."""
    if not token or len(token) > 100:
        return None
    return BallotToken.objects.select_related("evaluation", "organization", "group").filter(
        token_hash=hash_token(token)).first()


def check_token_usable(row: BallotToken | None) -> None:
    if row is None:
        raise BallotLinkError(_("This voting link is not valid."), code="unknown")
    if row.used_at is not None:
        raise BallotLinkError(_("This voting link has already been used: each link casts one ballot."),
                              code="used")
    if row.evaluation.status != EvaluationStatus.OPEN:
        raise BallotLinkError(_("Voting has closed."), code="closed")
    group = row.group
    if group.size and group_seats(group).cast >= group.size:
        raise BallotLinkError(_("All %(size)s voters invited to this group have already voted: this link can no "
                                "longer cast a ballot.") % {"size": group.size}, code="full")


@transaction.atomic
def ballot_cast_anonymous(*, token: str, choice: str) -> Ballot:
    """A voter's anonymous ballot through a one-time link: the link casts once, while voting is open."""
    _check_choice(choice)
    row = ballot_token_lookup(token)
    check_token_usable(row)
    evaluation = _locked(row.evaluation_id)  # closing waits for us, and we see its status
    row = BallotToken.objects.select_for_update().get(pk=row.pk)
    row.evaluation = evaluation
    # The group's row is locked too (the evaluation's lock already orders every write of its counts), and
    # its seats are checked again under the locks: a link beyond them (made before the cap, or after the
    # size was lowered) casts nothing, however many are cast at once.
    row.group = VoterGroup.objects.select_for_update().get(pk=row.group_id)
    check_token_usable(row)
    ballot = Ballot(evaluation=evaluation, group_id=row.group_id, choice=choice, source=BallotSource.ANONYMOUS,
                    token=row)
    ballot.copy_scope_from(evaluation)
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError as exc:  # the OneToOne: a concurrent cast with the same link won
        raise BallotLinkError(_("This voting link has already been used: each link casts one ballot."),
                              code="used") from exc
    row.used_at = timezone.now()
    row.save(update_fields=["used_at"])
    return ballot


# ------------------------------------------------------------------------------------------------ closing


def live_counts(evaluation: Evaluation) -> tuple[dict[int, Counts], Counts]:
    """Per voter group (aggregate counts + single ballots) and the total, as they stand now."""
    groups = {g.pk: Counts.of(g) for g in VoterGroup.objects.filter(evaluation=evaluation)}
    for group_id, choice, n in (Ballot.objects.filter(evaluation=evaluation).values_list("group_id", "choice")
                                .annotate(n=Count("pk")).order_by()):
        groups[group_id] = groups.get(group_id, Counts()) + Counts(**{CHOICE_FIELD[choice]: n})
    total = Counts()
    for counts in groups.values():
        total = total + counts
    return groups, total


@dataclass(frozen=True)
class Turnout:
    """How many of a voter group's invited voters have voted (ballots of every kind, invalid included)."""

    group: VoterGroup
    cast: int

    @property
    def size(self) -> int:
        return self.group.size

    @property
    def short(self) -> bool:
        return bool(self.group.size) and self.cast < self.group.size


def evaluation_turnout(evaluation: Evaluation) -> list[Turnout]:
    """Each voter group's ballots against its size, as they stand now (the close page's warning)."""
    groups, _total = live_counts(evaluation)
    return [Turnout(group=group, cast=groups.get(group.pk, Counts()).total)
            for group in VoterGroup.objects.filter(evaluation=evaluation).order_by("kind", "pk")]


def turnout_summary(rows: list[Turnout]) -> str:
    """"公众代表 0/15, …": the groups whose voters have not all voted."""
    return _(", ").join(_("%(group)s %(cast)s of %(size)s") % {"group": row.group, "cast": row.cast,
                                                                  "size": row.size} for row in rows if row.short)


def closing_with_missing_voters_allowed(evaluation: Evaluation) -> bool:
    """The policy ``evaluation_close_with_missing_voters`` of the evaluated organization."""
    return bool(effective_policy(evaluation.organization.division)["evaluation_close_with_missing_voters"])


@transaction.atomic
def evaluation_close(*, user, evaluation: Evaluation, shortfall_confirmed: bool = True) -> Evaluation:
    """End the voting: freeze the totals, keep the policy values that apply, compute the rate.

    ``shortfall_confirmed`` False (the close page until its box is ticked): refused while a voter group
    has fewer ballots than voters invited (e.g. 0 of 15 public representatives), naming each such group.
    """
    require(user, "evaluation", "close", evaluation)
    evaluation = _locked(evaluation)
    _require_open(evaluation)
    short = [row for row in evaluation_turnout(evaluation) if row.short]
    if short and not closing_with_missing_voters_allowed(evaluation):
        raise ValidationError(_(
            "Not every voter has voted: %(groups)s. The policy requires every invited voter to vote before "
            "voting is closed.") % {"groups": turnout_summary(short)})
    if short and not shortfall_confirmed:
        raise ValidationError({"confirm_shortfall": _(
            "Not every voter has voted: %(groups)s. Confirm that voting is to be closed anyway.") % {
            "groups": turnout_summary(short)}})
    _groups, total = live_counts(evaluation)
    for field in COUNT_FIELDS:
        setattr(evaluation, field, getattr(total, field))
    organization = evaluation.organization
    evaluation.policy = rule_snapshot(effective_policy(organization.division), organization.category)
    evaluation.rate = compute_rate(total, Rule.from_policy(evaluation.policy)).rate
    evaluation.status = EvaluationStatus.CLOSED
    evaluation.closed_by, evaluation.closed_at = user, timezone.now()
    by(evaluation, user).save()
    return evaluation


# ----------------------------------------------------------------------------------------------- deciding


def default_new_deadline(today: dt.date, organization) -> dt.date:
    """The new cycle's deadline when the evaluation names none: the policy ``re_rectification_months``."""
    return re_rectification_deadline(organization, today)


def _fmt(value) -> str:
    return "—" if value is None else f"{value}%"


@transaction.atomic
def evaluation_decide(*, evaluation: Evaluation | int, user=None, today: dt.date | None = None,
                      new_deadline: dt.date | None = None, actor: User | None = None) -> Evaluation:
    """Apply the decision of a closed evaluation, once.

    ``user`` None: the threshold job (its lifecycle changes are recorded as the system account). The
    returned evaluation has ``applied`` True when this call made the decision, False when it had
    already been made (or the evaluation is still open). ``new_deadline``: the deadline of the new
    rectification cycle if the rate is below the threshold (default: six months from ``today``).
    ``actor``: the account the job records its changes under (default: ``system_actor()``; the job passes
    it once for a whole run).
    """
    if user is not None:
        probe = evaluation if isinstance(evaluation, Evaluation) else Evaluation.objects.get(pk=evaluation)
        require(user, "evaluation", "decide", probe)
    evaluation = _locked(evaluation)
    evaluation.applied = False
    if evaluation.status != EvaluationStatus.CLOSED or evaluation.decision:
        return evaluation
    today = today or timezone.localdate()
    if new_deadline is not None:
        if new_deadline <= today:
            raise ValidationError({"new_deadline": _("The new deadline must be after today.")})
        evaluation.new_deadline = new_deadline
    designation = Designation.objects.select_related("organization").get(pk=evaluation.designation_id)
    actor = user or actor or system_actor()
    in_evaluation = designation.status == DesignationStatus.EVALUATING
    decision_settle(evaluation, designation, today, in_evaluation=in_evaluation)
    if evaluation.decision == Decision.ACCEPTED and in_evaluation:
        from rectification.services.designations import evaluation_accept

        evaluation_accept(user=actor, designation=designation, comment=evaluation.decision_note, today=today)
        _enter_star_management(designation, actor, today)
    elif evaluation.decision == Decision.RE_RECTIFY and in_evaluation:
        from rectification.services.designations import evaluation_re_rectify

        evaluation_re_rectify(user=actor, designation=designation, comment=evaluation.decision_note,
                              new_deadline=evaluation.new_deadline, today=today)
    if in_evaluation:
        decision_notify(evaluation, designation.organization, [
            *_plan_people(designation),
            *role_holders(designation.organization, (Role.COUNTY_ADMIN, Role.TOWNSHIP_ORGANIZER))], actor=user)
    evaluation.decided_by = user
    by(evaluation, actor).save()
    evaluation.applied = True
    return evaluation


def decision_settle(evaluation: Evaluation, designation: Designation, today: dt.date, *, in_evaluation: bool) -> None:
    """Set the decision, rate, note, new deadline and status on ``evaluation`` (not saved): both paths use it."""
    organization = evaluation.organization
    rule = Rule.from_policy(evaluation.policy or rule_snapshot(effective_policy(organization.division),
                                                               organization.category))
    counts = Counts.of(evaluation)
    result = compute_rate(counts, rule)
    values = {"rate": _fmt(result.rate), "threshold": _fmt(rule.threshold), "quorum": rule.quorum,
              "cast": counts.cast, "dissatisfied": counts.dissatisfied}
    evaluation.rate = result.rate
    if result.outcome == Decision.ACCEPTED:
        evaluation.decision = Decision.ACCEPTED
        evaluation.decision_note = _("Satisfaction rate %(rate)s reaches the threshold %(threshold)s: accepted and "
                                     "closed out.") % values
    elif result.outcome == Decision.RE_RECTIFY:
        evaluation.decision = Decision.RE_RECTIFY
        evaluation.new_deadline = evaluation.new_deadline or default_new_deadline(today, evaluation.organization)
        values["deadline"] = date_format(evaluation.new_deadline, "DATE_FORMAT")
        if result.vetoed:
            evaluation.decision_note = _("%(dissatisfied)s of the %(cast)s ballots cast are dissatisfied, more than "
                                         "half: the evaluation fails whatever the satisfaction rate (%(rate)s); "
                                         "rectify again by %(deadline)s.") % values
        else:
            evaluation.decision_note = _("Satisfaction rate %(rate)s is below the threshold %(threshold)s: rectify "
                                         "again by %(deadline)s.") % values
    else:
        evaluation.decision = Decision.NO_DECISION
        if result.denominator == 0:
            evaluation.decision_note = _("No valid ballot: nothing is decided. A new evaluation may be opened.")
        else:
            evaluation.decision_note = _("%(cast)s ballots are fewer than the quorum of %(quorum)s: nothing is "
                                         "decided. A new evaluation may be opened.") % values
    if result.outcome != Decision.NO_DECISION and not in_evaluation:
        evaluation.decision_note += " " + _("The organization was no longer under evaluation (%(status)s): its "
                                            "status was not changed.") % {
            "status": designation.get_status_display()}
    evaluation.status = EvaluationStatus.DECIDED
    evaluation.decided_at = timezone.now()


def decision_notify(evaluation: Evaluation, organization, people, *, actor=None) -> None:
    """Tell the people concerned (the plan's people, the county admins and township organizers) the decision:
    closed out, or rectify again with the new deadline (the note says why); not the one who decided."""
    people = [p for p in people if actor is None or p.pk != actor.pk]
    if evaluation.decision == Decision.ACCEPTED:
        kind = NotificationKind.CLOSED_OUT
        title = _("%(organization)s is closed out") % {"organization": organization.name}
    elif evaluation.decision == Decision.RE_RECTIFY:
        kind = NotificationKind.RE_RECTIFICATION
        title = _("%(organization)s must rectify again") % {"organization": organization.name}
    else:
        return
    if people:
        notify(users=people, kind=kind, title=title, body=evaluation.decision_note,
               url=reverse("evaluations:evaluation", args=[evaluation.pk]),
               dedupe_key=f"evaluation-{evaluation.pk}-decision")


def _plan_people(designation: Designation):
    from rectification.selectors.recipients import plan_people

    return plan_people(designation.organization)


def _enter_star_management(designation: Designation, actor, today: dt.date) -> None:
    """The organization enters star management: its first yearly rating, at the self-assessment step."""
    if OrganizationRating.objects.filter(organization_id=designation.organization_id, year=today.year).exists():
        return
    rating = OrganizationRating(year=today.year, designation=designation, step=RatingStep.SELF_ASSESSMENT)
    rating.copy_scope_from(designation)
    by(rating, actor).save()


#: ``acceptance_refusal`` not given: the gate is asked for the one designation.
_ASK = object()


def evaluation_open_refusal(designation: Designation, evaluations=None, *, undecided: int | None = None,
                            acceptance_refusal=_ASK) -> str | None:
    """The one rule for opening an evaluation, as the reason it cannot be opened now (None: it may).

    The organization applied for acceptance and the year-end acceptance meeting of its current cycle passed
    (rectification's gate, ``check_gates``), or it is under evaluation, and no evaluation of it is in
    progress (every one so far is decided; after "no decision" a new one may be opened).
    ``evaluations`` (the designation's evaluations) or ``undecided`` (how many are not decided), and
    ``acceptance_refusal`` (the gate's answer, ``open_evaluation_refusals`` for a list) when the caller has
    them: no query then.
    """
    if designation.status not in (DesignationStatus.ACCEPTANCE_REQUESTED, DesignationStatus.EVALUATING):
        return _("An evaluation is opened when the organization has applied for acceptance.")
    if designation.status == DesignationStatus.ACCEPTANCE_REQUESTED:
        # The satisfaction evaluation comes after the acceptance meeting of the cycle, which must have passed.
        if acceptance_refusal is _ASK:
            from rectification.services.check_gates import lifecycle_refusal

            acceptance_refusal = lifecycle_refusal(designation, "open_evaluation", timezone.localdate())
        if acceptance_refusal:
            return acceptance_refusal
    if undecided is None:
        if evaluations is not None:
            undecided = sum(1 for e in evaluations if e.status != EvaluationStatus.DECIDED)
        else:
            undecided = Evaluation.objects.filter(designation_id=designation.pk).exclude(
                status=EvaluationStatus.DECIDED).exists()
    if undecided:
        return _("An evaluation of this organization is already in progress.")
    return None


def evaluation_may_open(designation: Designation, evaluations=None, *, undecided: int | None = None,
                        acceptance_refusal=_ASK) -> bool:
    """May an evaluation of ``designation`` be opened now? (``evaluation_open_refusal`` gives the reason.)"""
    return evaluation_open_refusal(designation, evaluations, undecided=undecided,
                                   acceptance_refusal=acceptance_refusal) is None


def evaluation_reopen_allowed(evaluation: Evaluation) -> bool:
    """After "no decision" the county may open a new evaluation while the organization stays under evaluation."""
    return evaluation.decision == Decision.NO_DECISION and evaluation_may_open(evaluation.designation)
