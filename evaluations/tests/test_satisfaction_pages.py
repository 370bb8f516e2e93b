"""Pages, API and export of the satisfaction evaluation, by role; the public one-time voting page."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from evaluations.models import Ballot, Decision, Evaluation, EvaluationStatus, VoterGroupKind
from evaluations.services import satisfaction as services
from rectification.models import DesignationStatus
from tests.workbooks import table

from .test_satisfaction_support import acceptance_requested, closed_evaluation, evaluator, fresh_organization

PM, PUB = VoterGroupKind.PARTY_MEMBERS, VoterGroupKind.PUBLIC


def _xlsx(response):
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(body), read_only=True).active


def test_evaluator_opens_counts_and_closes_through_the_pages(client, demo, make_persona):
    client.force_login(evaluator(demo, make_persona))
    designation = acceptance_requested(demo)
    awaiting = client.get(reverse("evaluations:evaluation-awaiting"))
    assert awaiting.status_code == 200 and reverse("evaluations:evaluation-open", args=[designation.pk]) in \
        awaiting.content.decode()
    response = client.post(reverse("evaluations:evaluation-open", args=[designation.pk]), {
        "held_on": "2026-11-20", "title": "", "party_members": 10, "public": 10})
    evaluation = Evaluation.objects.get(designation=designation)
    assert response.status_code == 302 and response["Location"] == reverse("evaluations:evaluation",
                                                                           args=[evaluation.pk])
    groups = {g.kind: g for g in evaluation.groups.all()}
    response = client.post(reverse("evaluations:voter-group-counts", args=[groups[PM].pk]), {
        "size": 10, "satisfied": 6, "basically_satisfied": 2, "dissatisfied": 1, "abstained": 1, "invalid": 0})
    assert response.status_code == 302
    response = client.post(reverse("evaluations:evaluation-ballot", args=[evaluation.pk]), {
        "group": groups[PUB].pk, "choice": "dissatisfied"})
    assert response.status_code == 302 and Ballot.objects.filter(evaluation=evaluation, source="entered").count() == 1
    response = client.post(reverse("evaluations:voter-group-links", args=[groups[PUB].pk]), {"count": 2})
    assert response.status_code == 200 and response.content.decode().count("<svg") == 2
    links = re.findall(r"/evaluations/vote/([A-Za-z0-9_-]+)/", response.content.decode())
    assert len(set(links)) == 2
    detail = client.get(reverse("evaluations:evaluation", args=[evaluation.pk]))
    assert detail.status_code == 200 and detail.context["panel"].total.total == 11
    assert client.get(reverse("evaluations:evaluation-close", args=[evaluation.pk])).status_code == 200
    # 1 of the 10 public representatives voted: closing needs the box ticked
    assert client.post(reverse("evaluations:evaluation-close", args=[evaluation.pk])).status_code == 400
    assert client.post(reverse("evaluations:evaluation-close", args=[evaluation.pk]),
                       {"confirm_shortfall": "on"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.CLOSED and evaluation.rate == Decimal("80.00")  # 8 / 10 (abstention out)
    # an evaluator may not decide
    assert client.post(reverse("evaluations:evaluation-decide", args=[evaluation.pk])).status_code == 403


def test_county_admin_decides_now(client, demo, login):
    evaluation = closed_evaluation(demo, {PM: (4, 1, 5, 0)})  # 50%
    client = login("county_admin")
    page = client.get(reverse("evaluations:evaluation", args=[evaluation.pk]))
    assert page.status_code == 200 and page.context["decide_form"] is not None
    response = client.post(reverse("evaluations:evaluation-decide", args=[evaluation.pk]),
                           {"new_deadline": "2027-06-30"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.decision == Decision.RE_RECTIFY and str(evaluation.new_deadline) == "2027-06-30"
    assert evaluation.designation.plan.cycles.order_by("-number").first().deadline.isoformat() == "2027-06-30"
    detail = client.get(reverse("evaluations:evaluation", args=[evaluation.pk])).content.decode()
    assert "50.00%" in detail and "80.00%" in detail
    again = client.post(reverse("evaluations:evaluation-decide", args=[evaluation.pk]))
    assert again.status_code == 302
    assert evaluation.designation.plan.cycles.count() == 2


def test_township_organizer_reads_but_may_not_write(client, demo, login):
    designation = acceptance_requested(demo)  # in 林安镇, the organizer's township
    evaluation = services.evaluation_create(user=demo.users["county_admin"], designation=designation)
    group = evaluation.groups.first()
    client = login("town_organizer")
    assert client.get(reverse("evaluations:evaluation", args=[evaluation.pk])).status_code == 200
    assert client.get(reverse("evaluations:evaluation-list")).status_code == 200
    for url in (reverse("evaluations:evaluation-close", args=[evaluation.pk]),
                reverse("evaluations:evaluation-ballot", args=[evaluation.pk]),
                reverse("evaluations:voter-group-counts", args=[group.pk]),
                reverse("evaluations:voter-group-links", args=[group.pk])):
        assert client.post(url, {"count": 1, "group": group.pk, "choice": "satisfied"}).status_code == 403, url
    api = client.post(f"/api/v1/evaluations/evaluations/{evaluation.pk}/close/")
    assert api.status_code == 403
    api = client.post("/api/v1/evaluations/ballots/", {"group": group.pk, "choice": "satisfied"},
                      content_type="application/json")
    assert api.status_code == 403
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.OPEN


def test_other_county_gets_404(client, demo, login):
    evaluation = closed_evaluation(demo, {PM: (9, 0, 1, 0)})
    client = login("other_county_admin")
    for url in (reverse("evaluations:evaluation", args=[evaluation.pk]),
                reverse("evaluations:evaluation-decide", args=[evaluation.pk]),
                reverse("evaluations:voter-group-counts", args=[evaluation.groups.first().pk]),
                reverse("evaluations:evaluation-open", args=[evaluation.designation_id]),
                f"/api/v1/evaluations/evaluations/{evaluation.pk}/",
                f"/api/v1/evaluations/evaluations/{evaluation.pk}/decide/"):
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url).status_code == 404, url
    listing = client.get(reverse("evaluations:evaluation-list"))
    assert evaluation not in listing.context["object_list"]
    assert Evaluation.objects.get(pk=evaluation.pk).decision == ""


def test_public_vote_page_casts_once_without_login(client, demo):
    evaluation = services.evaluation_create(user=demo.users["county_admin"], designation=acceptance_requested(demo),
                                            public=5)
    (token,) = services.ballot_links_create(user=demo.users["county_admin"], group=evaluation.groups.get(kind=PUB),
                                            count=1)
    url = reverse("evaluations:vote", args=[token])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and evaluation.organization.name in html
    assert "name=\"choice\"" in html and html.count('type="radio"') == 4
    assert page["Cache-Control"].startswith("no-store") or "no-store" in page["Cache-Control"]
    assert client.post(url, {"choice": "nonsense"}).status_code == 400
    thanks = client.post(url, {"choice": "satisfied"})
    assert thanks.status_code == 200 and evaluation.organization.name in thanks.content.decode()
    used = client.post(url, {"choice": "dissatisfied"})
    assert used.status_code == 410 and evaluation.organization.name not in used.content.decode()
    assert client.get(url).status_code == 410
    unknown = client.get(reverse("evaluations:vote", args=["not-a-real-token"]))
    assert unknown.status_code == 404
    assert list(Ballot.objects.filter(evaluation=evaluation).values_list("choice", flat=True)) == ["satisfied"]


def test_api_open_count_close_decide(client, demo, login, make_persona):
    designation = acceptance_requested(demo)
    client.force_login(evaluator(demo, make_persona))
    response = client.post("/api/v1/evaluations/evaluations/", {"designation": designation.pk, "public": 3},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    group = next(g for g in body["groups"] if g["kind"] == PM)
    public = next(g for g in body["groups"] if g["kind"] == PUB)
    response = client.patch(f"/api/v1/evaluations/voter-groups/{group['id']}/", {
        "satisfied": 7, "basically_satisfied": 1, "dissatisfied": 2, "abstained": 0},
        content_type="application/json")
    assert response.status_code == 200 and response.json()["satisfied"] == 7
    response = client.post("/api/v1/evaluations/ballots/", {"group": public["id"], "choice": "satisfied"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["source"] == "entered"
    foreign = Evaluation.objects.exclude(county=demo.county1).first()
    if foreign is not None:
        response = client.post("/api/v1/evaluations/ballots/", {"group": foreign.groups.first().pk,
                                                                "choice": "satisfied"},
                               content_type="application/json")
        assert response.status_code == 400
    # The public representatives cast 1 ballot of 3: the API, like the close page, asks for the confirmation.
    response = client.post(f"/api/v1/evaluations/evaluations/{body['id']}/close/")
    assert response.status_code == 400 and "confirm_shortfall" in response.json()
    assert Evaluation.objects.get(pk=body["id"]).status == EvaluationStatus.OPEN
    response = client.post(f"/api/v1/evaluations/evaluations/{body['id']}/close/", {"confirm_shortfall": True},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["rate"] == "81.81"  # 9 / 11
    assert client.post(f"/api/v1/evaluations/evaluations/{body['id']}/decide/").status_code == 403
    admin = login("county_admin")
    response = admin.post(f"/api/v1/evaluations/evaluations/{body['id']}/decide/", {},
                          content_type="application/json")
    assert response.status_code == 200 and response.json()["decision"] == Decision.ACCEPTED
    designation.refresh_from_db()
    assert designation.status == DesignationStatus.CONSOLIDATING
    listing = admin.get("/api/v1/evaluations/evaluations/", {"decision": "accepted", "status": "decided"})
    assert listing.status_code == 200 and body["id"] in [r["id"] for r in listing.json()["results"]]


def test_export_has_the_computed_numbers_and_follows_scope_and_filters(demo, login):
    mine = closed_evaluation(demo, {PM: (6, 2, 1, 1), PUB: (5, 0, 2, 0)},
                             organization=fresh_organization(demo, demo.township_b))
    services.evaluation_decide(evaluation=mine, today=None)
    client = login("county_admin")
    response = client.get(reverse("evaluations:evaluation-export"), {"township": demo.township_b.pk})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    header, body = table(_xlsx(response))
    row = next(r for r in body if r[3] == mine.organization.name)
    values = dict(zip(header, row, strict=True))
    assert all(r[1] == demo.township_b.name for r in body)
    numbers = [v for v in row if isinstance(v, int | float) and not isinstance(v, bool)]
    assert numbers[:10] == [6, 2, 1, 1, 0, 5, 0, 2, 0, 0]  # per group and choice (party members, public)
    assert 13 in row and 16 in row  # satisfied 13 (11 + 2 basically) of 16 valid
    mine.refresh_from_db()
    assert float(mine.rate) in row and 81.25 == float(mine.rate)
    assert 80.0 in row
    assert mine.get_decision_display() in values.values()
    other = login("other_county_admin").get(reverse("evaluations:evaluation-export"))
    names = {r[3] for r in table(_xlsx(other))[1]}
    assert mine.organization.name not in names


def test_open_page_says_why_and_a_refused_post_is_400(demo, login):
    designation = acceptance_requested(demo)
    services.evaluation_create(user=demo.users["county_admin"], designation=designation)
    client = login("county_admin")
    url = reverse("evaluations:evaluation-open", args=[designation.pk])
    page = client.get(url)
    assert page.status_code == 200 and "already in progress" in page.content.decode()
    response = client.post(url, {"held_on": "2026-11-20", "party_members": 1, "public": 1})
    assert response.status_code == 400 and "already in progress" in response.content.decode()
    assert Evaluation.objects.filter(designation=designation).count() == 1
    awaiting = client.get(reverse("evaluations:evaluation-awaiting"))
    assert url not in awaiting.content.decode()


def test_closing_twice_is_a_400_with_the_reason(demo, login):
    evaluation = closed_evaluation(demo, {PM: (9, 0, 1, 0)})
    client = login("county_admin")
    response = client.post(reverse("evaluations:evaluation-close", args=[evaluation.pk]))
    assert response.status_code == 400 and "Voting on this evaluation is closed." in response.content.decode()


def test_a_role_that_may_not_open_gets_403_in_scope_and_404_outside(demo, login):
    designation = acceptance_requested(demo)
    url = reverse("evaluations:evaluation-open", args=[designation.pk])
    assert login("village_secretary").get(url).status_code in (403, 404)
    assert login("county_leader").get(url).status_code == 403
    assert login("other_county_admin").get(url).status_code == 404


def test_history_names_people_and_policy_values_not_ids_and_dicts(login, demo):
    """Issue 12: the evaluation's history showed "结束人：— → 1" and "所用参数：{} → {'satisfaction_threshold': …}"."""
    from organizations.history import history_entries
    from organizations.policies import POLICY_BY_KEY

    evaluation = closed_evaluation(demo, {PM: (9, 0, 1, 0)})
    page = login("county_admin").get(reverse("evaluations:evaluation", args=[evaluation.pk]))
    assert page.status_code == 200
    changes = {label: (old, new) for entry in history_entries(evaluation) for label, old, new in entry.changes}
    closer = demo.users["county_admin"]
    closed_by = str(Evaluation._meta.get_field("closed_by").verbose_name)
    assert changes[closed_by] == (None, closer.display_name)
    policy_label = str(Evaluation._meta.get_field("policy").verbose_name)
    _old, used = changes[policy_label]
    threshold = POLICY_BY_KEY["satisfaction_threshold"]
    assert f"{threshold.label}：{evaluation.policy['satisfaction_threshold']}" in used
    html = page.content.decode()
    assert "{&#x27;" not in html and "{'" not in html  # no dict printed as stored
    assert f"{closer.display_name}</span>" in html


def test_the_consolidated_ledger_carries_the_evaluation_date_rate_and_conclusion(login, demo):
    """Issue 11 item 8: the ledger export and its API had no satisfaction rate or acceptance result. The
    evaluations app adds its columns to the ledger through the kernel registry; values from the evaluation."""
    from decimal import Decimal as D

    evaluation = closed_evaluation(demo, {PM: (9, 0, 1, 0)})
    services.evaluation_decide(evaluation=evaluation, user=demo.users["county_admin"])
    evaluation.refresh_from_db()
    client = login("county_admin")
    response = client.get(reverse("rectification:ledger-export"), {"round": evaluation.designation.round_id})
    from rectification.exports.ledger import ledger_headers

    headers = [str(h) for h in ledger_headers()]  # in the language of the request, as the workbook is
    rows = list(_xlsx(response).iter_rows(values_only=True))
    header = next((r for r in rows if r and r[0] == headers[0]), None)
    assert header is not None and list(header) == headers, rows[:3]
    row = next(r for r in rows if r and r[4] == evaluation.designation.organization.name)
    evaluated_on, rate, conclusion = row[-3:]
    assert rate is not None and D(str(rate)) == evaluation.rate
    assert conclusion == str(Decision(evaluation.decision).label)
    assert evaluated_on.date() == evaluation.held_on
    api = client.get("/api/v1/ledger/export/", {"round": evaluation.designation.round_id}).json()["results"]
    extra = next(r for r in api if r["id"] == evaluation.designation_id)["extra"]
    assert D(extra["satisfaction_rate"]) == evaluation.rate and extra["satisfaction_evaluated_on"] == \
        evaluation.held_on.isoformat()
