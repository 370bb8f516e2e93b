"""The satisfaction rate (满意率) from raw counts and the policy values: a pure function, no database.

Rules (DOMAIN.md §4, domain practice §5):

* satisfied = 满意 (+ 基本满意 when ``counts_basic``);
* the denominator is the valid ballots: 满意 + 基本满意 + 不满意 (+ 弃权 unless ``excludes_abstentions``);
  invalid ballots (废票) never count;
* the decision compares the **exact fraction** with the threshold (79.995% is below 80%), with integer
  arithmetic; the rate kept for display is truncated to 0.01 so that it never reads as passing when the
  exact value does not (79.995 shows 79.99, not 80.00);
* no valid ballot, or fewer ballots than the quorum (all ballots except invalid ones), decides nothing;
* the dissatisfied rate (不满意率) uses the same denominator and is shown separately;
* veto (一票否决, domain practice §5, S8: "不满意票超过半数，验收不合格"): when ``veto_dissatisfied_half`` is on,
  an evaluation fails whatever its rate once the dissatisfied ballots are more than half of the ballots cast
  (abstentions included, invalid ballots not);
* the threshold may differ by organization category (seed 003: mass satisfaction over 90% for service-oriented
  organizations): ``rule_snapshot`` resolves the category's threshold into the stored snapshot, so the
  result keeps the threshold that was applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

#: The policy keys an evaluation result depends on (stored with the result).
POLICY_KEYS = ["satisfaction_threshold", "satisfaction_counts_basic", "satisfaction_excludes_abstentions",
               "evaluation_quorum", "satisfaction_veto_dissatisfied_half", "satisfaction_threshold_by_category"]

ACCEPTED = "accepted"
RE_RECTIFY = "re_rectify"
NO_DECISION = "no_decision"

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Counts:
    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0
    abstained: int = 0
    invalid: int = 0

    @property
    def cast(self) -> int:
        """Every ballot but the invalid ones (what the quorum counts)."""
        return self.satisfied + self.basically_satisfied + self.dissatisfied + self.abstained

    @property
    def total(self) -> int:
        return self.cast + self.invalid

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.satisfied + other.satisfied, self.basically_satisfied + other.basically_satisfied,
                      self.dissatisfied + other.dissatisfied, self.abstained + other.abstained,
                      self.invalid + other.invalid)

    @classmethod
    def of(cls, row) -> Counts:
        """Counts of any object (evaluation, voter group) with the five count attributes."""
        return cls(row.satisfied, row.basically_satisfied, row.dissatisfied, row.abstained, row.invalid)


@dataclass(frozen=True)
class Rule:
    threshold: Decimal = Decimal("80.00")
    counts_basic: bool = True
    excludes_abstentions: bool = True
    quorum: int = 0
    veto_dissatisfied_half: bool = False
    category: str = ""  # the organization category whose own threshold applies ("" : the general one)

    @property
    def category_label(self) -> str:
        from organizations.models.orgs import OrganizationCategory

        return str(dict(OrganizationCategory.choices).get(self.category, self.category))

    @classmethod
    def from_policy(cls, values) -> Rule:
        """From a stored snapshot dict (keys of POLICY_KEYS, as ``rule_snapshot`` makes it).

        A snapshot stored before the veto existed has no veto key: it keeps the rule that made it (no veto).
        """
        return cls(threshold=Decimal(str(values["satisfaction_threshold"])),
                   counts_basic=bool(values["satisfaction_counts_basic"]),
                   excludes_abstentions=bool(values["satisfaction_excludes_abstentions"]),
                   quorum=int(values["evaluation_quorum"]),
                   veto_dissatisfied_half=bool(_optional(values, "satisfaction_veto_dissatisfied_half", False)),
                   category=str(_optional(values, "satisfaction_threshold_category", "") or ""))


def _optional(values, key: str, default):
    try:
        return values[key]
    except KeyError:
        return default


def rule_snapshot(policy, category: str | None) -> dict:
    """The policy values an evaluation of an organization of ``category`` is decided by (to be stored).

    ``policy``: an EffectivePolicy. The category's own threshold (``satisfaction_threshold_by_category``)
    replaces the general one and the category is recorded with it.
    """
    values = policy.snapshot(POLICY_KEYS)
    by_category = values.get("satisfaction_threshold_by_category") or {}
    if category and category in by_category:
        values["satisfaction_threshold"] = by_category[category]
        values["satisfaction_threshold_category"] = category
    return values


@dataclass(frozen=True)
class RateResult:
    numerator: int
    denominator: int
    rate: Decimal | None  # truncated to 0.01, for display and storage
    dissatisfied_rate: Decimal | None
    outcome: str  # ACCEPTED, RE_RECTIFY or NO_DECISION
    quorum_met: bool
    vetoed: bool = False  # more than half of the ballots cast are dissatisfied (and the veto is on)

    @property
    def passes(self) -> bool | None:
        return None if self.outcome == NO_DECISION else self.outcome == ACCEPTED


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_DOWN)


def compute_rate(counts: Counts, rule: Rule) -> RateResult:
    numerator = counts.satisfied + (counts.basically_satisfied if rule.counts_basic else 0)
    denominator = counts.satisfied + counts.basically_satisfied + counts.dissatisfied
    if not rule.excludes_abstentions:
        denominator += counts.abstained
    quorum_met = counts.cast >= rule.quorum
    if denominator == 0:
        return RateResult(numerator, 0, None, None, NO_DECISION, quorum_met)
    rate = _percent(numerator, denominator)
    dissatisfied_rate = _percent(counts.dissatisfied, denominator)
    if not quorum_met:
        return RateResult(numerator, denominator, rate, dissatisfied_rate, NO_DECISION, False)
    if rule.veto_dissatisfied_half and counts.dissatisfied * 2 > counts.cast:
        return RateResult(numerator, denominator, rate, dissatisfied_rate, RE_RECTIFY, True, vetoed=True)
    # Exact comparison: numerator / denominator * 100 >= threshold, without rounding anything.
    passes = Decimal(numerator) * 100 >= rule.threshold * denominator
    return RateResult(numerator, denominator, rate, dissatisfied_rate, ACCEPTED if passes else RE_RECTIFY, True)
