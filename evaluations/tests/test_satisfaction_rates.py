"""The satisfaction rate: exact comparison with the threshold, the policy switches, no decision cases."""

from decimal import Decimal

import pytest

from evaluations.rules.satisfaction_rate import ACCEPTED, NO_DECISION, RE_RECTIFY, Counts, Rule, compute_rate

DEFAULT = Rule()


@pytest.mark.parametrize(("satisfied", "dissatisfied", "outcome", "shown"), [
    (7999, 2001, RE_RECTIFY, "79.99"),  # 79.99%
    (8000, 2000, ACCEPTED, "80.00"),  # exactly 80%
    (15999, 4001, RE_RECTIFY, "79.99"),  # 79.995%: below 80, never shown as 80.00
    (10, 0, ACCEPTED, "100.00"),
    (0, 10, RE_RECTIFY, "0.00"),
])
def test_threshold_boundaries(satisfied, dissatisfied, outcome, shown):
    result = compute_rate(Counts(satisfied=satisfied, dissatisfied=dissatisfied), DEFAULT)
    assert result.outcome == outcome
    assert result.rate == Decimal(shown)


def test_basically_satisfied_counts_by_default_and_not_when_switched_off():
    counts = Counts(satisfied=6, basically_satisfied=2, dissatisfied=2)
    assert compute_rate(counts, DEFAULT).rate == Decimal("80.00")
    assert compute_rate(counts, DEFAULT).outcome == ACCEPTED
    strict = compute_rate(counts, Rule(counts_basic=False))
    assert (strict.numerator, strict.denominator, strict.rate, strict.outcome) == (6, 10, Decimal("60.00"), RE_RECTIFY)


def test_abstentions_out_of_the_denominator_by_default_and_in_when_switched():
    counts = Counts(satisfied=8, dissatisfied=2, abstained=2)
    excluded = compute_rate(counts, DEFAULT)
    assert (excluded.denominator, excluded.rate, excluded.outcome) == (10, Decimal("80.00"), ACCEPTED)
    included = compute_rate(counts, Rule(excludes_abstentions=False))
    assert (included.denominator, included.rate, included.outcome) == (12, Decimal("66.66"), RE_RECTIFY)


def test_invalid_ballots_never_count_and_dissatisfied_rate_is_shown():
    result = compute_rate(Counts(satisfied=9, dissatisfied=1, invalid=5), DEFAULT)
    assert (result.denominator, result.rate, result.dissatisfied_rate) == (10, Decimal("90.00"), Decimal("10.00"))


@pytest.mark.parametrize("counts", [Counts(), Counts(invalid=3), Counts(abstained=4)])
def test_zero_valid_ballots_decides_nothing(counts):
    result = compute_rate(counts, DEFAULT)
    assert result.outcome == NO_DECISION and result.rate is None and result.passes is None


def test_quorum_counts_every_ballot_but_invalid_ones():
    rule = Rule(quorum=12)
    short = compute_rate(Counts(satisfied=10, abstained=1, invalid=5), rule)
    assert short.outcome == NO_DECISION and not short.quorum_met and short.rate == Decimal("100.00")
    enough = compute_rate(Counts(satisfied=10, abstained=2), rule)
    assert enough.outcome == ACCEPTED and enough.quorum_met


def test_threshold_from_a_stored_policy_snapshot():
    rule = Rule.from_policy({"satisfaction_threshold": "90.00", "satisfaction_counts_basic": False,
                             "satisfaction_excludes_abstentions": True, "evaluation_quorum": 0})
    assert compute_rate(Counts(satisfied=9, dissatisfied=1), rule).outcome == ACCEPTED
    assert compute_rate(Counts(satisfied=8, basically_satisfied=1, dissatisfied=1), rule).outcome == RE_RECTIFY
