"""County-defined weak-and-lax categories beside the ten national ones."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from organizations.models import Organization
from rectification import services
from rectification.models import Category

pytestmark = pytest.mark.django_db
URL = reverse("rectification:categories")


def test_county_admin_adds_a_category_seen_in_its_county_only(client, demo):
    client.force_login(demo.users["county_admin"])
    response = client.post(URL, {"county": demo.county1.pk, "code": "rshs11", "name": "村霸问题突出"})
    assert response.status_code == 302
    category = Category.objects.get(code="RSHS11", county=demo.county1)
    page = client.get(URL).content.decode()
    assert "村霸问题突出" in page and "RSHS01" in page
    client.force_login(demo.users["other_county_admin"])
    assert "村霸问题突出" not in client.get(URL).content.decode()
    client.force_login(demo.users["town_organizer"])
    assert "村霸问题突出" in client.get(URL).content.decode()  # a township of county 1
    # and it can be used in county 1's round, not in another county's
    round_ = services.round_create(user=demo.users["county_admin"], county=demo.county1, year=2098)
    organization = Organization.objects.filter(township=demo.township_a, village__isnull=False).first()
    designation = services.designation_propose(user=demo.users["county_admin"], round=round_,
                                               organization=organization, categories=[category], problems="村霸")
    assert list(designation.categories.all()) == [category]
    other_round = services.round_create(user=demo.users["other_county_admin"], county=demo.county2, year=2098)
    other_org = Organization.objects.filter(county=demo.county2, village__isnull=False).first()
    with pytest.raises(ValidationError):
        services.designation_propose(user=demo.users["other_county_admin"], round=other_round,
                                     organization=other_org, categories=[category], problems="x")


@pytest.mark.parametrize("code", ["RSHS01", "RSHS12"])
def test_codes_do_not_clash(demo, code):
    services.category_create(user=demo.users["county_admin"], county=demo.county1, code="RSHS12", name="微腐败")
    before = Category.objects.count()
    with pytest.raises(ValidationError):
        services.category_create(user=demo.users["county_admin"], county=demo.county1, code=code, name="重复")
    assert Category.objects.count() == before


def test_only_the_county_admin_adds(client, demo):
    for username in ("town_organizer", "county_leader", "city_reviewer"):
        client.force_login(demo.users[username])
        before = Category.objects.count()
        assert client.post(URL, {"county": demo.county1.pk, "code": "X1", "name": "x"}).status_code == 404
        assert Category.objects.count() == before
    with pytest.raises(PermissionDenied):
        services.category_create(user=demo.users["other_county_admin"], county=demo.county1, code="X2", name="x")
    client.force_login(demo.users["other_county_admin"])  # county 1 is not among its choices
    response = client.post(URL, {"county": demo.county1.pk, "code": "X3", "name": "x"})
    assert response.status_code == 400 and response.context["form"].errors.get("county")
