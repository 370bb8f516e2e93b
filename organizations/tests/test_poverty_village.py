"""The 脱贫村 flag of an organization: set on the edit form, by an import column, kept in the audit trail."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from organizations.imports.services import import_rows
from organizations.models import Organization

HEADERS = ["区划代码", "区划名称", "区划类型", "党组织名称", "组织类型", "脱贫村"]


def _village_organization(demo) -> Organization:
    return Organization.objects.filter(division=demo.village_a).order_by("pk").first()


def test_township_organizer_marks_a_village_as_poverty_alleviated(login, demo):
    organization = _village_organization(demo)
    assert not organization.is_poverty_village
    data = {"name": organization.name, "org_type": organization.org_type, "category": organization.category,
            "division": organization.division_id, "parent": organization.parent_id or "",
            "secretary_name": organization.secretary_name, "member_count": organization.member_count,
            "population": organization.population or "", "is_active": "on", "is_poverty_village": "on"}
    response = login("town_organizer").post(reverse("organizations:edit", args=[organization.pk]), data)
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.is_poverty_village
    assert organization.history.latest().history_user == demo.users["town_organizer"]
    page = login("town_organizer").get(reverse("organizations:detail", args=[organization.pk])).content.decode()
    with translation.override("zh-hans"):
        assert translation.gettext("Poverty-alleviated village") == "脱贫村"
    assert "脱贫村" in page


@pytest.mark.parametrize(("cell", "expected"), [("是", True), ("Y", True), ("否", False)])
def test_import_sets_the_flag(demo, cell, expected):
    organization = _village_organization(demo)
    organization.is_poverty_village = not expected
    organization.save()
    rows = [dict(zip(HEADERS, [demo.village_a.code, demo.village_a.name, "村", organization.name, "党支部", cell],
                     strict=True))]
    result = import_rows(user=demo.users["county_admin"], county=demo.county1, rows=rows)
    assert result.ok, result.errors
    organization.refresh_from_db()
    assert organization.is_poverty_village is expected


def test_import_keeps_the_flag_when_the_cell_is_empty_and_rejects_other_words(demo):
    organization = _village_organization(demo)
    organization.is_poverty_village = True
    organization.save()
    row = [demo.village_a.code, demo.village_a.name, "村", organization.name, "党支部", ""]
    assert import_rows(user=demo.users["county_admin"], county=demo.county1,
                       rows=[dict(zip(HEADERS, row, strict=True))]).ok
    organization.refresh_from_db()
    assert organization.is_poverty_village
    row[-1] = "也许"
    with translation.override("en"):
        result = import_rows(user=demo.users["county_admin"], county=demo.county1,
                             rows=[dict(zip(HEADERS, row, strict=True))])
    assert not result.ok
    assert any("也许" in error["message"] and error["column"] == "脱贫村" for error in result.errors)
