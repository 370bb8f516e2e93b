"""The policy registry: every number of DOMAIN.md as a setting with its seed default.

A value set on a division applies to its whole subtree; the nearest ancestor's value
wins. A computed result stores ``EffectivePolicy.snapshot()`` so it keeps the rule
that made it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .roles import LEVEL_ORDER


@dataclass(frozen=True)
class PolicyDefinition:
    key: str
    label: Any
    kind: str  # "int", "percent", "bool", "bands", "grade_stars"
    default: Any
    help_text: Any = ""
    minimum: int | None = None
    maximum: int | None = None
    group: Any = ""

    def clean(self, raw: Any) -> Any:
        """Validate and normalise a submitted value; raise ValidationError with a clear message."""
        if self.kind == "int":
            try:
                value = int(str(raw).strip())
            except (TypeError, ValueError) as exc:
                raise ValidationError(_("%(label)s must be a whole number.") % {"label": self.label}) from exc
            self._check_range(value)
            return value
        if self.kind == "percent":
            try:
                value = Decimal(str(raw).strip())
            except (InvalidOperation, TypeError) as exc:
                raise ValidationError(_("%(label)s must be a number.") % {"label": self.label}) from exc
            if not Decimal(0) <= value <= Decimal(100):
                raise ValidationError(_("%(label)s must be between 0 and 100.") % {"label": self.label})
            return str(value.quantize(Decimal("0.01")))
        if self.kind == "bool":
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        if self.kind == "bands":
            return _clean_bands(self, raw)
        if self.kind == "grade_stars":
            return _clean_grade_stars(self, raw)
        if self.kind == "category_percent":
            return _clean_category_percent(self, raw)
        raise ValidationError(f"Unknown policy kind {self.kind}")

    def _check_range(self, value: int) -> None:
        if self.minimum is not None and value < self.minimum:
            raise ValidationError(_("%(label)s must be at least %(min)s.") % {"label": self.label, "min": self.minimum})
        if self.maximum is not None and value > self.maximum:
            raise ValidationError(_("%(label)s must be at most %(max)s.") % {"label": self.label, "max": self.maximum})


def _clean_bands(definition: PolicyDefinition, raw: Any) -> list[dict]:
    if not isinstance(raw, list) or not raw:
        raise ValidationError(_("%(label)s needs at least one band.") % {"label": definition.label})
    bands = []
    previous = -1
    for band in raw:
        try:
            up_to = None if band.get("up_to") in (None, "") else int(band["up_to"])
            amount = int(band["amount"])
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ValidationError(_("Each band needs a population limit and an amount in yuan.")) from exc
        if up_to is not None and up_to <= previous:
            raise ValidationError(_("Population limits must increase from band to band."))
        previous = up_to if up_to is not None else previous
        bands.append({"up_to": up_to, "amount": amount})
    if bands[-1]["up_to"] is not None:
        raise ValidationError(_("The last band must have no upper limit."))
    return bands


def _clean_grade_stars(definition: PolicyDefinition, raw: Any) -> dict:
    if not isinstance(raw, dict):
        raise ValidationError(_("%(label)s must map each grade to its stars.") % {"label": definition.label})
    cleaned = {}
    for grade in ("good", "fairly_good", "average", "poor"):
        stars = raw.get(grade)
        if not isinstance(stars, list) or not stars or not all(isinstance(s, int) and 0 <= s <= 5 for s in stars):
            raise ValidationError(_("Each grade needs a list of star counts between 0 and 5."))
        cleaned[grade] = sorted(set(stars), reverse=True)
    return cleaned


def _clean_category_percent(definition: PolicyDefinition, raw: Any) -> dict:
    """{organization category: percent}; an empty mapping is allowed (every category uses the general value)."""
    from .models.orgs import OrganizationCategory

    if not isinstance(raw, dict):
        raise ValidationError(_("%(label)s must map organization categories to percentages.") % {
            "label": definition.label})
    cleaned = {}
    for category, value in raw.items():
        if category not in OrganizationCategory.values:
            raise ValidationError(_("Unknown organization category: %(category)s. Use one of %(categories)s.") % {
                "category": category, "categories": ", ".join(OrganizationCategory.values)})
        try:
            percent = Decimal(str(value).strip())
        except (InvalidOperation, TypeError) as exc:
            raise ValidationError(_("%(label)s must be a number.") % {"label": definition.label}) from exc
        if not Decimal(0) <= percent <= Decimal(100):
            raise ValidationError(_("%(label)s must be between 0 and 100.") % {"label": definition.label})
        cleaned[category] = str(percent.quantize(Decimal("0.01")))
    return cleaned


#: Kinds whose values are JSON (edited as JSON text on the policy page).
JSON_KINDS = ("bands", "grade_stars", "category_percent")


POLICIES: tuple[PolicyDefinition, ...] = (
    PolicyDefinition("satisfaction_threshold", _("Satisfaction threshold (%)"), "percent", "80.00",
                     _("Below this rate the organization is rectified again."), group=_("Acceptance")),
    PolicyDefinition("satisfaction_counts_basic", _("Count 'basically satisfied' as satisfied"), "bool", True,
                     group=_("Acceptance")),
    PolicyDefinition("satisfaction_excludes_abstentions", _("Exclude abstentions from valid ballots"), "bool",
                     True, group=_("Acceptance")),
    PolicyDefinition("evaluation_quorum", _("Minimum ballots for an evaluation"), "int", 0, minimum=0,
                     maximum=10000, group=_("Acceptance")),
    PolicyDefinition("evaluation_close_with_missing_voters", _("Voting may be closed before every invited voter has voted"),
                     "bool", True,
                     _("On: closing asks for a confirmation when a voter group has voters who have not voted (links "
                       "unused, ballots missing). Off: voting cannot be closed until every invited voter has voted."),
                     group=_("Acceptance")),
    PolicyDefinition("consolidation_months", _("Consolidation period after close-out (months)"), "int", 12,
                     minimum=1, maximum=60, group=_("Acceptance")),
    PolicyDefinition("report_interval_months", _("Progress report every (months)"), "int", 2, minimum=1,
                     maximum=12, group=_("Reporting")),
    PolicyDefinition("check_interval_months", _("Check every (months)"), "int", 6, minimum=1, maximum=12,
                     group=_("Reporting")),
    PolicyDefinition("report_grace_days", _("Days after a period before a report is late"), "int", 10,
                     minimum=0, maximum=60, group=_("Reporting")),
    # A report tells the whole period (issue 12: a Nov-Dec report was frozen on 7 December, 24 days early).
    PolicyDefinition("report_submit_days_before_end", _("Days before a period's end a report may be submitted"),
                     "int", 0, _("0: only once the period has ended (a November-December report from 1 January); "
                                 "5: from the period's last five days."), minimum=0, maximum=31,
                     group=_("Reporting")),
    PolicyDefinition("contact_visits_per_month", _("Contact-leader visits per month"), "int", 3, minimum=0,
                     maximum=31, group=_("Support")),
    PolicyDefinition("first_secretary_term_months", _("First secretary term (months)"), "int", 24, minimum=6,
                     maximum=72, group=_("Support")),
    PolicyDefinition("reserve_cadres_min", _("Reserve cadres per village, minimum"), "int", 2, minimum=0,
                     maximum=20, group=_("Cadres")),
    PolicyDefinition("reserve_cadres_max", _("Reserve cadres per village, maximum"), "int", 3, minimum=0,
                     maximum=20, group=_("Cadres")),
    PolicyDefinition("secretary_trainings_per_year", _("Village secretary trainings per year"), "int", 1,
                     minimum=0, maximum=12, group=_("Cadres")),
    PolicyDefinition("member_star_cap", _("Member star cap"), "int", 10, minimum=1, maximum=10,
                     group=_("Star management")),
    PolicyDefinition("member_star_cap_limited", _("Member star cap for capped categories"), "int", 6,
                     minimum=1, maximum=10, group=_("Star management")),
    PolicyDefinition("member_high_star_quota", _("Share of 10-cap members at 9 stars or more (%)"), "percent",
                     "30.00", group=_("Star management")),
    PolicyDefinition("member_limited_high_star_quota", _("Share of 6-cap members at 5 stars or more (%)"),
                     "percent", "30.00", group=_("Star management")),
    PolicyDefinition("public_notice_days", _("Public notice period (days)"), "int", 5, minimum=1, maximum=30,
                     group=_("Star management")),
    PolicyDefinition("organization_grade_stars", _("Stars per organization grade"), "grade_stars",
                     {"good": [5, 4], "fairly_good": [3], "average": [2], "poor": [1, 0]},
                     group=_("Star management")),
    PolicyDefinition("organization_star_screening_below", _("Screen organizations below (stars)"), "int", 3,
                     minimum=0, maximum=5, group=_("Star management")),
    PolicyDefinition("village_fund_bands", _("Operating-fund subsidy by population (yuan/year)"), "bands",
                     [{"up_to": 3000, "amount": 30000}, {"up_to": 5000, "amount": 40000},
                      {"up_to": None, "amount": 50000}], group=_("Funds")),
    PolicyDefinition("community_fund", _("Operating-fund subsidy per community (yuan/year)"), "int", 30000,
                     minimum=0, maximum=10_000_000, group=_("Funds")),
    # Acceptance at the year end (seed 002): the application opens in the round's last months.
    PolicyDefinition("acceptance_window_months", _("Acceptance opens in the round year's last (months)"), "int", 2,
                     _("Applying for acceptance is possible from the first day of this many last months of the "
                       "round's year (2: from 1 November), and afterwards."), minimum=1, maximum=12,
                     group=_("Acceptance")),
    # Closed-out organizations are followed up (回头看) for a year, mainly by the township (seed 001, S10).
    PolicyDefinition("post_closeout_tracking_years", _("Closed-out organizations tracked for (years)"), "int", 1,
                     _("After close-out an organization stays on the tracking list, with its follow-up reviews, "
                       "for this many years."), minimum=1, maximum=10, group=_("Acceptance")),
    # Contact-leader visits (seed 001: 3 a month) are required while the organization is in rectification.
    PolicyDefinition("visits_after_closeout", _("Contact-leader visits required after close-out"), "bool", False,
                     _("Off: the monthly visits are required only until close-out (consolidating organizations "
                       "may still be visited, without a requirement)."), group=_("Support")),
    # The plan's content gates and re-rectification (issue 11): tasks end with the round (acceptance at year end).
    PolicyDefinition("task_deadline_grace_months", _("Task deadlines allowed after the round's year end (months)"),
                     "int", 0, _("A task's deadline lies between the plan's start and the end of its round's year "
                                 "plus this many months (a re-rectification cycle: its own deadline)."), minimum=0,
                     maximum=12, group=_("Acceptance")),
    PolicyDefinition("re_rectification_months", _("Re-rectification period (months)"), "int", 6,
                     _("The deadline of a new cycle after a failed evaluation or a relapse, when none is given."),
                     minimum=1, maximum=24, group=_("Acceptance")),
    PolicyDefinition("satisfaction_veto_dissatisfied_half", _("Fail when dissatisfied ballots are more than half"),
                     "bool", True, _("Veto: more than half of the ballots cast are dissatisfied, the organization "
                                     "is rectified again whatever its satisfaction rate."), group=_("Acceptance")),
    PolicyDefinition("satisfaction_threshold_by_category", _("Satisfaction threshold by organization category (%)"),
                     "category_percent", {"service": "90.00"},
                     _("Organization categories with their own threshold, e.g. {\"service\": \"90.00\"} for "
                       "window and service units (seed 003: mass satisfaction over 90%). Other categories use "
                       "the satisfaction threshold."), group=_("Acceptance")),
    PolicyDefinition("township_organizers_min", _("Township organization officers per township, minimum"), "int", 1,
                     minimum=0, maximum=10, group=_("Cadres")),
    PolicyDefinition("reserve_max_age", _("Reserve cadre maximum age"), "int", 45, minimum=18, maximum=70,
                     help_text=_("Members rated at the star level below (or more) may enter the reserve pool "
                                 "whatever their age."), group=_("Cadres")),
    PolicyDefinition("reserve_age_exempt_stars", _("Member stars that waive the reserve age limit"), "int", 9,
                     minimum=1, maximum=10, group=_("Cadres")),
    # Party committees study the rectification regularly (seed 002): a township quarterly, the county's Standing
    # Committee twice a year (domain practice §2c: one special session by the end of June).
    PolicyDefinition("township_committee_study_months", _("Township Party committee studies the rectification "
                                                          "every (months)"), "int", 3,
                     _("A township with organizations in rectification and no Party committee meeting on it in such "
                       "a period (aligned on 1 January) is a shortfall."), minimum=1, maximum=12,
                     group=_("Party committee study")),
    PolicyDefinition("county_committee_study_months", _("County Party committee studies the rectification every "
                                                        "(months)"), "int", 6, minimum=1, maximum=12,
                     group=_("Party committee study")),
    # The escalation ladder 提醒 → 督办 → 约谈 → 通报 → 问责 (issue 14 item 1; domain practice §2a step 6: 提醒函,
    # 挂牌督办, 诫勉谈话 for slow progress): what raises a reminder, and the deadlines the rungs give.
    PolicyDefinition("escalation_task_overdue_days", _("Reminder when a task is overdue by (days)"), "int", 15,
                     _("The daily job raises a reminder on an organization with a task this many days past its "
                       "deadline."), minimum=0, maximum=365, group=_("Escalation")),
    PolicyDefinition("escalation_report_periods", _("Reminder after progress reports missing or late (periods "
                                                    "running)"), "int", 2, minimum=1, maximum=12,
                     group=_("Escalation")),
    PolicyDefinition("escalation_visit_months", _("Reminder after contact-leader visits short (months running)"),
                     "int", 2, minimum=1, maximum=12, group=_("Escalation")),
    PolicyDefinition("escalation_reminder_days", _("Deadline of a reminder (days)"), "int", 10, minimum=1,
                     maximum=180, group=_("Escalation")),
    PolicyDefinition("escalation_auto_supervision_days", _("Supervision notice when a reminder is unanswered past "
                                                           "its deadline by (days)"), "int", 0,
                     _("The daily job takes a reminder still open this many days after its deadline up to the "
                       "supervision notice (督办); 0: the day after the deadline."), minimum=0, maximum=365,
                     group=_("Escalation")),
    PolicyDefinition("escalation_supervision_days", _("Deadline of a supervision notice (days)"), "int", 30,
                     minimum=1, maximum=365, group=_("Escalation")),
    PolicyDefinition("escalation_follow_up_days", _("Follow-up after an interview or a circular (days)"), "int", 30,
                     minimum=1, maximum=365, group=_("Escalation")),
    # The dashboards above the county read precomputed figures (rectification.services.dashboard_summary).
    PolicyDefinition("dashboard_summary_max_age_minutes", _("Dashboard figures at most this old (minutes)"), "int",
                     10, _("A county's precomputed dashboard figures are shown at most this many minutes after a "
                           "change in its ledger; older, the dashboard counts that county afresh."), minimum=1,
                     maximum=1440, group=_("Dashboards")),
    # The guarantee ledger (保障台账, cadres.selectors.guarantee): pay, days in the village, venue.
    PolicyDefinition("secretary_pay_reference_income", _("Reference income for the secretary's pay (yuan/year)"),
                     "int", 23119, _("The local rural residents' per-capita disposable income of the previous year "
                                     "(default: the national figure of 2024); set by the county."),
                     minimum=0, maximum=1_000_000, group=_("Funds")),
    PolicyDefinition("secretary_pay_multiple_percent", _("Village Party secretary's pay, at least (% of the "
                                                         "reference income)"), "int", 200,
                     _("200: twice the reference income."), minimum=0, maximum=1000, group=_("Funds")),
    PolicyDefinition("resident_days_share", _("Days in the village, share of working days (%)"), "percent",
                     "66.67", _("First secretaries and work team members: at least two thirds of the working days "
                                "of each month by default."), group=_("Support")),
    PolicyDefinition("venue_min_area", _("Activity venue, minimum area (m²)"), "int", 300, minimum=0,
                     maximum=100_000, group=_("Funds")),
)

POLICY_BY_KEY: dict[str, PolicyDefinition] = {p.key: p for p in POLICIES}

GRADE_LABELS = {
    "good": _("Good"),
    "fairly_good": _("Fairly good"),
    "average": _("Average"),
    "poor": _("Poor"),
}


def display_value(definition, value) -> str:
    """A policy value as an official would read it: 是/否, 80.00%, the subsidy bands, the grade stars, the
    thresholds by category (the policy page, the history of a record that stored the values it used)."""
    kind = getattr(definition, "kind", "")
    if value is None or value == "":
        return "—"
    if kind == "bool":
        return str(gettext("Yes") if value else gettext("No"))
    if kind == "percent":
        return f"{value}%"
    if kind == "int":
        return number_format(value, force_grouping=True)
    if kind == "bands" and isinstance(value, list):
        parts = []
        for band in value:
            amount = number_format(band.get("amount", 0), force_grouping=True)
            if band.get("up_to") is None:
                parts.append(gettext("above that: %(amount)s yuan") % {"amount": amount})
            else:
                parts.append(gettext("up to %(people)s people: %(amount)s yuan") % {
                    "people": number_format(band["up_to"], force_grouping=True), "amount": amount})
        return gettext("; ").join(parts)
    if kind == "grade_stars" and isinstance(value, dict):
        parts = []
        for grade, stars in value.items():
            label = GRADE_LABELS.get(grade, grade)
            parts.append(gettext("%(grade)s: %(stars)s stars") % {"grade": label,
                                                              "stars": "/".join(str(s) for s in stars)})
        return gettext("; ").join(parts)
    if kind == "category_percent" and isinstance(value, dict):
        from .models.orgs import OrganizationCategory

        if not value:
            return "—"
        labels = dict(OrganizationCategory.choices)
        return gettext("; ").join(gettext("%(category)s: %(percent)s%%") % {"category": labels.get(key, key), "percent": percent}
                            for key, percent in value.items())
    return str(value)


@dataclass(frozen=True)
class EffectiveValue:
    value: Any
    source_division_id: int | None  # None: the built-in default

    @property
    def is_default(self) -> bool:
        return self.source_division_id is None


class EffectivePolicy:
    """The policy values that apply at one division."""

    def __init__(self, division_id: int | None, values: dict[str, EffectiveValue]):
        self.division_id = division_id
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[key].value

    def get(self, key: str) -> Any:
        return self._values[key].value

    def decimal(self, key: str) -> Decimal:
        return Decimal(str(self._values[key].value))

    def source(self, key: str) -> EffectiveValue:
        return self._values[key]

    def snapshot(self, keys: list[str] | None = None) -> dict[str, Any]:
        keys = keys or list(self._values)
        return {k: self._values[k].value for k in keys}

    def items(self):
        return [(POLICY_BY_KEY[k], v) for k, v in self._values.items()]


#: Organization columns holding its ancestry (itself included), top down; for ``values()`` queries.
ORGANIZATION_CHAIN_FIELDS = tuple(f"{level}_id" for level in LEVEL_ORDER) + ("division_id",)


def division_chain(division) -> list[int]:
    """The ids of ``division``'s ancestors and itself, top down (the order in which values are overridden)."""
    chain = [getattr(division, f"{level}_id") for level in LEVEL_ORDER] + [division.pk]
    return [i for i in dict.fromkeys(chain) if i]


def organization_chain(organization) -> list[int | None]:
    """The ids of an organization's divisions, top down, its own division last."""
    return [getattr(organization, name) for name in ORGANIZATION_CHAIN_FIELDS]


class PolicyBook:
    """Policy values for any number of divisions, from one query: the nearest ancestor wins, then the default.

    The one resolver of the project. ``keys`` limits the settings read (default: all); ``division_ids``
    limits the rows read to those divisions (a single division's chain). Lists, dashboards and periodic
    jobs resolve thousands of organizations from one book; ``effective_policy`` is one division's.
    """

    def __init__(self, keys: Iterable[str] | None = None, *, division_ids: Iterable[int] | None = None):
        from .models import PolicySetting

        self.keys = list(keys) if keys is not None else [p.key for p in POLICIES]
        rows = PolicySetting.objects.filter(key__in=self.keys)
        if division_ids is not None:
            rows = rows.filter(division_id__in=list(division_ids))
        self._settings: dict[int, dict[str, Any]] = {}
        for division_id, key, value in rows.values_list("division_id", "key", "value"):
            self._settings.setdefault(division_id, {})[key] = value

    def resolve(self, chain: Iterable[int | None]) -> dict[str, EffectiveValue]:
        """Each key's value and where it comes from, for a division whose ancestry (top down) is ``chain``."""
        values = {key: EffectiveValue(POLICY_BY_KEY[key].default, None) for key in self.keys}
        for division_id in chain:
            for key, value in self._settings.get(division_id, {}).items() if division_id else ():
                values[key] = EffectiveValue(value, division_id)
        return values

    def for_chain(self, chain: Iterable[int | None]) -> dict[str, Any]:
        """Each key's value for a division whose ancestry (top down, itself last) is ``chain``."""
        return {key: found.value for key, found in self.resolve(chain).items()}

    def for_division(self, division) -> dict[str, Any]:
        return self.for_chain(division_chain(division))

    def chain_expressions(self, prefix: str = "") -> dict[str, Any]:
        """For set-based reads: an annotation per organization chain field (``prefix`` leads to the
        organization) holding the division id where that division has a setting of these keys, else NULL.

        Grouping by these instead of the whole chain gives one group per distinct policy, and ``for_chain``
        of a group's values resolves exactly as the full chain would (divisions without a setting change
        nothing). The names are ``policy_<field>``; pass them, in order, to ``for_chain``."""
        from django.db.models import Case, F, IntegerField, Value, When

        ids = sorted(self._settings)
        return {f"policy_{name}": Case(When(**{f"{prefix}{name}__in": ids}, then=F(f"{prefix}{name}")),
                                       default=Value(None), output_field=IntegerField())
                if ids else Value(None, output_field=IntegerField()) for name in ORGANIZATION_CHAIN_FIELDS}

    def for_organization(self, organization) -> dict[str, Any]:
        return self.for_chain(organization_chain(organization))

    def value(self, division, key: str) -> Any:
        return self.for_division(division)[key]


def effective_policy(division) -> EffectivePolicy:
    """Every policy at ``division`` (one query), with the division each value comes from."""
    chain = division_chain(division)
    return EffectivePolicy(division.pk, PolicyBook(division_ids=chain).resolve(chain))


def fund_subsidy(policy: EffectivePolicy, *, population: int | None, is_community: bool) -> int:
    """The yearly operating-fund subsidy for a village or community, from the policy bands."""
    if is_community:
        return int(policy["community_fund"])
    population = population or 0
    for band in policy["village_fund_bands"]:
        if band["up_to"] is None or population <= band["up_to"]:
            return int(band["amount"])
    return int(policy["village_fund_bands"][-1]["amount"])
