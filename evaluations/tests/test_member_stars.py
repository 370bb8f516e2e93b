"""Party member star management (seed 004): caps, commitments, quotas at finalisation, pages, API, export, demo."""

import datetime as dt
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluations.models import (
    AssessmentKind,
    AssessmentStatus,
    MemberAssessment,
    MemberCategory,
    OrganizationRating,
    PartyMember,
)
from evaluations.rules.star_rating import quota_allowed
from evaluations.services import members as services
from organizations import services as org_services
from organizations.models import Organization
from organizations.policies import effective_policy
from tests.workbooks import rows_from

pytestmark = pytest.mark.django_db
D = dt.date
YEAR = 2026
NOTICE = D(2026, 12, 1)
AFTER = D(2026, 12, 31)


def _branch(demo, township=None):
    """A village organization without Party members in the demo."""
    township = township or demo.township_a
    return Organization.objects.filter(township=township, village__isnull=False).exclude(
        pk__in=PartyMember.objects.values("organization_id")).order_by("division__code").first()


def _members(user, organization, count, category=MemberCategory.IN_VILLAGE, prefix="党员", exempt=False):
    return [services.member_create(user=user, organization=organization, name=f"{prefix}{i:02d}", category=category,
                                   exempt=exempt) for i in range(count)]


def _rate(user, members, stars):
    for member, value in zip(members, stars, strict=True):
        services.assessment_record(user=user, member=member, year=YEAR, self_stars=value, peer_stars=value,
                                   public_stars=value, preliminary_stars=value)


def test_quota_rounding_is_floor():
    assert quota_allowed("30.00", 10) == 3
    assert quota_allowed("30.00", 7) == 2  # 3 of 7 would be 42.9%
    assert quota_allowed("30.00", 3) == 0
    assert quota_allowed("33.34", 3) == 1


def test_commitment_goals_within_the_cap(demo):
    organizer = demo.users["town_organizer"]
    organization = _branch(demo)
    cadre, = _members(organizer, organization, 1, MemberCategory.CADRE)
    mobile, = _members(organizer, organization, 1, MemberCategory.MOBILE, prefix="流动")
    goals = {"political": 2, "discipline": 2, "civilization": 2, "joint_service": 2, "post_duty": 2}
    commitment = services.commitment_save(user=organizer, member=cadre, year=YEAR, goals=goals)
    assert commitment.goal_stars == 10
    with pytest.raises(ValidationError) as exc:  # mobile members are capped at 6 by default
        services.commitment_save(user=organizer, member=mobile, year=YEAR, goals=goals)
    assert "6" in exc.value.messages[0]
    commitment = services.commitment_save(user=organizer, member=mobile, year=YEAR,
                                          goals={"political": 2, "discipline": 2, "post_duty": 2})
    assert commitment.goal_stars == 6 and not commitment.published
    assert services.commitments_publish(user=organizer, organization=organization, year=YEAR) == 2
    with pytest.raises(ValidationError):
        services.commitment_save(user=organizer, member=cadre, year=YEAR, goals={"wealth": 1})


def test_stars_never_exceed_the_frozen_cap(demo):
    organizer = demo.users["town_organizer"]
    organization = _branch(demo)
    mobile, = _members(organizer, organization, 1, MemberCategory.MOBILE)
    with pytest.raises(ValidationError):
        services.assessment_record(user=organizer, member=mobile, year=YEAR, preliminary_stars=7)
    assessment = services.assessment_record(user=organizer, member=mobile, year=YEAR, preliminary_stars=6)
    assert assessment.star_cap == 6
    # A later policy change does not move the cap frozen on the assessment.
    org_services.policy_set(user=demo.users["county_admin"], division=demo.township_a,
                            key="member_star_cap_limited", value=8)
    assessment = services.assessment_record(user=organizer, member=mobile, year=YEAR, self_stars=6)
    assert assessment.star_cap == 6
    with pytest.raises(ValidationError):
        services.assessment_record(user=organizer, member=mobile, year=YEAR, self_stars=7)


def test_exempt_members_are_not_rated(demo):
    organizer = demo.users["town_organizer"]
    organization = _branch(demo)
    old, = _members(organizer, organization, 1, MemberCategory.INCAPACITATED, prefix="老", exempt=True)
    with pytest.raises(ValidationError):
        services.assessment_record(user=organizer, member=old, year=YEAR, preliminary_stars=3)


def _noticed(demo, organization, stars, category=MemberCategory.IN_VILLAGE, exempt=0, start=NOTICE):
    organizer = demo.users["town_organizer"]
    members = _members(organizer, organization, len(stars), category)
    _members(organizer, organization, exempt, MemberCategory.INCAPACITATED, prefix="免评", exempt=True)
    _rate(organizer, members, stars)
    services.member_ratings_publish_notice(user=organizer, organization=organization, year=YEAR, start=start)
    return members


def test_ten_cap_quota_violation_names_the_excess_and_finalises_nothing(demo):
    organization = _branch(demo)
    members = _noticed(demo, organization, [9, 10, 9, 9, 8, 7, 6, 5, 4, 3])
    with pytest.raises(ValidationError) as exc:
        services.member_ratings_finalize(user=demo.users["town_organizer"], organization=organization, year=YEAR,
                                         today=AFTER)
    message = exc.value.messages[0]
    assert "4 members" in message and "at most 3 of 10" in message
    assert all(m.name in message for m in members[:4])
    assert not MemberAssessment.objects.filter(organization=organization, status=AssessmentStatus.FINAL).exists()
    # The township lowers one member: within the quota, everything is final with the policy used.
    count = services.member_ratings_finalize(user=demo.users["town_organizer"], organization=organization,
                                             year=YEAR, today=AFTER, final={members[0].pk: 8})
    assert count == 10
    finals = MemberAssessment.objects.filter(organization=organization, year=YEAR, kind=AssessmentKind.YEAR_END)
    assert {a.status for a in finals} == {AssessmentStatus.FINAL}
    assert finals.get(member=members[0]).final_stars == 8
    assert finals.first().policy["member_high_star_quota"] == "30.00"


def test_six_cap_quota(demo):
    organization = _branch(demo)
    members = _noticed(demo, organization, [6, 5, 5, 4, 3, 3, 2], category=MemberCategory.MOBILE)
    with pytest.raises(ValidationError) as exc:
        services.member_ratings_finalize(user=demo.users["town_organizer"], organization=organization, year=YEAR,
                                         today=AFTER)
    message = exc.value.messages[0]
    assert "5 stars or more: 3 members" in message and "at most 2 of 7" in message
    assert all(m.name in message for m in members[:3])
    assert not MemberAssessment.objects.filter(organization=organization, status=AssessmentStatus.FINAL).exists()


def test_exempt_members_are_not_counted_in_the_quota(demo):
    organization = _branch(demo)
    _noticed(demo, organization, [9, 9, 9, 8, 7, 6, 5, 5, 4, 3], exempt=3)
    assert services.member_ratings_finalize(user=demo.users["town_organizer"], organization=organization,
                                            year=YEAR, today=AFTER) == 10


def test_township_quota_override(demo):
    org_services.policy_set(user=demo.users["county_admin"], division=demo.township_a,
                            key="member_high_star_quota", value="40")
    organization = _branch(demo)
    _noticed(demo, organization, [9, 10, 9, 9, 8, 7, 6, 5, 4, 3])
    assert services.member_ratings_finalize(user=demo.users["town_organizer"], organization=organization,
                                            year=YEAR, today=AFTER) == 10
    assert MemberAssessment.objects.filter(organization=organization).first().policy["member_high_star_quota"] \
        == "40.00"


def test_finalisation_waits_for_the_notice(demo):
    organization = _branch(demo)
    _noticed(demo, organization, [8, 7, 6])
    days = effective_policy(organization.division)["public_notice_days"]
    last_day = NOTICE + dt.timedelta(days=days - 1)
    with pytest.raises(ValidationError):
        services.member_ratings_finalize(user=demo.users["town_organizer"], organization=organization, year=YEAR,
                                         today=last_day)
    assert services.member_ratings_finalize(user=demo.users["town_organizer"], organization=organization,
                                            year=YEAR, today=last_day + dt.timedelta(days=1)) == 3


def test_notice_needs_every_preliminary_rating(demo):
    organizer = demo.users["town_organizer"]
    organization = _branch(demo)
    members = _members(organizer, organization, 3)
    _rate(organizer, members[:2], [5, 6])
    with pytest.raises(ValidationError) as exc:
        services.member_ratings_publish_notice(user=organizer, organization=organization, year=YEAR, start=NOTICE)
    assert members[2].name in exc.value.messages[0]


def test_roles_for_members(demo):
    organization = demo.org_in(demo.village_a)
    secretary = demo.users["village_secretary"]
    member = PartyMember.objects.filter(organization=organization, exempt=False).first()
    services.assessment_record(user=secretary, member=member, year=YEAR + 1, self_stars=5)
    with pytest.raises(PermissionDenied):
        services.member_ratings_finalize(user=secretary, organization=organization, year=YEAR - 1, today=AFTER)
    with pytest.raises(PermissionDenied):
        services.assessment_record(user=demo.users["other_county_admin"], member=member, year=YEAR + 1,
                                   self_stars=5)
    other = _branch(demo, demo.township_b)
    with pytest.raises(PermissionDenied):
        services.member_create(user=secretary, organization=other, name="越权", category=MemberCategory.CADRE)


# ------------------------------------------------------------------------------------------- pages


def test_sheet_page_by_role(demo, login):
    organization = demo.org_in(demo.village_a)
    url = reverse("evaluations:assessment-sheet", args=[organization.pk])
    client = login("village_secretary")
    response = client.get(url, {"year": YEAR - 1})
    assert response.status_code == 200
    assert 'value="finalize"' not in response.content.decode()
    assert client.post(url, {"year": YEAR - 1, "action": "finalize"}).status_code == 403
    member = PartyMember.objects.filter(organization=organization, exempt=False, is_active=True).first()
    response = client.post(url, {"year": YEAR, "kind": "year_end", "action": "save",
                                 f"m{member.pk}-self_stars": "7"})
    assert response.status_code == 302
    assert MemberAssessment.objects.get(member=member, year=YEAR, kind="year_end").self_stars == 7
    assert client.get(reverse("evaluations:member", args=[member.pk])).status_code == 200
    assert login("other_county_admin").get(url).status_code == 404


def test_organizer_finalises_on_the_page_with_the_quota_message(demo, login):
    organization = _branch(demo)
    from django.utils import timezone

    members = _noticed(demo, organization, [9, 10, 9, 9, 8, 7, 6, 5, 4, 3],
                       start=timezone.localdate() - dt.timedelta(days=10))
    client = login("town_organizer")
    url = reverse("evaluations:assessment-sheet", args=[organization.pk])
    response = client.get(url, {"year": YEAR})
    assert response.status_code == 200 and 'value="finalize"' in response.content.decode()
    response = client.post(url, {"year": YEAR, "kind": "year_end", "action": "finalize"})
    assert response.status_code == 400 and members[0].name in response.content.decode()
    errors = response.content.decode().split('role="alert"')[1].split("</div>")[0]
    assert "at most 3 of 10" in errors, errors
    assert not MemberAssessment.objects.filter(organization=organization, status=AssessmentStatus.FINAL).exists()
    final = {f"m{m.pk}-final_stars": "8" if m == members[0] else "" for m in members}
    response = client.post(url, {"year": YEAR, "kind": "year_end", "action": "finalize", **final})
    assert response.status_code == 302
    assert MemberAssessment.objects.filter(organization=organization, status=AssessmentStatus.FINAL).count() == 10


def test_member_pages(demo, login):
    client = login("village_secretary")
    organization = demo.org_in(demo.village_a)
    response = client.get(reverse("evaluations:organization-members", args=[organization.pk]))
    assert response.status_code == 200
    top = MemberAssessment.objects.filter(organization=organization, kind="year_end", status="final",
                                          final_stars__gte=9).count()
    assert response.content.decode().count("badge ok") >= top > 0
    response = client.post(reverse("evaluations:member-add", args=[organization.pk]),
                           {"name": "新党员", "category": "in_village", "sex": "female", "is_active": "on"})
    member = PartyMember.objects.get(organization=organization, name="新党员")
    assert response.status_code == 302
    response = client.post(reverse("evaluations:member", args=[member.pk]),
                           {"action": "add_household", "head_name": "陈大山", "address": "一组"})
    assert response.status_code == 302 and member.households.count() == 1
    response = client.post(reverse("evaluations:commitment-edit", args=[member.pk]),
                           {"year": YEAR, "goal_political": 3, "goal_discipline": 3, "goal_civilization": 3,
                            "goal_joint_service": 2, "goal_post_duty": 0})
    assert response.status_code == 400  # 11 > 10
    for name in ("commitment-board", "bulletins"):
        assert client.get(reverse(f"evaluations:{name}", args=[organization.pk])).status_code == 200
    assert login("city_reviewer").post(reverse("evaluations:bulletins", args=[organization.pk]),
                                       {"year": YEAR, "quarter": 4, "held_on": "2026-11-20",
                                        "summary": "x"}).status_code == 403


def test_member_sheet_export(demo, login):
    organization = demo.org_in(demo.village_a)
    client = login("village_secretary")
    response = client.get(reverse("evaluations:assessment-sheet-export", args=[organization.pk]),
                          {"year": YEAR - 1})
    assert response.status_code == 200
    rows = rows_from(b"".join(response.streaming_content))
    header = rows[0]
    assert len(header) == 7 + 5 + 9
    finals = {a.member.name: a.final_stars for a in MemberAssessment.objects.filter(
        organization=organization, year=YEAR - 1, kind="year_end").select_related("member")}
    members = PartyMember.objects.filter(organization=organization, is_active=True).count()
    assert len(rows) - 1 == members
    final_col = len(header) - 3
    for row in rows[1:]:
        assert row[1] == organization.name
        if row[2] in finals:
            assert row[final_col] == finals[row[2]]


# --------------------------------------------------------------------------------------------- API


def test_member_api_scope_and_finalize(demo, login):
    client = login("village_secretary")
    payload = client.get("/api/v1/evaluations/party-members/", {"page_size": 500}).json()
    organization = demo.org_in(demo.village_a)
    assert payload["count"] == PartyMember.objects.filter(organization=organization).count() > 0
    response = client.get(f"/api/v1/evaluations/member-sheets/{organization.pk}/finalize/", {"year": YEAR - 1})
    assert response.status_code == 200 and all(line["ok"] for line in response.json())
    response = client.post(f"/api/v1/evaluations/member-sheets/{organization.pk}/finalize/", {"year": YEAR - 1},
                           content_type="application/json")
    assert response.status_code == 403
    other = login("other_county_admin")
    assert other.post(f"/api/v1/evaluations/member-sheets/{organization.pk}/finalize/", {"year": YEAR - 1},
                      content_type="application/json").status_code == 404
    client = login("village_secretary")
    member = PartyMember.objects.filter(organization=organization, exempt=False).first()
    response = client.post("/api/v1/evaluations/member-assessments/",
                           {"member": member.pk, "year": YEAR + 1, "self_stars": 11},
                           content_type="application/json")
    assert response.status_code == 400


def test_member_sheet_api_export_is_checked_and_logged(demo, login, monkeypatch):
    from organizations.models import SecurityEvent, User

    organization = demo.org_in(demo.village_a)
    url = f"/api/v1/evaluations/member-sheets/{organization.pk}/export/"
    client = login("village_secretary")
    before = set(SecurityEvent.objects.values_list("pk", flat=True))
    response = client.get(url, {"year": YEAR - 1})
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"]
    assert response["Cache-Control"] == "no-store"
    rows = rows_from(b"".join(response.streaming_content))
    assert len(rows) - 1 == PartyMember.objects.filter(organization=organization, is_active=True).count()
    new = list(SecurityEvent.objects.exclude(pk__in=before))
    assert [(e.kind, e.user_id) for e in new] == [("export", demo.users["village_secretary"].pk)]
    assert new[0].detail["what"] == "member star sheet" and new[0].detail["object"] == organization.pk
    assert new[0].detail["filters"] == {"year": YEAR - 1, "kind": "year_end"}
    # A role without export/run: refused before anything is written or logged.
    monkeypatch.setattr("evaluations.api.stars.can", lambda user, resource, action, obj=None: False)
    exports = SecurityEvent.objects.filter(kind="export")
    count = exports.count()
    assert client.get(url).status_code == 403
    assert exports.count() == count
    monkeypatch.undo()
    # Outside the scope, or without any role: 404, nothing logged.
    assert login("other_county_admin").get(url).status_code == 404
    nobody, _created = User.objects.get_or_create(username="no_role_at_all")
    client.force_login(nobody)
    assert client.get(url).status_code == 404
    assert exports.count() == count


# -------------------------------------------------------------------------------------------- demo


def test_demo_star_data(demo):
    from django.db.models import Count

    last = OrganizationRating.objects.filter(county=demo.county1, year=YEAR - 1, step="approved")
    villages = Organization.objects.filter(county=demo.county1, village__isnull=False).count()
    assert last.count() == villages
    shares = dict(last.values_list("stars").annotate(n=Count("id")))
    assert shares[3] > shares[4] > shares[2] > shares[1] and shares[5] > 0
    assert PartyMember.objects.filter(organization=demo.org_in(demo.village_a)).count() >= 20
    for organization in Organization.objects.filter(pk__in=PartyMember.objects.values("organization_id")):
        assert all(line.ok for line in services.quota_check(organization, YEAR - 1))


def test_demo_is_idempotent_and_fast(demo):
    from evaluations.demo import stars as demo_stars
    from evaluations.models import ContactHousehold, MemberBulletin, MemberCommitment

    models = [OrganizationRating, PartyMember, ContactHousehold, MemberCommitment, MemberBulletin, MemberAssessment]
    before = [m.objects.count() for m in models]
    demo_stars.seed(demo.county1, accounts=demo.users)
    assert [m.objects.count() for m in models] == before
    # From scratch (inside the test transaction): under 8 seconds.
    MemberAssessment.objects.all().delete()
    from evaluations.models import Commendation, MemberPlaque

    Commendation.objects.all().delete()  # the recognition records that keep a member (PROTECT)
    MemberPlaque.objects.all().delete()
    PartyMember.objects.all().delete()
    OrganizationRating.objects.filter(designation__isnull=True).delete()
    started = time.monotonic()
    demo_stars.seed(demo.county1, accounts=demo.users)
    assert time.monotonic() - started < 8
    assert [m.objects.count() for m in models] == before
