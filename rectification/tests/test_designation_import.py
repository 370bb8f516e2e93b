"""Importing the county's designation list: every row checked, all or nothing, history recorded."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.models import Organization
from rectification import services
from rectification.models import Category, Designation, DesignationStatus, StatusChange

pytestmark = pytest.mark.django_db

HEADER = ["区划代码", "党组织名称", "软弱涣散类型", "存在问题"]


@pytest.fixture
def next_round(demo):
    return services.round_create(user=demo.users["county_admin"], county=demo.county1, year=2099)


def csv_upload(rows, encoding="utf-8-sig"):
    text = "\n".join(",".join(f'"{cell}"' for cell in row) for row in [HEADER, *rows])
    return SimpleUploadedFile("list.csv", text.encode(encoding), content_type="text/csv")


def xlsx_upload(rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("list.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def row(org, codes="RSHS01", problems="班子不全"):
    return [org.division.code, org.name, codes, problems]


def orgs(township, n):
    return list(Organization.objects.filter(township=township, village__isnull=False).select_related("division")
                .order_by("pk")[:n])


@pytest.mark.parametrize("make", [csv_upload, xlsx_upload], ids=["csv", "xlsx"])
def test_a_good_list_is_designated_with_history(login, demo, next_round, make):
    a, b, c = orgs(demo.township_a, 2) + orgs(demo.township_b, 1)
    upload = make([row(a, "RSHS01、RSHS04"), row(b, "rshs02，RSHS10"), row(c, "RSHS07;RSHS08", "财务混乱")])
    client = login("county_admin")
    response = client.post(reverse("rectification:designation-import"), {"round": next_round.pk, "file": upload})
    assert response.status_code == 302
    created = Designation.objects.filter(round=next_round).order_by("pk")
    assert [d.organization_id for d in created] == [a.pk, b.pk, c.pk]
    assert all(d.status == DesignationStatus.DESIGNATED and d.confirmed_by == demo.users["county_admin"]
               for d in created)
    assert sorted(created[0].categories.values_list("code", flat=True)) == ["RSHS01", "RSHS04"]
    assert sorted(created[1].categories.values_list("code", flat=True)) == ["RSHS02", "RSHS10"]
    assert created[2].problems == "财务混乱"
    assert StatusChange.objects.filter(designation__in=created, action="confirm").count() == 3


def test_a_list_with_errors_writes_nothing_and_lists_every_error(login, demo, next_round):
    a, b = orgs(demo.township_a, 2)
    foreign = Organization.objects.filter(county=demo.county2, village__isnull=False).select_related(
        "division").first()
    services.designation_propose(user=demo.users["county_admin"], round=next_round, organization=b,
                                 categories=list(Category.objects.filter(code="RSHS01", county__isnull=True)),
                                 problems="已提名")
    count = Designation.objects.count()
    upload = csv_upload([
        row(a),                                      # good
        [a.division.code, "不存在的党支部", "RSHS01", "x"],  # unknown organization
        row(a, "RSHS99"),                            # duplicate in the file and unknown category
        row(b),                                      # already in the round
        row(foreign),                                # outside the county
        [a.division.code, a.name, "RSHS01", ""],      # no problems
        ["12345", a.name, "RSHS01", "x"],             # not a code
    ], encoding="gb18030")
    response = login("county_admin").post(reverse("rectification:designation-import"),
                                          {"round": next_round.pk, "file": upload})
    assert response.status_code == 400  # refused: the form again, with every row's errors
    errors = response.context["result"].errors
    by_row = {}
    for error in errors:
        by_row.setdefault(error["row"], []).append(error["column"])
    assert 2 not in by_row
    assert by_row[3] == ["党组织名称"]
    assert set(by_row[4]) == {"党组织名称", "软弱涣散类型"}
    assert by_row[5] == ["党组织名称"]
    assert by_row[6] == ["区划代码"]
    assert "存在问题" in by_row[7]
    assert by_row[8] == ["区划代码"]
    assert Designation.objects.count() == count
    assert "import-errors" in response.content.decode()


def test_bad_files_and_roles(login, demo, next_round):
    url = reverse("rectification:designation-import")
    response = login("county_admin").post(url, {"round": next_round.pk, "file": SimpleUploadedFile(
        "x.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"0" * 100)})
    assert response.status_code == 400 and response.context["form"].errors.get("file")
    response = login("county_admin").post(url, {"round": next_round.pk, "file": SimpleUploadedFile(
        "x.csv", "名称,代码\n甲,1\n".encode())})
    assert response.status_code == 400 and "区划代码" in response.context["result"].errors[0]["message"]
    for username in ("town_organizer", "county_leader", "village_secretary"):
        assert login(username).get(url).status_code == 404
    # The other county's admin cannot import into county 1's round.
    a = orgs(demo.township_a, 1)[0]
    response = login("other_county_admin").post(url, {"round": next_round.pk, "file": csv_upload([row(a)])})
    assert response.status_code == 400 and response.context["form"].errors.get("round")
    assert not Designation.objects.filter(round=next_round).exists()
