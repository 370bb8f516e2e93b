"""The demo data is shaped like seed 001 and seeding twice changes nothing."""

import pytest
from django.core.management import call_command

from organizations.demo import NOT_YET_RECTIFIED
from organizations.models import Division, Organization, User
from rectification.models import Designation

pytestmark = pytest.mark.django_db


def test_county_one_is_shaped_like_seed_001(demo):
    townships = Division.objects.filter(county=demo.county1, level="township")
    assert townships.count() == 18  # 1 subdistrict and 17 towns
    assert townships.filter(kind="subdistrict").count() == 1
    assert Division.objects.filter(county=demo.county1, level="village").count() == 297
    current = Designation.objects.filter(county=demo.county1).order_by("-round__year").first().round
    designations = Designation.objects.filter(county=demo.county1, round=current)  # earlier rounds: repeat listings
    assert designations.count() == 37
    assert designations.filter(organization__category="community").count() == 3
    assert sum(d.is_rectified for d in designations) == 32
    open_ones = {(d.organization.township.name, d.organization.division.name) for d in designations
                 if not d.is_rectified}
    assert open_ones == {(t, v) for t, v, _c in NOT_YET_RECTIFIED}
    assert all(d.categories.exists() and d.problems for d in designations)


def test_county_two_is_smaller(demo):
    assert 0 < Organization.objects.filter(county=demo.county2).count() < Organization.objects.filter(
        county=demo.county1).count()


def test_seed_demo_is_idempotent(demo):
    def counts():
        return (Division.objects.count(), Organization.objects.count(), User.objects.count(),
                Designation.objects.count(), Organization.history.count())

    before = counts()
    call_command("seed_demo", "--quiet-accounts")
    assert counts() == before


def test_demo_accounts_log_in(client, demo):
    for username in demo.users:
        response = client.post("/accounts/login/", {"username": username, "password": "rectify-demo"})
        assert response.status_code == 302 and client.session.get("_auth_user_id") == str(demo.users[username].pk)
        client.post("/accounts/logout/")
