"""The veto of dissatisfied ballots over half and the per-category threshold (issue 11, item 10 a-b)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluations.models import Decision, VoterGroupKind
from evaluations.services import satisfaction as services
from organizations.models import OrganizationCategory
from organizations.services import policy_set
from rectification.models import DesignationStatus

from .test_satisfaction_support import closed_evaluation, fresh_organization

PM = VoterGroupKind.PARTY_MEMBERS
TODAY = dt.date(2026, 11, 23)


def _decide(evaluation):
    decided = services.evaluation_decide(evaluation=evaluation, today=TODAY)
    decided.designation.refresh_from_db()
    return decided


def test_more_than_half_dissatisfied_fails_whatever_the_rate(demo):
    admin = demo.users["county_admin"]
    policy_set(user=admin, division=demo.county1, key="satisfaction_threshold", value="40")
    # 9 satisfied, 11 dissatisfied: 45% reaches the county's 40%, but 11 of 20 ballots are dissatisfied.
    evaluation = closed_evaluation(demo, {PM: (9, 0, 11, 0)})
    assert evaluation.policy["satisfaction_veto_dissatisfied_half"] is True
    decided = _decide(evaluation)
    assert decided.decision == Decision.RE_RECTIFY
    assert decided.designation.status == DesignationStatus.RECTIFYING
    assert "11 of the 20 ballots" in decided.decision_note and "more than half" in decided.decision_note


def test_the_veto_is_a_setting(demo):
    admin = demo.users["county_admin"]
    policy_set(user=admin, division=demo.county1, key="satisfaction_threshold", value="40")
    policy_set(user=admin, division=demo.county1, key="satisfaction_veto_dissatisfied_half", value=False)
    decided = _decide(closed_evaluation(demo, {PM: (9, 0, 11, 0)}))
    assert decided.decision == Decision.ACCEPTED


def test_exactly_half_dissatisfied_is_no_veto(demo):
    admin = demo.users["county_admin"]
    policy_set(user=admin, division=demo.county1, key="satisfaction_threshold", value="40")
    # 10 of 20 dissatisfied is half, not more than half; 10 abstentions count among the ballots cast.
    decided = _decide(closed_evaluation(demo, {PM: (10, 0, 10, 0)}))
    assert decided.decision == Decision.ACCEPTED


def test_a_result_stored_before_the_veto_keeps_its_rule(demo):
    admin = demo.users["county_admin"]
    policy_set(user=admin, division=demo.county1, key="satisfaction_threshold", value="40")
    evaluation = closed_evaluation(demo, {PM: (9, 0, 11, 0)})
    evaluation.policy.pop("satisfaction_veto_dissatisfied_half")
    evaluation.save(update_fields=["policy"])
    assert _decide(evaluation).decision == Decision.ACCEPTED


def _service_organization(demo):
    organization = fresh_organization(demo)
    organization.category = OrganizationCategory.SERVICE
    organization.save(update_fields=["category"])
    return organization


def test_service_units_need_ninety_percent(demo, client):
    # 17 of 20 = 85%: enough for a village (80%), not for a window or service unit (90%, seed 003).
    village = _decide(closed_evaluation(demo, {PM: (17, 0, 3, 0)}))
    assert village.decision == Decision.ACCEPTED
    service = closed_evaluation(demo, {PM: (17, 0, 3, 0)}, organization=_service_organization(demo))
    assert service.policy["satisfaction_threshold"] == "90.00"
    assert service.policy["satisfaction_threshold_category"] == OrganizationCategory.SERVICE
    client.force_login(demo.users["county_admin"])
    page = client.get(reverse("evaluations:evaluation", args=[service.pk])).content.decode()
    assert "90.00%" in page and "Window and service unit" in page
    decided = _decide(service)
    assert decided.decision == Decision.RE_RECTIFY
    assert "90.00%" in decided.decision_note


def test_the_category_threshold_is_a_setting_per_area(demo):
    policy_set(user=demo.users["county_admin"], division=demo.county1, key="satisfaction_threshold_by_category",
               value={"service": "85", "community": "95"})
    service = closed_evaluation(demo, {PM: (17, 0, 3, 0)}, organization=_service_organization(demo))
    assert _decide(service).decision == Decision.ACCEPTED
    with pytest.raises(ValidationError):
        policy_set(user=demo.users["county_admin"], division=demo.county1,
                   key="satisfaction_threshold_by_category", value={"hospital": "90"})
    with pytest.raises(ValidationError):
        policy_set(user=demo.users["county_admin"], division=demo.county1,
                   key="satisfaction_threshold_by_category", value={"service": "190"})


def test_the_policy_page_edits_the_category_thresholds(demo, client):
    client.force_login(demo.users["county_admin"])
    url = reverse("organizations:policy", args=[demo.county1.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "satisfaction_threshold_by_category" in page.content.decode()
