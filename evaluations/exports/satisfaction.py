"""Excel export of the satisfaction evaluation results: one row per evaluation (streamed, formula-safe)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.exports.excel import letterhead_for, xlsx_response

from ..models import Decision, EvaluationStatus, VoterGroupKind
from ..rules.satisfaction_rate import Counts, Rule, compute_rate
from ..selectors.satisfaction import export_rows

CHOICE_COLUMNS = (("satisfied", "Satisfied"), ("basically_satisfied", "Basically satisfied"),
                  ("dissatisfied", "Dissatisfied"), ("abstained", "Abstained"), ("invalid", "Invalid"))
GROUPS = (VoterGroupKind.PARTY_MEMBERS, VoterGroupKind.PUBLIC, VoterGroupKind.OTHER)


def headers() -> list[str]:
    row = [_("County (city, district)"), _("Township (subdistrict)"), _("Village (community)"),
           _("Party organization"), _("Held on"), _("Status")]
    for kind in GROUPS:
        row += [f"{kind.label}·{_(label)}" for _field, label in CHOICE_COLUMNS]
    row += [f"{_('Total')}·{_(label)}" for _field, label in CHOICE_COLUMNS]
    row += [_("Counted as satisfied"), _("Valid ballots (denominator)"), _("Satisfaction rate (%)"), _("Dissatisfied rate (%)"),
            _("Threshold used (%)"), _("Basically satisfied counted"), _("Abstentions excluded"),
            _("Quorum used"), _("Decision"), _("Decided at"), _("Decision note")]
    return row


def _village(organization) -> str:
    division = organization.division
    return division.name if division.level in ("village",) else ""


def rows(queryset):
    yes, no = _("Yes"), _("No")
    for evaluation, groups in export_rows(queryset):
        organization = evaluation.organization
        row = [evaluation.county.name if evaluation.county_id else "",
               evaluation.township.name if evaluation.township_id else "", _village(organization),
               organization.name, evaluation.held_on, evaluation.get_status_display()]
        live = Counts()
        for kind in GROUPS:
            counts = groups.get(kind, Counts())
            live = live + counts
            row += [getattr(counts, f) for f, _label in CHOICE_COLUMNS]
        frozen = evaluation.status != EvaluationStatus.OPEN and evaluation.policy
        total = Counts.of(evaluation) if frozen else live
        row += [getattr(total, f) for f, _label in CHOICE_COLUMNS]
        if frozen:
            rule = Rule.from_policy(evaluation.policy)
            result = compute_rate(total, rule)
            row += [result.numerator, result.denominator, evaluation.rate, result.dissatisfied_rate, rule.threshold,
                    yes if rule.counts_basic else no, yes if rule.excludes_abstentions else no, rule.quorum]
        else:
            row += [None] * 8
        row += [evaluation.get_decision_display() if evaluation.decision != Decision.NONE else "",
                evaluation.decided_at, evaluation.decision_note]
        yield row


def evaluations_export_response(queryset, user=None):
    stamp = timezone.localdate().strftime("%Y%m%d")
    return xlsx_response(f"{_('Satisfaction evaluation results')}-{stamp}.xlsx",
                         _("Satisfaction evaluations"), headers(), rows(queryset),
                         letterhead=letterhead_for(user, _("Satisfaction evaluation results")), key_columns=4)
