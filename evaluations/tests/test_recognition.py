"""Recognition (issue 14 item 6): advanced models and experiences publicized after the county's approval, the 七一
and year-end commendations from the member star ratings, the 共产党员户 plaques; pages, API, services, exports,
the public page and the demo."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from evaluations.models import (
    AssessmentKind,
    AssessmentStatus,
    Commendation,
    CommendationList,
    CommendationListStatus,
    CommendationOccasion,
    Exemplar,
    ExemplarStatus,
    MemberAssessment,
    MemberPlaque,
    PartyMember,
)
from evaluations.services import recognition as services
from organizations.models import Organization
from tests.workbooks import rows_from

pytestmark = pytest.mark.django_db


def _public(client, county):
    return client.get(reverse("evaluations:recognition-public", args=[county.code]))


def _dongshan(demo):
    return Organization.objects.get(division=demo.village_a)


def _text(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------------------ models and experiences


def test_an_item_is_public_only_once_approved_and_published(client, demo, login):
    page = login("village_secretary")
    organization = _dongshan(demo)
    title = "东山村：党员帮代办服务群众零距离"
    response = page.post(reverse("evaluations:exemplar-add"), {
        "organization": organization.pk, "kind": "experience", "year": 2026, "title": title,
        "subject": organization.name, "summary": "联系人陈建国，电话13812345678，帮群众代办事项120件。"})
    exemplar = Exemplar.objects.get(title=title)
    assert response.status_code == 302 and exemplar.status == ExemplarStatus.DRAFT
    assert (exemplar.county_id, exemplar.township_id) == (organization.county_id, organization.township_id)

    def public_shows():
        client.logout()
        return title in _text(_public(client, demo.county1))

    assert not public_shows()
    page = login("village_secretary")
    assert page.post(reverse("evaluations:exemplar", args=[exemplar.pk]), {"action": "submit"}).status_code == 302
    # The village may not approve its own item: in scope, no role -> 403.
    assert page.post(reverse("evaluations:exemplar", args=[exemplar.pk]), {"action": "approve"}).status_code == 403
    assert not public_shows()
    county = login("county_admin")
    assert county.post(reverse("evaluations:exemplar", args=[exemplar.pk]), {"action": "approve"}).status_code == 302
    exemplar.refresh_from_db()
    assert exemplar.status == ExemplarStatus.APPROVED
    assert not public_shows()  # approved is not published
    county = login("county_admin")
    county.post(reverse("evaluations:exemplar", args=[exemplar.pk]), {"action": "publish"})
    exemplar.refresh_from_db()
    assert exemplar.status == ExemplarStatus.PUBLISHED
    client.logout()
    body = _text(_public(client, demo.county1))
    assert title in body
    assert "13812345678" not in body and "138****5678" in body  # free text masked on the way out
    # Not on the other county's page.
    assert title not in _text(_public(client, demo.county2))
    county = login("county_admin")
    county.post(reverse("evaluations:exemplar", args=[exemplar.pk]), {"action": "withdraw"})
    assert not public_shows()
    # Every step is in the audit trail, with its author.
    authors = {h.history_user.username for h in exemplar.history.all() if h.history_user}
    assert authors == {"village_secretary", "county_admin"}


def test_the_public_page_shows_published_items_only(client, demo):
    published = Exemplar.objects.filter(county=demo.county1, status=ExemplarStatus.PUBLISHED)
    others = Exemplar.objects.filter(county=demo.county1).exclude(status=ExemplarStatus.PUBLISHED)
    assert published.exists() and others.exists()
    body = _text(_public(client, demo.county1))
    for exemplar in published:
        assert exemplar.title in body
    for exemplar in others:
        assert exemplar.title not in body, exemplar.get_status_display()
    assert client.get(reverse("evaluations:recognition-public", args=[demo.township_a.code])).status_code == 404
    assert client.get(reverse("evaluations:recognition-public", args=["999999000000"])).status_code == 404
    assert client.get(reverse("evaluations:recognition-public", args=["abc"])).status_code == 404


def test_returning_needs_a_comment_and_the_author_may_edit_again(demo, login):
    exemplar = Exemplar.objects.filter(county=demo.county1, status=ExemplarStatus.SUBMITTED).first()
    county = login("county_admin")
    url = reverse("evaluations:exemplar", args=[exemplar.pk])
    assert county.post(url, {"action": "return", "comment": ""}).status_code == 400
    assert county.post(url, {"action": "return", "comment": "请补充具体数据。"}).status_code == 302
    exemplar.refresh_from_db()
    assert exemplar.status == ExemplarStatus.RETURNED and exemplar.review_comment == "请补充具体数据。"
    organizer = login("town_organizer")
    edit = reverse("evaluations:exemplar-edit", args=[exemplar.pk])
    assert organizer.get(edit).status_code == 200
    response = organizer.post(edit, {"kind": exemplar.kind, "year": exemplar.year, "title": exemplar.title + "（修改稿）",
                                     "subject": exemplar.subject, "summary": exemplar.summary + "群众满意率95%。"})
    assert response.status_code == 302
    exemplar.refresh_from_db()
    assert exemplar.title.endswith("（修改稿）")
    # A published item can no longer be edited.
    published = Exemplar.objects.filter(county=demo.county1, status=ExemplarStatus.PUBLISHED).first()
    with pytest.raises(ValidationError):
        services.exemplar_update(user=demo.users["county_admin"], exemplar=published, title="x")


def test_the_submitter_is_told_when_the_county_returns_or_approves(demo, login):
    """Returning (page) and approving (API) an item tell whoever submitted it last, with the review comment and a
    link to the item; the county admin who reviewed is not told, and each review tells once."""
    from organizations.models import Notification

    village = login("village_secretary")
    organization = _dongshan(demo)
    village.post(reverse("evaluations:exemplar-add"), {
        "organization": organization.pk, "kind": "experience", "year": 2026, "title": "东山村：积分制管理激发党员活力",
        "subject": organization.name, "summary": "党员积分每月公示。"})
    exemplar = Exemplar.objects.get(title="东山村：积分制管理激发党员活力")
    url = reverse("evaluations:exemplar", args=[exemplar.pk])
    assert village.post(url, {"action": "submit"}).status_code == 302
    secretary, organizer, admin = (demo.users[name] for name in ("village_secretary", "town_organizer",
                                                                  "county_admin"))
    before = {user: Notification.objects.filter(user=user).count() for user in (secretary, organizer, admin)}
    assert login("county_admin").post(url, {"action": "return", "comment": "请补充积分细则和成效数据。"}).status_code == 302
    told = Notification.objects.filter(user=secretary).order_by("-pk").first()
    assert Notification.objects.filter(user=secretary).count() == before[secretary] + 1
    assert told.title == f"Returned by the county: {exemplar.title}" and "请补充积分细则和成效数据。" in told.body
    assert told.url == url and told.dedupe_key.startswith("exemplar-review-")
    inbox = login("village_secretary").get(reverse("organizations:notifications")).content.decode()
    assert exemplar.title in inbox and login("village_secretary").get(told.url).status_code == 200
    # The township revises and submits it again: the approval goes to the township organizer.
    organizer_client = login("town_organizer")
    organizer_client.post(reverse("evaluations:exemplar-edit", args=[exemplar.pk]), {
        "kind": exemplar.kind, "year": exemplar.year, "title": exemplar.title, "subject": exemplar.subject,
        "summary": "党员积分每月公示，年底评星挂钩。"})
    assert organizer_client.post(url, {"action": "submit"}).status_code == 302
    api = login("county_admin")
    assert api.post(reverse("exemplar-act", args=[exemplar.pk]), {"action": "approve", "comment": "经验可推广。"},
                    content_type="application/json").json()["status"] == "approved"
    approved = Notification.objects.filter(user=organizer).order_by("-pk").first()
    assert Notification.objects.filter(user=organizer).count() == before[organizer] + 1
    assert approved.title == f"Approved by the county: {exemplar.title}" and "经验可推广。" in approved.body and approved.url == url
    assert Notification.objects.filter(user=secretary).count() == before[secretary] + 1
    assert Notification.objects.filter(user=admin).count() == before[admin]
    # Publishing is the county's own step: nobody else is told again.
    api.post(reverse("exemplar-act", args=[exemplar.pk]), {"action": "publish"}, content_type="application/json")
    assert Notification.objects.filter(user=organizer).count() == before[organizer] + 1


def test_out_of_scope_items_are_404(demo, login):
    other_township = Exemplar.objects.filter(county=demo.county1).exclude(township=demo.township_a).first()
    organizer = login("town_organizer")
    for name in ("evaluations:exemplar", "evaluations:exemplar-edit"):
        url = reverse(name, args=[other_township.pk])
        assert organizer.get(url).status_code == 404
        assert organizer.post(url, {"action": "submit"}).status_code == 404
    other = login("other_county_admin")
    assert other.get(reverse("evaluations:exemplar", args=[other_township.pk])).status_code == 404
    assert other.get(reverse("exemplar-detail", args=[other_township.pk])).status_code == 404
    assert other.post(reverse("exemplar-act", args=[other_township.pk]), {"action": "publish"},
                      content_type="application/json").status_code == 404
    listed = {row["id"] for row in other.get(reverse("exemplar-list"), {"page_size": 500}).json()["results"]}
    assert other_township.pk not in listed
    # A leader reads but cannot write: no add page at all.
    leader = login("county_leader")
    assert leader.get(reverse("evaluations:exemplar", args=[other_township.pk])).status_code == 200
    assert leader.get(reverse("evaluations:exemplar-add")).status_code == 404


def test_exemplar_api_workflow(demo, login):
    api = login("town_organizer")
    organization = _dongshan(demo)
    created = api.post(reverse("exemplar-list"), {
        "organization": organization.pk, "kind": "person", "year": 2026, "title": "老党员坚持义务巡逻十年",
        "subject": "林秀英", "summary": "每天傍晚带队巡逻。"}, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "draft"
    foreign = Organization.objects.filter(county=demo.county2).first()
    refused = api.post(reverse("exemplar-list"), {"organization": foreign.pk, "kind": "person", "year": 2026,
                                                      "title": "x", "subject": "y", "summary": "z"},
                       content_type="application/json")
    assert refused.status_code == 400
    assert api.post(reverse("exemplar-act", args=[pk]), {"action": "submit"},
                    content_type="application/json").json()["status"] == "submitted"
    assert api.post(reverse("exemplar-act", args=[pk]), {"action": "approve"},
                    content_type="application/json").status_code == 403
    county = login("county_admin")
    assert county.post(reverse("exemplar-act", args=[pk]), {"action": "approve"},
                       content_type="application/json").json()["status"] == "approved"
    assert county.post(reverse("exemplar-act", args=[pk]), {"action": "approve"},
                       content_type="application/json").status_code == 400  # not submitted any more


def test_exemplar_export_has_the_list_rows(demo, login):
    county = login("county_admin")
    response = county.get(reverse("evaluations:exemplar-export"), {"status": "published"})
    assert response.status_code == 200
    rows = rows_from(b"".join(response.streaming_content))
    titles = {row[5] for row in rows[1:]}
    assert titles == set(Exemplar.objects.filter(county=demo.county1, status="published").values_list("title",
                                                                                                    flat=True))


def test_home_lists_items_awaiting_the_county(demo, login):
    county = login("county_admin")
    waiting = Exemplar.objects.filter(county=demo.county1, status=ExemplarStatus.SUBMITTED).count()
    assert waiting
    body = _text(county.get(reverse("home")))
    link = f'{reverse("evaluations:exemplar-list")}?status=submitted'
    assert link in body
    listing = county.get(link)
    assert len(listing.context["object_list"]) == waiting


# ------------------------------------------------------------------------------------- commendations


def _top_band(division_filter, year):
    """Independently: active, not exempt members with final year-end stars of ``year`` ≥ their cap − 1."""
    return set(MemberAssessment.objects.filter(**division_filter, year=year, kind=AssessmentKind.YEAR_END,
                                               status=AssessmentStatus.FINAL, final_stars__gte=F("star_cap") - 1,
                                               member__is_active=True, member__exempt=False)
               .values_list("member_id", flat=True))


def test_a_township_proposes_and_decides_its_list(client, demo, login):
    last = timezone.localdate().year - 1
    expected = _top_band({"township": demo.township_a}, last)
    assert expected
    page = login("town_organizer")
    response = page.post(reverse("evaluations:commendation-propose"), {
        "division": demo.township_a.pk, "year": last, "occasion": CommendationOccasion.YEAR_END})
    assert response.status_code == 302, response.content
    commendations = CommendationList.objects.get(division=demo.township_a, year=last,
                                                 occasion=CommendationOccasion.YEAR_END)
    assert set(commendations.entries.values_list("member_id", flat=True)) == expected
    detail = reverse("evaluations:commendation", args=[commendations.pk])
    left = commendations.entries.order_by("pk").first()
    # Leaving a member off needs the reason.
    assert page.post(detail, {"step": "entry", "entry-entry": left.pk, "entry-included": "0",
                              "entry-remark": ""}).status_code == 400
    assert page.post(detail, {"step": "entry", "entry-entry": left.pk, "entry-included": "0",
                              "entry-remark": "年内受到党内警告处分"}).status_code == 302
    # A date in the future is refused; then decided.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert page.post(detail, {"step": "decide", "decide-decided_on": tomorrow.isoformat(),
                              "decide-decision_number": "林委〔2026〕40号"}).status_code == 400
    assert page.post(detail, {"step": "decide", "decide-decided_on": timezone.localdate().isoformat(),
                              "decide-decision_number": "林委〔2026〕40号"}).status_code == 302
    commendations.refresh_from_db()
    assert commendations.status == CommendationListStatus.DECIDED
    # Frozen from then on.
    with pytest.raises(ValidationError):
        services.commendation_set_included(user=demo.users["town_organizer"], entry=left, included=True)
    with pytest.raises(ValidationError):
        services.commendation_list_propose(user=demo.users["town_organizer"], division=demo.township_a, year=last,
                                           occasion=CommendationOccasion.YEAR_END)
    # The public page names the commended members, not the one left off.
    client.logout()
    body = _text(_public(client, demo.county1))
    assert "林委〔2026〕40号" in body
    section = body[body.index("林委〔2026〕40号"):]
    section = section[:section.index("</article>")]
    kept = PartyMember.objects.filter(pk__in=expected - {left.member_id})
    for member in kept:
        assert f"{member.name}（" in section
    if not kept.filter(name=left.member.name).exists():
        assert f"{left.member.name}（" not in section


def test_commendation_scope_and_roles(demo, login):
    last = timezone.localdate().year - 1
    organizer = demo.users["town_organizer"]
    # A township may not propose the county's list, nor another township's.
    with pytest.raises(PermissionDenied):
        services.commendation_list_propose(user=organizer, division=demo.county1, year=last,
                                           occasion=CommendationOccasion.YEAR_END)
    with pytest.raises(PermissionDenied):
        services.commendation_list_propose(user=organizer, division=demo.township_b, year=last,
                                           occasion=CommendationOccasion.YEAR_END)
    page = login("town_organizer")
    assert page.post(reverse("evaluations:commendation-propose"), {
        "division": demo.county1.pk, "year": last, "occasion": "year_end"}).status_code == 400
    county_list = CommendationList.objects.filter(division=demo.county1).first()
    assert page.get(reverse("evaluations:commendation", args=[county_list.pk])).status_code == 404
    other = login("other_county_admin")
    assert other.get(reverse("evaluations:commendation", args=[county_list.pk])).status_code == 404
    assert other.get(reverse("evaluations:commendation-export", args=[county_list.pk])).status_code == 404
    assert other.get(reverse("commendation-list-detail", args=[county_list.pk])).status_code == 404
    village = login("village_secretary")
    assert village.get(reverse("evaluations:commendation-propose")).status_code == 404


def test_commendation_api_and_export(demo, login):
    api = login("county_admin")
    year = timezone.localdate().year
    created = api.post(reverse("commendation-list-list"), {
        "division": demo.township_b.pk, "year": year, "occasion": "year_end", "ratings_year": year - 1},
        content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    expected = _top_band({"township": demo.township_b}, year - 1)
    rows = api.get(reverse("commended-member-list"), {"commendation_list": pk, "page_size": 500}).json()["results"]
    assert {row["member"] for row in rows} == expected
    entry = rows[0]["id"]
    assert api.patch(reverse("commended-member-detail", args=[entry]), {"included": False, "remark": "调离本村"},
                     content_type="application/json").status_code == 200
    decided = api.post(reverse("commendation-list-decide", args=[pk]),
                       {"decided_on": timezone.localdate().isoformat(), "decision_number": "状委〔2026〕50号"},
                       content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    response = api.get(reverse("evaluations:commendation-export", args=[pk]))
    table = rows_from(b"".join(response.streaming_content))
    names = {row[3] for row in table[1:]}
    assert names == set(PartyMember.objects.filter(pk__in=expected).values_list("name", flat=True))
    assert sum(1 for row in table[1:] if row[8] == "No") == 1
    api_export = api.get(reverse("commendation-list-export", args=[pk]))
    assert api_export.status_code == 200


# -------------------------------------------------------------------------------------------- plaques


def test_plaques_hang_once_and_are_removed_with_a_reason(demo, login):
    organization = _dongshan(demo)
    page = login("village_secretary")
    url = reverse("evaluations:organization-plaques", args=[organization.pk])
    assert page.get(url).status_code == 200
    member = PartyMember.objects.filter(organization=organization, is_active=True).exclude(
        pk__in=MemberPlaque.objects.filter(removed_on__isnull=True).values("member_id")).first()
    if member is None:  # every household has its plaque in the demo: take one down first
        plaque = MemberPlaque.objects.filter(organization=organization, removed_on__isnull=True).first()
        services.plaque_remove(user=demo.users["village_secretary"], plaque=plaque, removed_on=plaque.hung_on,
                               reason="全家迁居外地")
        member = plaque.member
    today = timezone.localdate()
    assert page.post(url, {"member": member.pk, "hung_on": today.isoformat()}).status_code == 302
    plaque = MemberPlaque.objects.get(member=member, removed_on__isnull=True)
    assert re.fullmatch(r"\d{6}-\d{3}", plaque.number)
    with pytest.raises(ValidationError):
        services.plaque_hang(user=demo.users["village_secretary"], member=member, hung_on=today)
    remove = reverse("evaluations:plaque-remove", args=[plaque.pk])
    assert page.post(remove, {"removed_on": today.isoformat(), "reason": ""}).status_code == 400
    assert page.post(remove, {"removed_on": today.isoformat(), "reason": "党员去世"}).status_code == 302
    plaque.refresh_from_db()
    assert plaque.removed_on == today and plaque.removed_reason == "党员去世"
    # Another township's plaque is out of the village's scope.
    foreign = MemberPlaque.objects.exclude(township=demo.township_a).first()
    assert page.get(reverse("evaluations:plaque-remove", args=[foreign.pk])).status_code == 404
    assert page.get(reverse("member-plaque-detail", args=[foreign.pk])).status_code == 404
    # A leader sees the list but may not hang one.
    leader = login("county_leader")
    assert leader.post(url, {"member": member.pk, "hung_on": today.isoformat()}).status_code == 403


def test_plaque_export_and_api(demo, login):
    page = login("town_organizer")
    response = page.get(reverse("evaluations:plaque-export"), {"hung": "true"})
    rows = rows_from(b"".join(response.streaming_content))
    expected = set(MemberPlaque.objects.filter(township=demo.township_a, removed_on__isnull=True)
                   .values_list("number", flat=True))
    assert expected and {row[3] for row in rows[1:]} == expected
    listed = page.get(reverse("member-plaque-list"), {"page_size": 500}).json()
    ids = {row["id"] for row in listed["results"]}
    assert ids == set(MemberPlaque.objects.filter(township=demo.township_a).values_list("pk", flat=True))
    plaque = MemberPlaque.objects.filter(township=demo.township_a, removed_on__isnull=True).first()
    removed = page.post(reverse("member-plaque-remove", args=[plaque.pk]),
                        {"removed_on": timezone.localdate().isoformat(), "reason": "组织关系转出"},
                        content_type="application/json")
    assert removed.status_code == 200 and removed.json()["removed_reason"] == "组织关系转出"


# ----------------------------------------------------------------------------------------------- demo


def test_the_demo_county_shows_recognition(demo):
    statuses = set(Exemplar.objects.filter(county=demo.county1).values_list("status", flat=True))
    assert statuses == set(ExemplarStatus.values)
    decided = CommendationList.objects.filter(division__county=demo.county1, status="decided")
    assert decided.filter(occasion=CommendationOccasion.JULY_FIRST).exists()
    for item in decided:
        assert item.decision_number and item.entries.filter(included=True).exists()
        # Every commended member is at the top of their scale in the ratings the list names.
        for entry in item.entries.select_related("assessment"):
            assert entry.assessment.year == item.ratings_year and entry.stars >= entry.star_cap - 1
    assert Commendation.objects.filter(included=False).exclude(remark="").exists()
    members = PartyMember.objects.filter(county=demo.county1, is_active=True).count()
    assert MemberPlaque.objects.filter(county=demo.county1).count() == members
    assert MemberPlaque.objects.filter(county=demo.county1, removed_on__isnull=False).exclude(
        removed_reason="").exists()
