"""The reserve pool: services, pages and API by role, candidates from member star ratings, status and reviews."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cadres.models import ReserveCadre, ReserveReview, ReserveStatus, ReserveType, Track
from cadres.selectors.reserve import star_candidates
from cadres.services.reserve import reserve_add, reserve_review_save, reserve_set_status
from cadres.tests.test_shortfall import new_id, villages_of
from organizations.models import Organization


def own_village(demo) -> Organization:
    return Organization.objects.get(division=demo.village_a, category="village")


def form_data(organization, **extra) -> dict:
    data = {"organization": organization.pk, "name": "郑思琪", "sex": "female", "ethnicity": "汉族",
            "id_number": new_id(dt.date(1996, 5, 20)), "phone": "13912345678", "education": "bachelor",
            "political_status": "member", "reserve_type": "student_official", "track": "secretary",
            "current_post": "村委会委员", "mentor": "林建国", "joined_on": "2026-03-01", "measures": "跟班学习"}
    data.update(extra)
    return data


def test_village_secretary_manages_own_village_pool(login, demo):
    client = login("village_secretary")
    village = own_village(demo)
    response = client.post(reverse("cadres:reserve-add"), form_data(village))
    assert response.status_code == 302, response.content.decode()[:2000]
    reserve = ReserveCadre.objects.get(organization=village, name="郑思琪")
    assert reserve.birth_date == dt.date(1996, 5, 20) and reserve.township_id == demo.township_a.pk
    assert reserve.history.first().history_user == demo.users["village_secretary"]
    # Another village of the same township is not a choice.
    neighbour = next(v for v in villages_of(demo.township_a) if v.pk != village.pk)
    response = client.post(reverse("cadres:reserve-add"), form_data(neighbour, name="越权"))
    assert response.status_code == 400 and response.context["form"].errors.get("organization")
    assert not ReserveCadre.objects.filter(name="越权").exists()
    # Edit keeps the stored ID number when the field is left empty, and never echoes it.
    response = client.get(reverse("cadres:reserve-edit", args=[reserve.pk]))
    assert reserve.id_number not in response.content.decode()
    response = client.post(reverse("cadres:reserve-edit", args=[reserve.pk]),
                           form_data(village, id_number="", phone="", mentor="王五"))
    assert response.status_code == 302
    reserve.refresh_from_db()
    assert reserve.mentor == "王五" and reserve.id_number and reserve.phone == "13912345678"


def test_bad_id_number_is_a_form_error(login, demo):
    client = login("town_organizer")
    response = client.post(reverse("cadres:reserve-add"), form_data(own_village(demo), id_number="350322199605201230"))
    assert response.status_code == 400
    assert response.context["form"].errors.get("id_number")


def test_duplicate_person_in_a_village_pool_is_refused(demo):
    user = demo.users["county_admin"]
    village = own_village(demo)
    id_number = new_id()
    reserve_add(user=user, organization=village, name="甲", id_number=id_number, reserve_type="veteran",
                track="director")
    with pytest.raises(ValidationError) as exc:
        reserve_add(user=user, organization=village, name="甲", id_number=id_number, reserve_type="veteran",
                    track="director")
    assert "id_number" in exc.value.message_dict


def test_county_leader_reads_but_may_not_write(login, demo):
    reserve = ReserveCadre.objects.filter(county=demo.county1).first()
    client = login("county_leader")
    assert client.get(reverse("cadres:reserve-detail", args=[reserve.pk])).status_code == 200
    assert client.get(reverse("cadres:reserve-list")).status_code == 200
    assert client.get(reverse("cadres:reserve-add")).status_code == 404
    assert client.post(reverse("cadres:reserve-edit", args=[reserve.pk]), form_data(reserve.organization)).status_code == 403
    assert client.post(reverse("cadres:reserve-status", args=[reserve.pk]), {"status": "left"}).status_code == 403
    assert client.post(reverse("cadres:reserve-review", args=[reserve.pk]),
                       {"year": 2025, "result": "excellent"}).status_code == 403
    response = client.post("/api/v1/cadres/reserve-cadres/", form_data(reserve.organization),
                           content_type="application/json")
    assert response.status_code == 403
    response = client.patch(f"/api/v1/cadres/reserve-cadres/{reserve.pk}/", {"mentor": "x"},
                            content_type="application/json")
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        reserve_add(user=demo.users["county_leader"], organization=reserve.organization, name="乙",
                    reserve_type="other", track="director")


def test_other_county_gets_404(login, demo):
    reserve = ReserveCadre.objects.filter(county=demo.county1).first()
    client = login("other_county_admin")
    for name in ("cadres:reserve-detail", "cadres:reserve-edit", "cadres:reserve-status", "cadres:reserve-review",
                 "cadres:reserve-unmask"):
        assert client.get(reverse(name, args=[reserve.pk])).status_code == 404, name
        assert client.post(reverse(name, args=[reserve.pk])).status_code == 404, name
    assert client.get(reverse("cadres:reserve-village", args=[reserve.organization_id])).status_code == 404
    assert client.get(f"/api/v1/cadres/reserve-cadres/{reserve.pk}/").status_code == 404
    assert client.patch(f"/api/v1/cadres/reserve-cadres/{reserve.pk}/", {"mentor": "x"},
                        content_type="application/json").status_code == 404
    assert client.post(f"/api/v1/cadres/reserve-cadres/{reserve.pk}/status/", {"status": "left"},
                       content_type="application/json").status_code == 404
    response = client.get("/api/v1/cadres/reserve-cadres/")
    assert response.json()["count"] == 0
    # A foreign organization id on create is a 400.
    response = client.post("/api/v1/cadres/reserve-cadres/", form_data(reserve.organization),
                           content_type="application/json")
    assert response.status_code == 400 and "organization" in response.json()


def test_lists_mask_personal_numbers(login, demo):
    reserve = ReserveCadre.objects.filter(organization__division=demo.village_a).exclude(id_number="").first()
    client = login("county_admin")
    html = client.get(reverse("cadres:reserve-list"), {"organization": reserve.organization_id}).content.decode()
    assert reserve.id_number not in html and reserve.id_number[-4:] in html
    assert reserve.phone not in html
    html = client.get(reverse("cadres:reserve-detail", args=[reserve.pk])).content.decode()
    assert reserve.id_number not in html
    data = client.get(f"/api/v1/cadres/reserve-cadres/{reserve.pk}/").json()
    assert data["id_number"] != reserve.id_number and data["id_number"].endswith(reserve.id_number[-4:])
    assert "****" in data["phone"]


def test_unmask_is_logged_and_role_gated(login, demo):
    from organizations.models import SecurityEvent

    reserve = ReserveCadre.objects.filter(organization__division=demo.village_a).exclude(id_number="").first()
    assert login("village_secretary").post(reverse("cadres:reserve-unmask", args=[reserve.pk])).status_code == 403
    client = login("town_organizer")
    before = SecurityEvent.objects.filter(kind="personal_data_view").count()
    response = client.post(reverse("cadres:reserve-unmask", args=[reserve.pk]))
    assert response.status_code == 200 and reserve.id_number in response.content.decode()
    assert SecurityEvent.objects.filter(kind="personal_data_view").count() == before + 1
    response = client.post(f"/api/v1/cadres/reserve-cadres/{reserve.pk}/unmask/", {}, content_type="application/json")
    assert response.json()["id_number"] == reserve.id_number


def test_status_changes_and_reviews(login, demo):
    user = demo.users["town_organizer"]
    village = own_village(demo)
    reserve = reserve_add(user=user, organization=village, name="丙", id_number=new_id(), reserve_type="rich_leader",
                          track="director", joined_on=dt.date(2024, 3, 1))
    reserve_review_save(user=user, reserve=reserve, year=2025, result="excellent", comment="表现突出")
    reserve_review_save(user=user, reserve=reserve, year=2025, result="competent")  # corrected, not doubled
    assert list(ReserveReview.objects.filter(reserve=reserve).values_list("year", "result")) == [(2025, "competent")]
    with pytest.raises(ValidationError):
        reserve_review_save(user=user, reserve=reserve, year=2023, result="competent")  # before joining
    with pytest.raises(ValidationError):
        reserve_set_status(user=user, reserve=reserve, status="left", on=dt.date(2020, 1, 1))
    reserve = reserve_set_status(user=user, reserve=reserve, status=ReserveStatus.ENTERED_COMMITTEE,
                                 on=dt.date(2026, 6, 1), note="换届当选")
    assert reserve.status_changed_on == dt.date(2026, 6, 1)
    client = login("town_organizer")
    response = client.get(reverse("cadres:reserve-detail", args=[reserve.pk]))
    assert response.status_code == 200 and response.context["history"]
    response = client.post(reverse("cadres:reserve-status", args=[reserve.pk]), {"status": "in_pool"})
    assert response.status_code == 302
    reserve.refresh_from_db()
    assert reserve.status == ReserveStatus.IN_POOL and reserve.status_changed_on is None
    response = client.post(reverse("cadres:reserve-review", args=[reserve.pk]), {"year": 2024, "result": "competent"})
    assert response.status_code == 302
    response = client.post(f"/api/v1/cadres/reserve-cadres/{reserve.pk}/status/",
                           {"status": "left", "on": "2026-07-01"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "left"
    response = client.post("/api/v1/cadres/reserve-reviews/", {"reserve": reserve.pk, "year": 2026,
                                                               "result": "excellent"}, content_type="application/json")
    assert response.status_code == 201, response.content


def test_entering_the_committees_can_add_a_roster_post(demo):
    from cadres.models import Cadre

    user = demo.users["county_admin"]
    reserve = reserve_add(user=user, organization=own_village(demo), name="丁", id_number=new_id(dt.date(1990, 1, 1)),
                          reserve_type="returning_graduate", track="committee_member", joined_on=dt.date(2023, 1, 1))
    try:
        from cadres.services.roster import cadre_add  # noqa: F401
    except ImportError:
        pytest.skip("the roster service is not installed")
    reserve_set_status(user=user, reserve=reserve, status="entered_committee", on=dt.date(2026, 5, 1),
                       roster_post="committee_member")
    assert Cadre.objects.filter(organization=reserve.organization, id_number=reserve.id_number,
                                post="committee_member", post_ended_on__isnull=True).exists()


# ------------------------------------------------------------------------------------------ candidates


@pytest.fixture
def rated_members(demo):
    """Three members of the village: rated 9 (final), 8 (final) and 10 (not final yet)."""
    from evaluations.models.members import MemberAssessment, PartyMember

    village = own_village(demo)
    members = {}
    for name, stars, status in (("星九", 9, "final"), ("星八", 8, "final"), ("星十", 10, "preliminary")):
        member = PartyMember(name=name, sex="male", birth_date=dt.date(1990, 6, 1), category="in_village",
                             joined_party_on=dt.date(2015, 7, 1))
        member.organization = village
        member.county_id, member.township_id = village.county_id, village.township_id
        member.save()
        assessment = MemberAssessment(member=member, year=2025, kind="year_end", star_cap=10,
                                      final_stars=stars if status == "final" else None, preliminary_stars=stars,
                                      status=status)
        assessment.copy_scope_from(member)
        assessment.save()
        members[name] = member
    return members


def test_candidates_are_final_nine_stars_not_in_pool(demo, rated_members):
    user = demo.users["town_organizer"]
    names = [a.member.name for a in star_candidates(user, year=2025)]
    assert "星九" in names and "星八" not in names and "星十" not in names
    # Out of scope: another township's users do not see the member.
    assert "星九" not in [a.member.name for a in star_candidates(demo.users["other_county_admin"], year=2025)]
    member = rated_members["星九"]
    reserve_add(user=user, organization=member.organization, name=member.name, id_number=new_id(),
                reserve_type=ReserveType.RICH_LEADER, track=Track.COMMITTEE_MEMBER, source_member=member)
    assert "星九" not in [a.member.name for a in star_candidates(user, year=2025)]


def test_candidate_page_prefills_the_add_form(login, demo, rated_members):
    client = login("village_secretary")
    response = client.get(reverse("cadres:reserve-candidates"), {"year": 2025})
    assert response.status_code == 200
    member = rated_members["星九"]
    assert member.name in response.content.decode()
    response = client.get(reverse("cadres:reserve-add"), {"member": member.pk})
    form = response.context["form"]
    assert form.initial["name"] == "星九" and form.initial["organization"] == member.organization_id
    assert form.initial["source_member"] == member.pk and form.initial["sex"] == "male"
    response = client.post(reverse("cadres:reserve-add"), form_data(member.organization, name="星九",
                                                                    source_member=member.pk))
    assert response.status_code == 302
    assert ReserveCadre.objects.get(name="星九").source_member_id == member.pk
    response = client.get(reverse("cadres:reserve-candidates"), {"year": 2025})
    assert member.name not in [a.member.name for a in response.context["rows"]]


def test_list_filters(login, demo):
    client = login("county_admin")
    response = client.get(reverse("cadres:reserve-list"), {"township": demo.township_a.pk,
                                                           "reserve_type": "student_official", "status": "in_pool"})
    rows = list(response.context["page_obj"].paginator.object_list)
    assert rows and all(r.township_id == demo.township_a.pk and r.reserve_type == "student_official" for r in rows)
    response = login("town_organizer").get(reverse("cadres:reserve-list"), {"township": demo.township_b.pk})
    assert response.context["page_obj"].paginator.count == 0
    response = client.get("/api/v1/cadres/reserve-cadres/", {"track": "secretary", "township": demo.township_a.pk})
    assert response.status_code == 200
    assert all(r["track"] == "secretary" for r in response.json()["results"])
