"""The upward statistical summary (domain practice §3a): counts by row (total, villages, communities and
each child division), computed with GROUP BY aggregates: a fixed number of queries whatever the data size.

Counted: the designations of the year in the division's subtree by the counting rule of
``rectification.selectors.counting`` (confirmed, not withdrawn; for the current year, the current round of
each county, as on the home page and the dashboard). Distinct counts (helping units, contact leaders,
first secretaries) are counted per row, so a unit helping two villages of a township counts once there;
they are the cadres records (the kernel's "four ones" provider, as the ledger export reads them) of the
organizations with a plan, on the last day of the year (today for the current year).

Besides: the poor villages among the designated (organizations flagged 脱贫村), the discipline cases recorded
for the designated organizations in the year (``DisciplineCase``), and the columns the apps above register
(``organizations.registry.register_summary_figures``: cadres gives the secretary posts vacant at the start
of the year and filled since, the secretaries trained at county level or above and the resident cadres),
each placed where the form has it (``FORM_COLUMNS``).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.exports.excel import SheetWriter, file_response, letterhead_for, new_workbook, year_period
from organizations.models import Division, OrganizationCategory
from organizations.registry import summary_figures
from organizations.roles import LEVEL_ORDER

from ..models import RECTIFIED_STATUSES, Category, ContactVisit, Designation, DisciplineCase, Plan
from ..selectors.counting import counted, current_year
from ..selectors.four_ones import four_ones_by_organization

NATIONAL_CODES = tuple(f"RSHS{n:02d}" for n in range(1, 11))
#: Designation lookup of the child division column, by the parent's level.
CHILD_LOOKUP = {"province": "organization__city_id", "city": "county_id", "county": "township_id",
                "township": "organization__village_id"}

#: The summary's own columns after the types, with their labels.
OWN_COLUMNS = {
    "secretaries_adjusted": gettext_lazy("Secretaries adjusted"),
    "secretaries_trained": gettext_lazy("Secretaries trained"),
    "helping_units": gettext_lazy("Paired helping units"),
    "contact_leaders": gettext_lazy("Contact leaders"),
    "first_secretaries": gettext_lazy("First secretaries sent"),
    "problems_solved": gettext_lazy("Problems solved"),
    "discipline_cases": gettext_lazy("Violations of discipline or law investigated"),
}
#: The columns after the types in the order of the form (§3a). The keys not in ``OWN_COLUMNS`` are registered
#: figures (the cadres'), left out when no app registers them; registered keys not named here come last.
FORM_COLUMNS = (
    "secretaries_vacant_at_start", "secretaries_filled", "secretaries_adjusted", "secretaries_trained",
    "secretaries_trained_county", "helping_units", "contact_leaders", "first_secretaries", "resident_cadres",
    "problems_solved", "discipline_cases",
)


@dataclass
class SummaryRow:
    label: str
    division: Division | None = None
    screened: int = 0
    poverty_villages: int = 0
    rectified: int = 0
    categories: dict[str, int] = field(default_factory=dict)
    secretaries_adjusted: int = 0
    secretaries_trained: int = 0
    helping_units: int = 0
    contact_leaders: int = 0
    first_secretaries: int = 0
    problems_solved: int = 0
    discipline_cases: int = 0
    #: The registered figures (``organizations.registry.summary_figures``) by key.
    extra: dict[str, int] = field(default_factory=dict)

    def value(self, key: str) -> int:
        return getattr(self, key) if key in OWN_COLUMNS else self.extra.get(key, 0)


@dataclass
class Summary:
    division: Division
    year: int
    codes: list[tuple[str, str]]  # (code, name): the ten national types, then the county's extras in use
    rows: list[SummaryRow]
    #: (key, label) of the columns after the types, in the form's order.
    columns: list[tuple[str, object]] = field(default_factory=list)


def summary_designations(user, division: Division, year: int):
    designations = Designation.objects.visible_to(user).filter(Designation.scope.within(division.level, [division.pk]))
    if year == current_year(designations):
        return counted(designations)  # the current round of each county (the counting rule)
    return counted(designations.filter(round__year=year), current_round=False)


def default_year(user, division: Division) -> int:
    """The year of the current round (the counting rule), today's year when there is none."""
    return current_year(Designation.objects.visible_to(user).filter(Designation.scope.within(division.level,
                                                                                             [division.pk])))


def _plan_aggregates(plans) -> dict:
    return dict(
        secretaries_adjusted=Count("pk", filter=Q(secretary_adjusted=True)),
        secretaries_trained=Count("pk", filter=Q(secretary_trained=True)),
    )


def _apply_plan_values(row: SummaryRow, values: dict) -> None:
    row.secretaries_adjusted = values["secretaries_adjusted"]
    row.secretaries_trained = values["secretaries_trained"]


def _count_four_ones(organizations: list[tuple], on: dt.date, rows_for, child_lookup: str | None) -> None:
    """Distinct helping units, contact leaders and first secretaries per row (the cadres records).
    ``organizations``: (organization id, [child id,] category) of the designations with a plan."""
    found = four_ones_by_organization([values[0] for values in organizations], on)
    seen: dict[int, dict[str, set]] = {}
    for org_id, *keys in organizations:
        child_id = keys[0] if child_lookup else None
        for row in rows_for(child_id, keys[-1]):
            sets = seen.setdefault(id(row), {"row": row, "contact_leader": set(), "first_secretary": set(),
                                              "helping_unit": set()})
            for kind in ("contact_leader", "first_secretary", "helping_unit"):
                sets[kind].update(person.key for person in found[org_id].of(kind))
    for sets in seen.values():
        row = sets["row"]
        row.helping_units = len(sets["helping_unit"])
        row.contact_leaders = len(sets["contact_leader"])
        row.first_secretaries = len(sets["first_secretary"])


def _columns_of_form(registered) -> list[tuple[str, object]]:
    labels = dict(OWN_COLUMNS)
    for figures in registered:
        labels.update(figures.columns)
    keys = [key for key in FORM_COLUMNS if key in labels]
    keys += [key for key in labels if key not in FORM_COLUMNS]
    return [(key, labels[key]) for key in keys]


def _count_registered(registered, organizations: list[tuple], year: int, on: dt.date, rows_for,
                      child_lookup: str | None) -> None:
    """The registered figures per row: numbers summed, sets of people counted once per row.
    ``organizations``: (organization id, [child id,] category) of every counted designation."""
    ids = list(dict.fromkeys(values[0] for values in organizations))
    people: dict[tuple[int, str], tuple[SummaryRow, set]] = {}
    for figures in registered:
        found = figures.values(ids, year, on) if ids else {}
        keys = [key for key, _label in figures.columns]
        for org_id, *group in organizations:
            values = found.get(org_id, {})
            for row in rows_for(group[0] if child_lookup else None, group[-1]):
                for key in keys:
                    value = values.get(key, 0)
                    if isinstance(value, set | frozenset):
                        people.setdefault((id(row), key), (row, set()))[1].update(value)
                    else:
                        row.extra[key] = row.extra.get(key, 0) + value
    for (_row_id, key), (row, members) in people.items():
        row.extra[key] = len(members)


def summary_of(user, division: Division, year: int) -> Summary:
    designations = summary_designations(user, division, year)
    child_lookup = CHILD_LOOKUP.get(division.level)
    org_category = "organization__category"
    total = SummaryRow(label=_("Total"), division=division)
    villages = SummaryRow(label=_("Villages"))
    communities = SummaryRow(label=_("Communities"))
    by_category = {OrganizationCategory.VILLAGE: villages, OrganizationCategory.COMMUNITY: communities}
    children: dict[int, SummaryRow] = {}
    if child_lookup:
        child_level = LEVEL_ORDER[LEVEL_ORDER.index(division.level) + 1]
        for child in Division.objects.filter(parent=division, level=child_level).order_by("code"):
            children[child.pk] = SummaryRow(label=child.name, division=child)

    def rows_for(child_id, category):
        rows = [total]
        if category in by_category:
            rows.append(by_category[category])
        if child_id in children:
            rows.append(children[child_id])
        return rows

    group = [child_lookup, org_category] if child_lookup else [org_category]
    # 1. screened, of which poor villages, and rectified (summable)
    for values in designations.order_by().values(*group).annotate(
            n=Count("pk"), rectified=Count("pk", filter=Q(status__in=RECTIFIED_STATUSES)),
            poverty=Count("pk", filter=Q(organization__is_poverty_village=True))):
        for row in rows_for(values.get(child_lookup), values[org_category]):
            row.screened += values["n"]
            row.poverty_villages += values["poverty"]
            row.rectified += values["rectified"]
    # 2. categories (each designation-category pair once: summable)
    through = Designation.categories.through.objects.filter(designation__in=designations.values("pk"))
    codes_in_use = set()
    prefix = "designation__"
    for values in through.order_by().values(*[prefix + g for g in group], "category__code").annotate(n=Count("pk")):
        code = values["category__code"]
        codes_in_use.add(code)
        for row in rows_for(values.get(prefix + child_lookup) if child_lookup else None,
                            values[prefix + org_category]):
            row.categories[code] = row.categories.get(code, 0) + values["n"]
    # 3. plan counts: distinct counts cannot be summed, so one aggregate per kind of row
    plans = Plan.objects.filter(designation__in=designations.values("pk"))
    _apply_plan_values(total, plans.aggregate(**_plan_aggregates(plans)))
    for values in plans.order_by().values("organization__category").annotate(**_plan_aggregates(plans)):
        if values["organization__category"] in by_category:
            _apply_plan_values(by_category[values["organization__category"]], values)
    if child_lookup:
        # Plans carry the same scope columns as designations (county, township, organization).
        for values in plans.order_by().values(child_lookup).annotate(**_plan_aggregates(plans)):
            if values[child_lookup] in children:
                _apply_plan_values(children[values[child_lookup]], values)
    # 4. per organization: the "four ones" of those with a plan, the registered figures of all (one query for
    # the organizations, then the providers' fixed number each)
    on = min(timezone.localdate(), dt.date(year, 12, 31))
    organizations = list(designations.order_by().values_list("organization_id", *group, "plan__id"))
    _count_four_ones([values[:-1] for values in organizations if values[-1] is not None], on, rows_for,
                     child_lookup)
    registered = summary_figures()
    _count_registered(registered, [values[:-1] for values in organizations], year, on, rows_for, child_lookup)
    # 5. discipline cases of the year (summable)
    cases = DisciplineCase.objects.filter(designation__in=designations.values("pk"), decided_on__year=year)
    for values in cases.order_by().values(*group).annotate(n=Count("pk")):
        for row in rows_for(values.get(child_lookup), values[org_category]):
            row.discipline_cases += values["n"]
    # 6. problems solved by the contact leaders' visits (summable)
    visits = ContactVisit.objects.filter(plan__designation__in=designations.values("pk"))
    visit_group = ([child_lookup] if child_lookup else []) + [org_category]
    for values in visits.order_by().values(*visit_group).annotate(solved=Sum("problems_solved_count")):
        for row in rows_for(values.get(child_lookup), values[org_category]):
            row.problems_solved += values["solved"] or 0
    names = dict(Category.objects.filter(county__isnull=True).values_list("code", "name"))
    extras = sorted(codes_in_use - set(NATIONAL_CODES))
    if extras:
        county_categories = Category.objects.filter(code__in=extras, county__isnull=False)
        county_id = division.pk if division.level == "county" else division.county_id
        if county_id:
            county_categories = county_categories.filter(county_id=county_id)
        for code, name in county_categories.values_list("code", "name"):
            names.setdefault(code, name)
    codes = [(code, names.get(code, code)) for code in (*NATIONAL_CODES, *extras)]
    return Summary(division=division, year=year, codes=codes,
                   rows=[total, villages, communities, *children.values()], columns=_columns_of_form(registered))


def summary_columns(summary: Summary) -> list[tuple[object, int]]:
    columns = [(_("Unit"), 16), (_("Weak and lax organizations screened"), 12),
               (_("Of which poverty-alleviated villages"), 12), (_("Organizations rectified and upgraded"), 12)]
    columns += [(f"{code} {name}", 14) for code, name in summary.codes]
    columns += [(str(label), 10) for _key, label in summary.columns]
    return columns


def summary_values(summary: Summary, row: SummaryRow) -> list:
    return [row.label, row.screened, row.poverty_villages, row.rectified,
            *[row.categories.get(code, 0) for code, _name in summary.codes],
            *[row.value(key) for key, _label in summary.columns]]


def write_summary(target, summary: Summary, user=None) -> None:
    workbook = new_workbook(target)
    title = _("%(division)s %(year)s summary") % {"division": summary.division.name, "year": summary.year}
    letterhead = letterhead_for(user, _("Statistical summary of the rectification of weak and lax Party organizations"),
                                whose=summary.division.name, period=year_period(summary.year))
    writer = SheetWriter(workbook, title, summary_columns(summary), wrap=True, letterhead=letterhead)
    for row in summary.rows:
        writer.write(summary_values(summary, row))
    workbook.close()


def summary_export_response(summary: Summary, user=None):
    filename = "{}-{}-{}.xlsx".format(summary.division.name, summary.year, _("rectification summary"))
    return file_response(filename, lambda handle: write_summary(handle, summary, user))


def summary_workbook_bytes(summary: Summary, user=None) -> bytes:
    """The summary's workbook as bytes, to be stored with a record (the annual report freezes it)."""
    buffer = io.BytesIO()
    write_summary(buffer, summary, user)
    return buffer.getvalue()
