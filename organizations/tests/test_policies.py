import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organizations import services
from organizations.models import Division
from organizations.policies import POLICY_BY_KEY, effective_policy, fund_subsidy

pytestmark = pytest.mark.django_db


def test_defaults_apply_without_settings(demo):
    # A village of the second county: the demo's first county sets acceptance_window_months (rectification demo).
    policy = effective_policy(Division.objects.filter(county=demo.county2, level="village").order_by("code").first())
    for key, definition in POLICY_BY_KEY.items():
        assert policy[key] == definition.default
        assert policy.source(key).is_default


def test_nearest_ancestor_wins(demo):
    admin = demo.users["county_admin"]
    services.policy_set(user=admin, division=demo.county1, key="satisfaction_threshold", value="85")
    services.policy_set(user=admin, division=demo.township_a, key="satisfaction_threshold", value="90")
    assert effective_policy(demo.village_a)["satisfaction_threshold"] == "90.00"
    assert effective_policy(demo.village_a).source("satisfaction_threshold").source_division_id == demo.township_a.pk
    other_village = Division.objects.filter(parent=demo.township_b).first()
    assert effective_policy(other_village)["satisfaction_threshold"] == "85.00"
    assert effective_policy(demo.county2)["satisfaction_threshold"] == POLICY_BY_KEY["satisfaction_threshold"].default
    services.policy_clear(user=admin, division=demo.township_a, key="satisfaction_threshold")
    assert effective_policy(demo.village_a)["satisfaction_threshold"] == "85.00"


def test_policy_resolution_is_one_query(demo, django_assert_num_queries):
    with django_assert_num_queries(1):
        effective_policy(demo.village_a)


def test_snapshot_keeps_the_values_used(demo):
    services.policy_set(user=demo.users["county_admin"], division=demo.county1, key="report_interval_months",
                        value=1)
    snapshot = effective_policy(demo.village_a).snapshot(["report_interval_months", "satisfaction_threshold"])
    assert snapshot == {"report_interval_months": 1,
                        "satisfaction_threshold": POLICY_BY_KEY["satisfaction_threshold"].default}


@pytest.mark.parametrize("key,value", [
    ("satisfaction_threshold", "abc"), ("satisfaction_threshold", "120"), ("report_interval_months", "0"),
    ("report_interval_months", "two"), ("village_fund_bands", [{"up_to": 5000, "amount": 1}]),
    ("village_fund_bands", [{"up_to": 5000, "amount": 1}, {"up_to": 3000, "amount": 2}, {"up_to": None, "amount": 3}]),
    ("organization_grade_stars", {"good": [7]}), ("no_such_setting", 1),
])
def test_bad_values_are_refused_with_a_message(demo, key, value):
    with pytest.raises(ValidationError) as excinfo:
        services.policy_set(user=demo.users["county_admin"], division=demo.county1, key=key, value=value)
    assert excinfo.value.messages
    assert not demo.county1.policy_settings.filter(key=key).exists()


@pytest.mark.parametrize("username", ["county_leader", "town_organizer", "other_county_admin", "city_reviewer"])
def test_only_the_county_admin_edits_its_county(demo, username):
    with pytest.raises(PermissionDenied):
        services.policy_set(user=demo.users[username], division=demo.county1, key="evaluation_quorum", value=5)


def test_fund_subsidy_follows_the_bands(demo):
    policy = effective_policy(demo.village_a)
    bands = POLICY_BY_KEY["village_fund_bands"].default
    assert fund_subsidy(policy, population=bands[0]["up_to"], is_community=False) == bands[0]["amount"]
    assert fund_subsidy(policy, population=bands[0]["up_to"] + 1, is_community=False) == bands[1]["amount"]
    assert fund_subsidy(policy, population=10 ** 6, is_community=False) == bands[-1]["amount"]
    assert fund_subsidy(policy, population=10 ** 6, is_community=True) == policy["community_fund"]


def test_policy_changes_are_audited(demo):
    admin = demo.users["county_admin"]
    setting = services.policy_set(user=admin, division=demo.county1, key="contact_visits_per_month", value=4)
    services.policy_set(user=admin, division=demo.county1, key="contact_visits_per_month", value=5)
    records = list(setting.history.order_by("history_date"))
    assert [r.value for r in records] == [4, 5]
    assert all(r.history_user == admin for r in records)
