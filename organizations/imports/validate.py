"""Validate every row of an import and turn the rows into a plan; nothing here writes.

Rows are order-independent: a village may come before its township. A code may appear on
several rows only to place several organizations on one division, with the same division data.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import Division, Organization
from ..models.divisions import level_of_code, parent_code_of
from ..roles import Level
from . import columns as c
from .limits import excerpt

MAX_NAME = 100
MAX_ORG_NAME = 200
MAX_SECRETARY = 50
_CODE_RE = re.compile(r"^[0-9]{12}$")
_INT_RE = re.compile(r"^[0-9]+(\.0+)?$")
#: Columns whose full-width digits (１２３) are read as ASCII digits.
_NUMERIC_KEYS = ("code", "parent_code", "members", "population")
_ORG_ONLY_KEYS = ("org_type", "category", "parent_org", "secretary", "members", "poverty_village")


class Errors:
    """Row-level errors: [{"row": n, "column": "...", "message": "..."}], the first few hundred kept."""

    def __init__(self, headers: dict[str, str], limit: int = 500):
        self.headers = headers
        self.limit = limit
        self.items: list[dict] = []
        self.total = 0

    def add(self, row: int | None, key: str | None, message: str) -> None:
        self.total += 1
        if len(self.items) < self.limit:
            column = (self.headers.get(key) or c.COLUMN_BY_KEY[key].header) if key else ""
            self.items.append({"row": row, "column": column, "message": str(message)})

    def as_list(self) -> list[dict]:
        items = list(self.items)
        if self.total > len(self.items):
            items.append({"row": None, "column": "", "message": _("…and %(count)s more errors.") % {
                "count": self.total - len(self.items)}})
        return items

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass
class DivisionPlan:
    row: int
    code: str
    name: str
    kind: str
    level: str
    population: int | None
    parent_code: str


@dataclass
class OrganizationPlan:
    row: int
    division_code: str
    name: str
    org_type: str
    category: str
    parent_name: str
    secretary: str
    members: int | None
    population: int | None
    #: 脱贫村: True/False as written, None when the cell is empty (left as it is).
    poverty_village: bool | None = None


@dataclass
class Plan:
    divisions: dict[str, DivisionPlan] = field(default_factory=dict)  # by code
    organizations: dict[tuple[str, str], OrganizationPlan] = field(default_factory=dict)  # (code, name)
    existing_divisions: dict[str, Division] = field(default_factory=dict)  # by code, the county's
    existing_organizations: dict[tuple[str, str], Organization] = field(default_factory=dict)  # (code, name)
    #: (code, name) -> (code, name) of the parent each organization will have after the import
    final_parent: dict[tuple[str, str], tuple[str, str] | None] = field(default_factory=dict)
    rows: int = 0


def canonical_rows(rows: list[dict], errors: Errors) -> list[tuple[int, dict[str, str]]]:
    """Rows keyed by column key, values as stripped text; fully blank rows dropped."""
    result = []
    for index, raw in enumerate(rows):
        number = raw.get("_row") or index + 2
        values: dict[str, str] = {}
        for key, value in raw.items():
            if key == "_row":
                continue
            normalized = c.normalize_header(key)
            if normalized in c.IGNORED_HEADERS and normalized not in c.HEADER_LOOKUP:
                continue
            column_key = c.HEADER_LOOKUP.get(normalized)
            if column_key is None:
                if str(value or "").strip():
                    errors.add(number, None, _("Unknown column “%(column)s”. Expected columns: %(expected)s.")
                               % {"column": excerpt(key), "expected": c.expected_headers()})
                continue
            text = "" if value is None else str(value).strip()
            if column_key in _NUMERIC_KEYS:
                text = unicodedata.normalize("NFKC", text).replace(" ", "")
            values[column_key] = text
        if any(values.values()):
            result.append((number, values))
    return result


def _int_value(text: str, key: str, number: int, errors: Errors) -> int | None:
    if not text:
        return None
    cleaned = text.replace(",", "").replace("，", "")
    if not _INT_RE.match(cleaned):
        errors.add(number, key, _("“%(value)s” is not a whole number of zero or more.") % {"value": excerpt(text)})
        return None
    value = int(cleaned.split(".")[0])
    if value > 2_000_000_000:
        errors.add(number, key, _("“%(value)s” is too large.") % {"value": excerpt(text)})
        return None
    return value


def _parse_row(number: int, values: dict[str, str], county: Division, errors: Errors):
    """One row's division and organization parts, or None where the row is wrong."""
    before = errors.total
    code = values.get("code", "")
    name = values.get("name", "")
    kind_text = values.get("kind", "")
    for key, value in (("code", code), ("name", name), ("kind", kind_text)):
        if not value:
            errors.add(number, key, _("This value is required."))
    level = None
    if code:
        if not _CODE_RE.match(code):
            errors.add(number, "code", _("“%(value)s” is not a division code: a code has exactly 12 digits "
                                         "(format the column as text in Excel).") % {"value": excerpt(code)})
        elif code[:6] != county.code[:6]:
            errors.add(number, "code", _("The code %(code)s is not inside %(county)s (codes there start with "
                                         "%(prefix)s).") % {"code": code, "county": county.name,
                                                            "prefix": county.code[:6]})
        else:
            level = level_of_code(code)
            if level not in (Level.TOWNSHIP, Level.VILLAGE):
                errors.add(number, "code", _("The code %(code)s is not a township or village code: only "
                                             "divisions below the county are imported.") % {"code": code})
                level = None
    if len(name) > MAX_NAME:
        errors.add(number, "name", _("The name is longer than %(max)s characters.") % {"max": MAX_NAME})
    kind = c.KIND_LOOKUP.get(c.normalize_header(kind_text)) if kind_text else None
    if kind_text and kind is None:
        errors.add(number, "kind", _("Unknown division kind “%(value)s”. Use one of: %(words)s.")
                   % {"value": excerpt(kind_text), "words": c.KIND_WORDS})
    if kind and level and c.KIND_LEVEL[kind] != level:
        errors.add(number, "kind", _("“%(value)s” does not match the code %(code)s, which is a %(level)s code.")
                   % {"value": excerpt(kind_text), "code": code, "level": Level(level).label})
    parent_code = values.get("parent_code", "")
    if parent_code and level and parent_code != parent_code_of(code):
        errors.add(number, "parent_code", _("The parent code %(given)s does not match the code %(code)s: its "
                                            "parent is %(expected)s.") % {"given": excerpt(parent_code), "code": code,
                                                                          "expected": parent_code_of(code)})
    population = _int_value(values.get("population", ""), "population", number, errors)

    org_name = values.get("org_name", "")
    organization = None
    if not org_name:
        for key in _ORG_ONLY_KEYS:
            if values.get(key):
                errors.add(number, "org_name", _("Organization columns are filled in but the organization "
                                                 "name is empty."))
                break
    else:
        organization = _parse_organization(number, values, kind, errors)
        if organization is not None:
            organization.division_code = code
            organization.population = population
    if errors.total > before:
        return None, None
    division = DivisionPlan(row=number, code=code, name=name, kind=kind, level=level, population=population,
                            parent_code=parent_code)
    return division, organization


def _parse_organization(number, values, kind, errors) -> OrganizationPlan | None:
    org_name = values["org_name"]
    if len(org_name) > MAX_ORG_NAME:
        errors.add(number, "org_name", _("The name is longer than %(max)s characters.") % {"max": MAX_ORG_NAME})
    type_text = values.get("org_type", "")
    org_type = c.ORG_TYPE_LOOKUP.get(c.normalize_header(type_text)) if type_text else None
    if not type_text:
        errors.add(number, "org_type", _("This value is required when an organization is given."))
    elif org_type is None:
        errors.add(number, "org_type", _("Unknown organization type “%(value)s”. Use one of: %(words)s.")
                   % {"value": excerpt(type_text), "words": c.ORG_TYPE_WORDS})
    category_text = values.get("category", "")
    category = c.CATEGORY_LOOKUP.get(c.normalize_header(category_text)) if category_text else None
    if category_text and category is None:
        errors.add(number, "category", _("Unknown organization category “%(value)s”. Use one of: %(words)s.")
                   % {"value": excerpt(category_text), "words": c.CATEGORY_WORDS})
    if not category_text:
        category = c.DEFAULT_CATEGORY.get(kind)
    secretary = values.get("secretary", "")
    if len(secretary) > MAX_SECRETARY:
        errors.add(number, "secretary", _("The name is longer than %(max)s characters.") % {"max": MAX_SECRETARY})
    members = _int_value(values.get("members", ""), "members", number, errors)
    poverty_text = values.get("poverty_village", "")
    poverty = c.YES_NO_LOOKUP.get(c.normalize_header(poverty_text)) if poverty_text else None
    if poverty_text and poverty is None:
        errors.add(number, "poverty_village", _("“%(value)s” is neither yes nor no. Use one of: %(words)s.")
                   % {"value": excerpt(poverty_text), "words": c.YES_NO_WORDS})
    return OrganizationPlan(row=number, division_code="", name=org_name, org_type=org_type or "",
                            category=category or "", parent_name=values.get("parent_org", ""),
                            secretary=secretary, members=members, population=None,
                            poverty_village=None if poverty is None else poverty == "yes")


def build_plan(*, county: Division, rows: list[tuple[int, dict[str, str]]], errors: Errors) -> Plan:
    plan = Plan(rows=len(rows))
    seen_org_rows: dict[tuple[str, str], int] = {}
    for number, values in rows:
        division, organization = _parse_row(number, values, county, errors)
        if division is None:
            continue
        first = plan.divisions.get(division.code)
        if first is None:
            plan.divisions[division.code] = division
        elif organization is None:
            errors.add(number, "code", _("The code %(code)s is already on row %(row)s.")
                       % {"code": division.code, "row": first.row})
        elif _conflicts(first, division):
            errors.add(number, "code", _("The code %(code)s is already on row %(row)s with a different name, "
                                         "kind, parent code or population.") % {"code": division.code,
                                                                               "row": first.row})
        else:
            if first.population is None:
                first.population = division.population
        if organization is not None:
            key = (division.code, organization.name)
            if key in seen_org_rows:
                errors.add(number, "org_name", _("The organization “%(name)s” on %(code)s is already on row "
                                                 "%(row)s.") % {"name": excerpt(organization.name), "code": division.code,
                                                                "row": seen_org_rows[key]})
                continue
            seen_org_rows[key] = number
            plan.organizations[key] = organization
    if not rows:
        errors.add(None, None, _("The file has no data rows."))
    _load_existing(plan, county)
    _check_parents(plan, county, errors)
    _check_parent_organizations(plan, errors)
    return plan


def _conflicts(first: DivisionPlan, other: DivisionPlan) -> bool:
    return (first.name != other.name or first.kind != other.kind
            or (other.parent_code and first.parent_code and other.parent_code != first.parent_code)
            or (other.population is not None and first.population is not None
                and other.population != first.population))


def _load_existing(plan: Plan, county: Division) -> None:
    plan.existing_divisions = {d.code: d for d in Division.objects.filter(county=county)}
    plan.existing_divisions[county.code] = county
    plan.existing_organizations = {
        (o.division.code, o.name): o for o in Organization.objects.filter(county=county).select_related("division")
    }


def _check_parents(plan: Plan, county: Division, errors: Errors) -> None:
    for code, division in plan.divisions.items():
        parent_code = parent_code_of(code)
        if parent_code not in plan.divisions and parent_code not in plan.existing_divisions:
            errors.add(division.row, "code", _("The parent division %(parent)s of %(code)s is neither in the "
                                               "file nor in %(county)s.") % {"parent": parent_code, "code": code,
                                                                             "county": county.name})


def _check_parent_organizations(plan: Plan, errors: Errors) -> None:
    """Parents by name: exactly one organization of that name in the file or the county."""
    by_name: dict[str, set[tuple[str, str]]] = defaultdict(set)
    final_parent = plan.final_parent
    existing_by_id = {o.pk: o for o in plan.existing_organizations.values()}
    for key, organization in plan.existing_organizations.items():
        by_name[organization.name].add(key)
        parent = existing_by_id.get(organization.parent_id)
        final_parent[key] = (parent.division.code, parent.name) if parent is not None else None
    for key in plan.organizations:
        by_name[key[1]].add(key)
    for key, organization in plan.organizations.items():
        if not organization.parent_name:
            final_parent.setdefault(key, None)
            continue
        candidates = by_name.get(organization.parent_name, set())
        if not candidates:
            errors.add(organization.row, "parent_org", _("No organization named “%(name)s” in the file or the "
                                                         "county.") % {"name": excerpt(organization.parent_name)})
        elif len(candidates) > 1:
            codes = "、".join(sorted(code for code, _name in candidates))
            errors.add(organization.row, "parent_org", _("Several organizations are named “%(name)s” (on %(codes)s)"
                                                         "; rename one of them.") % {
                "name": excerpt(organization.parent_name), "codes": codes})
        elif key in candidates:
            errors.add(organization.row, "parent_org", _("An organization cannot be its own parent."))
        else:
            final_parent[key] = next(iter(candidates))
    for key, organization in plan.organizations.items():
        seen = {key}
        current = final_parent.get(key)
        while current is not None:
            if current in seen:
                errors.add(organization.row, "parent_org", _("The parent organizations form a loop."))
                break
            seen.add(current)
            current = final_parent.get(current)
