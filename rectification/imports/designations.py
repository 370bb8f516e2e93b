"""Import a county's designation list (the fixed list of weak and lax organizations) into a round.

Columns (first row, any order): 区划代码 (the organization's division) | 党组织名称 | 软弱涣散类型
(codes separated by , ， 、 ; or ；) | 存在问题. Every row is checked first; if any row is wrong nothing
is written and each error is listed with its row and column. Otherwise each organization is proposed
and confirmed through the services, in one transaction, so the history and status changes are recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from organizations.imports.pipeline import ImportResult, excerpt, norm, read_upload_table
from organizations.models import Division, Organization
from organizations.permissions import can

from .. import services
from ..models import Category, Designation, Round

HEADERS = {"区划代码": "code", "党组织名称": "name", "软弱涣散类型": "categories", "存在问题": "problems"}
_SPLIT = re.compile(r"[,，、;；\s]+")
_CODE = re.compile(r"^[0-9]{12}$")


@dataclass
class _Row:
    number: int
    organization: Organization
    categories: list[Category]
    problems: str


def designation_import(*, user, round: Round, upload) -> ImportResult:
    """Check every row of ``upload``; write all rows (propose + confirm) or nothing."""
    if not can(user, "designation", "import", round.county):
        raise ValidationError(_("You may not import the designation list of this county."))
    result = ImportResult()
    error = result.error
    table = read_upload_table(upload, kind="designations", header_key=lambda h: HEADERS.get(norm(h)),
                              required=[(key, header) for header, key in HEADERS.items()], result=result)
    if table is None:
        return result
    data = table.data

    def cell(cells, key):
        return table.reader(cells)(key)

    codes = {cell(cells, "code") for _n, cells in data}
    divisions = {d.code: d for d in Division.objects.filter(code__in=codes)}
    organizations: dict[tuple[int, str], Organization] = {
        (o.division_id, o.name): o for o in Organization.objects.filter(division__in=divisions.values())}
    categories = {c.code: c for c in Category.objects.filter(Q(county__isnull=True) | Q(county=round.county),
                                                              is_active=True)}
    already = set(Designation.objects.filter(round=round).values_list("organization_id", flat=True))
    rows: list[_Row] = []
    seen: dict[int, int] = {}
    for number, cells in data:
        code, name = cell(cells, "code"), cell(cells, "name")
        codes_text, problems = cell(cells, "categories"), cell(cells, "problems")
        organization = None
        if not _CODE.match(code):
            error(number, "区划代码", _("“%(code)s” is not a 12-digit division code.") % {"code": excerpt(code)})
        elif code not in divisions:
            error(number, "区划代码", _("Unknown division code %(code)s.") % {"code": code})
        elif divisions[code].county_id != round.county_id and divisions[code].pk != round.county_id:
            error(number, "区划代码", _("%(code)s is outside %(county)s.") % {"code": code,
                                                                               "county": round.county.name})
        elif not name:
            error(number, "党组织名称", _("The organization name is missing."))
        else:
            organization = organizations.get((divisions[code].pk, name))
            if organization is None:
                error(number, "党组织名称", _("No organization named “%(name)s” on division %(code)s.") % {
                    "name": excerpt(name), "code": code})
            elif not can(user, "designation", "propose", organization):
                error(number, "党组织名称", _("“%(name)s” is outside your scope.") % {"name": excerpt(name)})
                organization = None
        if organization is not None:
            if organization.pk in already:
                error(number, "党组织名称", _("“%(name)s” is already on this round's list.") % {"name": excerpt(name)})
            elif organization.pk in seen:
                error(number, "党组织名称", _("“%(name)s” is also on row %(row)s.") % {
                    "name": excerpt(name), "row": seen[organization.pk]})
            seen.setdefault(organization.pk, number)
        wanted = [c for c in _SPLIT.split(codes_text.upper()) if c]
        unknown = [c for c in wanted if c not in categories]
        if not wanted:
            error(number, "软弱涣散类型", _("Give at least one category code."))
        elif unknown:
            error(number, "软弱涣散类型", _("Unknown category: %(codes)s.") % {"codes": excerpt("、".join(unknown))})
        if not problems:
            error(number, "存在问题", _("Describe the problems found."))
        if organization is not None and wanted and not unknown and problems:
            rows.append(_Row(number, organization, [categories[c] for c in dict.fromkeys(wanted)], problems))
    if result.errors:
        return result
    try:
        with transaction.atomic():
            for row in rows:
                designation = services.designation_propose(user=user, round=round, organization=row.organization,
                                                           categories=row.categories, problems=row.problems)
                result.created.append(services.designation_confirm(
                    user=user, designation=designation, comment=_("Imported with the county's list.")))
    except ValidationError as exc:
        result.created = []
        error(None, "", "；".join(exc.messages))
    return result
