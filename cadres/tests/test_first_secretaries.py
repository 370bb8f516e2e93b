"""First secretaries: terms ending within 60 days, the policy's term length, roles, account access, masking."""

import datetime as dt
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cadres.identity import id_check_char
from cadres.models import FirstSecretary
from cadres.selectors import support as selectors
from cadres.services import support as services
from organizations import services as org_services
from organizations.models import ObjectAssignment, Organization, SecurityEvent
from organizations.roles import Role
from tests.workbooks import table

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = D(2030, 3, 10)  # after every demo term: only this test's rows can be "ending soon"


def _id(born: D) -> str:
    first17 = f"350322{born:%Y%m%d}123"
    return first17 + id_check_char(first17)


def _village(demo, division=None):
    return Organization.objects.filter(village__isnull=False, **{
        f"{(division or demo.township_a).level}_id": (division or demo.township_a).pk}).order_by("division__code")[3]


def _add(demo, *, organization=None, user=None, **fields):
    fields.setdefault("name", "测试书记")
    fields.setdefault("dispatching_unit", "仙游县财政局")
    fields.setdefault("term_start", D(2028, 3, 1))
    return services.first_secretary_create(user=user or demo.users["county_admin"],
                                           organization=organization or _village(demo), **fields)


def test_terms_ending_within_60_days_boundary(demo):
    day60 = _add(demo, name="六十天", term_end=TODAY + dt.timedelta(days=60))
    day61 = _add(demo, name="六十一天", term_end=TODAY + dt.timedelta(days=61))
    today_ends = _add(demo, name="今天", term_end=TODAY)
    ended = _add(demo, name="已结束", term_end=TODAY - dt.timedelta(days=1))
    recalled = _add(demo, name="已召回", term_end=TODAY + dt.timedelta(days=10))
    services.first_secretary_recall(user=demo.users["county_admin"], first_secretary=recalled,
                                    recalled_on=D(2029, 1, 1), today=TODAY)
    found = set(selectors.expiring_first_secretaries(demo.users["county_admin"], today=TODAY).values_list(
        "pk", flat=True))
    assert day60.pk in found and today_ends.pk in found
    assert day61.pk not in found and ended.pk not in found and recalled.pk not in found
    wider = selectors.expiring_first_secretaries(demo.users["county_admin"], today=TODAY, days=61)
    assert wider.filter(pk=day61.pk).exists()


def test_expiring_page_lists_terms_within_60_days(demo, login):
    today = timezone.localdate()
    inside = _add(demo, name="快到期", term_start=today - relativedelta(months=23),
                  term_end=today + dt.timedelta(days=60))
    outside = _add(demo, name="未到期", term_start=today - relativedelta(months=23),
                   term_end=today + dt.timedelta(days=61))
    client = login("county_admin")
    response = client.get(reverse("cadres:first-secretaries-expiring"))
    assert response.status_code == 200
    shown = {fs.pk for fs in response.context["page_obj"].paginator.object_list}
    assert inside.pk in shown and outside.pk not in shown
    assert shown == set(selectors.expiring_first_secretaries(demo.users["county_admin"], today=today)
                        .values_list("pk", flat=True))
    response = client.get(reverse("cadres:first-secretaries"), {"expiring": 61})
    assert outside.pk in {fs.pk for fs in response.context["page_obj"].paginator.object_list}


def test_term_end_defaults_to_the_policy_with_a_county_override(demo):
    first = _add(demo, term_start=D(2025, 3, 1))
    assert first.term_end == D(2025, 3, 1) + relativedelta(months=24)
    org_services.policy_set(user=demo.users["county_admin"], division=demo.county1,
                            key="first_secretary_term_months", value=36)
    second = _add(demo, name="三年任期", term_start=D(2025, 3, 1))
    assert second.term_end == D(2028, 3, 1)
    explicit = _add(demo, name="指定任期", term_start=D(2025, 3, 1), term_end=D(2026, 2, 28))
    assert explicit.term_end == D(2026, 2, 28)


@pytest.mark.parametrize("username", ["town_organizer", "county_leader", "village_secretary", "contact_leader",
                                      "other_county_admin", "city_reviewer"])
def test_only_the_county_admin_adds_first_secretaries(demo, username):
    with pytest.raises(PermissionDenied):
        _add(demo, user=demo.users[username])


def test_pages_by_role(demo, login):
    fs = _add(demo)
    add_url = reverse("cadres:first-secretary-add", args=[fs.organization_id])
    edit_url = reverse("cadres:first-secretary-edit", args=[fs.pk])
    detail_url = reverse("cadres:first-secretary", args=[fs.pk])
    assert login("county_admin").get(add_url).status_code == 200
    assert login("town_organizer").get(detail_url).status_code == 200  # its own township: reads
    assert login("town_organizer").get(edit_url).status_code == 403
    assert login("town_organizer").post(add_url, {"name": "x"}).status_code == 403
    assert login("other_county_admin").get(detail_url).status_code == 404
    assert login("other_county_admin").get(add_url).status_code == 404
    response = login("county_admin").post(add_url, {
        "name": "林新", "dispatching_unit": "仙游县农业农村局", "term_start": "2026-01-05", "days_in_village": 20,
        "id_number": _id(D(1990, 5, 6)), "phone": "13912345678"})
    assert response.status_code == 302
    created = FirstSecretary.objects.get(name="林新")
    assert created.term_end == D(2028, 1, 5) and created.birth_date == D(1990, 5, 6)


def test_account_gets_the_villages_and_loses_them_when_recalled(demo, make_persona):
    account = make_persona("fs_account", role=Role.FIRST_SECRETARY)
    main = _village(demo)
    other = Organization.objects.filter(township=demo.township_a, village__isnull=False).exclude(
        pk=main.pk).order_by("division__code").first()
    fs = _add(demo, organization=main, other_villages=[other], account="fs_account", term_start=D(2025, 3, 1))
    assert set(Organization.objects.visible_to(account).values_list("pk", flat=True)) == {main.pk, other.pk}
    services.first_secretary_recall(user=demo.users["county_admin"], first_secretary=fs,
                                    recalled_on=timezone.localdate(), reason="任期届满")
    assert not ObjectAssignment.objects.filter(user=account, role=Role.FIRST_SECRETARY).exists()
    fresh = type(account).objects.get(pk=account.pk)  # grants are cached per user object
    assert not Organization.objects.visible_to(fresh).exists()
    assert fs.history.first().history_change_reason == "任期届满"


def test_numbers_are_masked_and_unmasking_is_logged(demo, login):
    fs = _add(demo, id_number=_id(D(1988, 2, 3)), phone="13812345678")
    url = reverse("cadres:first-secretary", args=[fs.pk])
    page = login("county_leader").get(url).content.decode()
    assert fs.id_number not in page and "13812345678" not in page
    assert login("county_leader").post(url).status_code == 403
    client = login("county_admin")
    views = SecurityEvent.objects.filter(kind="personal_data_view")
    before = views.count()
    page = client.post(url).content.decode()
    assert fs.id_number in page and views.count() == before + 1
    listing = login("county_admin").get(reverse("cadres:first-secretaries"), {"q": "测试书记"}).content.decode()
    assert fs.id_number not in listing


def test_api_masks_defaults_and_scopes(demo, login):
    village = _village(demo)
    client = login("county_admin")
    response = client.post("/api/v1/cadres/first-secretaries/", data={
        "organization": village.pk, "name": "API书记", "dispatching_unit": "县委办", "term_start": "2026-02-01",
        "phone": "13712345678"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["term_end"] == "2028-02-01" and body["phone"] != "13712345678" and body["phone"].endswith("5678")
    foreign = Organization.objects.filter(county=demo.county2, village__isnull=False).first()
    response = client.post("/api/v1/cadres/first-secretaries/", data={
        "organization": foreign.pk, "name": "越权", "dispatching_unit": "县委办", "term_start": "2026-02-01"},
        content_type="application/json")
    assert response.status_code == 400 and "organization" in response.json()
    url = f"/api/v1/cadres/first-secretaries/{body['id']}/"
    assert login("other_county_admin").get(url).status_code == 404
    response = login("town_organizer").patch(url, data={"days_in_village": 3}, content_type="application/json")
    assert response.status_code in (403, 404)
    response = login("county_admin").get("/api/v1/cadres/first-secretaries/", {"expiring": 60})
    assert response.status_code == 200
    assert response.json()["count"] == selectors.expiring_first_secretaries(
        demo.users["county_admin"], today=timezone.localdate()).count()


def test_export_is_masked_and_matches_the_list(demo, login):
    from openpyxl import load_workbook

    fs = _add(demo, name="导出书记", id_number=_id(D(1991, 7, 8)), phone="13612345678")
    client = login("county_admin")
    response = client.get(reverse("cadres:first-secretaries-export"))
    assert response.status_code == 200
    header, rows = table(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active)
    rows = [header, *rows]
    assert len(rows) - 1 == FirstSecretary.objects.visible_to(demo.users["county_admin"]).count()
    ours = next(r for r in rows if r[0] == fs.name)
    assert fs.id_number not in [str(c) for c in ours] and "13612345678" not in [str(c) for c in ours]
    assert fs.dispatching_unit in ours and fs.organization.name in ours
