"""An evaluation decided (closed out, or rectify again) is told to the county admins and the township organizers
concerned, with the decision's note; not to the one who decided, nor to another county (issue 12 item 7)."""

import datetime as dt

import pytest

from evaluations.models import Decision, VoterGroupKind
from evaluations.services import satisfaction as services
from evaluations.services.threshold_check import evaluations_decide_county
from organizations.models import Notification, NotificationKind
from organizations.roles import Role

from .test_satisfaction_support import closed_evaluation

pytestmark = pytest.mark.django_db
PM, PUB = VoterGroupKind.PARTY_MEMBERS, VoterGroupKind.PUBLIC


def _told(evaluation) -> dict[str, tuple[str, str, str]]:
    rows = Notification.objects.filter(dedupe_key=f"evaluation-{evaluation.pk}-decision").select_related("user")
    return {n.user.username: (n.kind, n.title, n.body) for n in rows}


def test_closed_out_is_told_to_the_county_admins_and_the_township_organizer(demo, make_persona):
    make_persona("county_admin_2", role=Role.COUNTY_ADMIN, division=demo.county1)
    evaluation = closed_evaluation(demo, {PM: (6, 2, 1, 1), PUB: (7, 1, 1, 0)})
    decided = services.evaluation_decide(evaluation=evaluation, user=demo.users["county_admin"],
                                         today=dt.date(2031, 3, 2))
    assert decided.decision == Decision.ACCEPTED
    told = _told(evaluation)
    assert {"county_admin_2", "town_organizer"} <= set(told)
    assert "county_admin" not in told and "other_county_admin" not in told  # not the decider, not county 2
    kind, title, body = told["county_admin_2"]
    assert kind == NotificationKind.CLOSED_OUT and evaluation.organization.name in title
    assert body == decided.decision_note


def test_rectify_again_by_the_job_is_told_to_every_county_admin(demo):
    evaluation = closed_evaluation(demo, {PM: (5, 2, 3, 0), PUB: (1, 0, 1, 0)})  # 66.66%: below the threshold
    evaluations_decide_county(county_id=demo.county1.pk, today=dt.date(2026, 11, 23))
    told = _told(evaluation)
    assert {"county_admin", "town_organizer"} <= set(told) and "other_county_admin" not in told
    kind, _title, body = told["county_admin"]
    assert kind == NotificationKind.RE_RECTIFICATION and "66.66%" in body
