"""Organization star rating (五星管理): grade → stars per policy, steps in order, the public notice, screening."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from evaluations.models import OrganizationRating, RatingStep
from evaluations.rules.star_rating import allowed_stars, notice_end
from evaluations.selectors.stars import rating_history, screening_candidates
from evaluations.services import org_stars as services
from organizations import services as org_services
from organizations.models import Organization
from organizations.policies import effective_policy
from tests.workbooks import rows_from

pytestmark = pytest.mark.django_db
D = dt.date


def _org(demo, division=None):
    """A village organization of 东山村's township without a rating this test year."""
    division = division or demo.township_a
    return Organization.objects.filter(township=division, village__isnull=False).exclude(
        division=demo.village_a).order_by("division__code").first()


def _walk_to_review(demo, organization, year=2027, username="town_organizer"):
    organizer = demo.users[username]
    rating = services.rating_start(user=organizer, organization=organization, year=year)
    rating = services.rating_self_assess(user=organizer, rating=rating, grade="good", score=92, summary="自查")
    return services.rating_appraise(user=organizer, rating=rating, grade="good", score=90, notes="测评")


def test_default_grade_to_stars_mapping(demo):
    policy = effective_policy(demo.village_a)
    assert allowed_stars(policy, "good") == [5, 4]
    assert allowed_stars(policy, "fairly_good") == [3]
    assert allowed_stars(policy, "average") == [2]
    assert allowed_stars(policy, "poor") == [1, 0]


def test_review_accepts_only_the_policy_stars_for_the_grade(demo):
    rating = _walk_to_review(demo, _org(demo))
    organizer = demo.users["town_organizer"]
    with pytest.raises(ValidationError) as exc:
        services.rating_review(user=organizer, rating=rating, grade="good", stars=3)
    assert "stars" in exc.value.message_dict
    with pytest.raises(ValidationError):  # two options: the reviewer must choose
        services.rating_review(user=organizer, rating=rating, grade="good", stars=None)
    rating = services.rating_review(user=organizer, rating=rating, grade="good", stars=4, opinion="同意")
    assert (rating.stars, rating.step) == (4, RatingStep.PUBLIC_NOTICE)
    assert rating.policy["organization_grade_stars"]["good"] == [5, 4]


def test_single_option_grade_takes_its_stars(demo):
    rating = _walk_to_review(demo, _org(demo))
    rating = services.rating_review(user=demo.users["town_organizer"], rating=rating, grade="fairly_good")
    assert rating.stars == 3


def test_township_policy_override_changes_the_mapping(demo):
    admin = demo.users["county_admin"]
    org_services.policy_set(user=admin, division=demo.township_a, key="organization_grade_stars",
                            value={"good": [5], "fairly_good": [4, 3], "average": [2], "poor": [1, 0]})
    rating = _walk_to_review(demo, _org(demo))
    with pytest.raises(ValidationError):
        services.rating_review(user=demo.users["town_organizer"], rating=rating, grade="good", stars=4)
    rating = services.rating_review(user=demo.users["town_organizer"], rating=rating, grade="fairly_good", stars=4)
    assert rating.stars == 4 and rating.policy["organization_grade_stars"]["fairly_good"] == [4, 3]
    # Another township keeps the default.
    other = _walk_to_review(demo, _org(demo, demo.township_b), username="county_admin")
    with pytest.raises(ValidationError):
        services.rating_review(user=demo.users["county_admin"], rating=other, grade="fairly_good", stars=4)


def test_steps_are_taken_in_order(demo):
    organizer = demo.users["town_organizer"]
    rating = services.rating_start(user=organizer, organization=_org(demo), year=2027)
    assert rating.step == RatingStep.SELF_ASSESSMENT
    with pytest.raises(ValidationError):
        services.rating_review(user=organizer, rating=rating, grade="good", stars=5)
    with pytest.raises(ValidationError):
        services.rating_appraise(user=organizer, rating=rating, grade="good")
    with pytest.raises(ValidationError):
        services.rating_approve(user=organizer, rating=rating, today=D(2027, 12, 31))
    rating = services.rating_self_assess(user=organizer, rating=rating, grade="average")
    with pytest.raises(ValidationError):  # the self-assessment is done
        services.rating_self_assess(user=organizer, rating=rating, grade="good")
    assert rating.step == RatingStep.PUBLIC_APPRAISAL


def test_start_is_idempotent(demo):
    organizer = demo.users["town_organizer"]
    organization = _org(demo)
    first = services.rating_start(user=organizer, organization=organization, year=2027)
    again = services.rating_start(user=demo.users["county_admin"], organization=organization, year=2027)
    assert first.pk == again.pk
    assert OrganizationRating.objects.filter(organization=organization, year=2027).count() == 1


def test_approval_only_after_the_notice(demo):
    organizer = demo.users["town_organizer"]
    rating = services.rating_review(user=organizer, rating=_walk_to_review(demo, _org(demo)), grade="good", stars=5)
    with pytest.raises(ValidationError):  # no notice yet
        services.rating_approve(user=organizer, rating=rating, today=D(2027, 12, 31))
    rating = services.rating_publish_notice(user=organizer, rating=rating, start=D(2027, 12, 1))
    days = effective_policy(rating.organization.division)["public_notice_days"]
    assert rating.notice_end == notice_end(D(2027, 12, 1), days) == D(2027, 12, 1) + dt.timedelta(days=days - 1)
    with pytest.raises(ValidationError) as exc:
        services.rating_approve(user=organizer, rating=rating, today=rating.notice_end)
    assert "public notice" in exc.value.messages[0]
    rating = services.rating_approve(user=organizer, rating=rating, today=rating.notice_end + dt.timedelta(days=1))
    assert rating.step == RatingStep.APPROVED and rating.approved_by == organizer
    assert rating.policy["public_notice_days"] == days


def test_stale_version_is_a_conflict(demo):
    from organizations.services.common import ConflictError

    organizer = demo.users["town_organizer"]
    rating = services.rating_start(user=organizer, organization=_org(demo), year=2027)
    loaded = rating.version
    services.rating_self_assess(user=organizer, rating=rating, grade="good", expected_version=loaded)
    rating.refresh_from_db()
    with pytest.raises(ConflictError):
        services.rating_appraise(user=organizer, rating=rating, grade="good", expected_version=loaded)


def test_roles(demo):
    organization = demo.org_in(demo.village_a)
    secretary = demo.users["village_secretary"]
    with pytest.raises(PermissionDenied):  # a village does not start its own rating
        services.rating_start(user=secretary, organization=organization, year=2027)
    rating = services.rating_start(user=demo.users["town_organizer"], organization=organization, year=2027)
    rating = services.rating_self_assess(user=secretary, rating=rating, grade="good")
    with pytest.raises(PermissionDenied):  # nor appraises itself
        services.rating_appraise(user=secretary, rating=rating, grade="good")
    with pytest.raises(PermissionDenied):
        services.rating_appraise(user=demo.users["other_county_admin"], rating=rating, grade="good")


def test_screening_candidates_follow_the_policy(demo):
    admin = demo.users["county_admin"]
    rows = screening_candidates(admin)
    latest = {}
    for r in OrganizationRating.objects.filter(county=demo.county1, step=RatingStep.APPROVED).order_by("year"):
        latest[r.organization_id] = r
    expected = {pk for pk, r in latest.items() if r.stars < 3}
    assert expected and {row.organization.pk for row in rows} == expected
    # A township that screens below 4 stars adds its 3-star organizations.
    org_services.policy_set(user=admin, division=demo.township_a, key="organization_star_screening_below", value=4)
    rows = screening_candidates(admin)
    in_a = {pk for pk, r in latest.items() if r.township_id == demo.township_a.pk and r.stars < 4}
    assert in_a <= {row.organization.pk for row in rows}
    assert all(row.below == 4 for row in rows if row.organization.township_id == demo.township_a.pk)
    # The township filter and the organizer's scope.
    rows = screening_candidates(demo.users["town_organizer"])
    assert rows and all(row.organization.township_id == demo.township_a.pk for row in rows)


def test_history_shows_the_change(demo):
    admin = demo.users["county_admin"]
    organization = _org(demo, demo.township_b)
    last = OrganizationRating.objects.filter(organization=organization, step=RatingStep.APPROVED).order_by(
        "-year").first()
    year = last.year + 1
    assert not OrganizationRating.objects.filter(organization=organization, year=year).exists()
    rating = services.rating_start(user=admin, organization=organization, year=year)
    rating = services.rating_self_assess(user=admin, rating=rating, grade="average")
    rating = services.rating_appraise(user=admin, rating=rating, grade="average")
    rating = services.rating_review(user=admin, rating=rating, grade="average")
    rating = services.rating_publish_notice(user=admin, rating=rating, start=D(year, 12, 1))
    services.rating_approve(user=admin, rating=rating, today=D(year, 12, 31))
    rows = rating_history(admin, organization)
    assert rows[0].rating.year == year and rows[0].change == 2 - last.stars


# ------------------------------------------------------------------------------------------- pages


def test_rating_pages_by_role(demo, login):
    rating = OrganizationRating.objects.filter(organization=demo.org_in(demo.village_a)).order_by("-year").first()
    client = login("village_secretary")
    assert client.get(reverse("evaluations:rating-list")).status_code == 200
    assert client.get(reverse("evaluations:rating", args=[rating.pk])).status_code == 200
    assert client.get(reverse("evaluations:organization-ratings", args=[rating.organization_id])).status_code == 200
    # The village cannot start ratings (visible: 403).
    response = client.post(reverse("evaluations:organization-ratings", args=[rating.organization_id]),
                            {"year": 2027})
    assert response.status_code == 403
    client = login("other_county_admin")
    assert client.get(reverse("evaluations:rating", args=[rating.pk])).status_code == 404
    assert client.post(reverse("evaluations:rating", args=[rating.pk]), {"action": "approve"}).status_code == 404


def test_rating_page_walks_the_steps(demo, login):
    client = login("town_organizer")
    organization = _org(demo)
    response = client.post(reverse("evaluations:organization-ratings", args=[organization.pk]), {"year": 2027})
    rating = OrganizationRating.objects.get(organization=organization, year=2027)
    assert response.status_code == 302
    url = reverse("evaluations:rating", args=[rating.pk])
    assert client.post(url, {"action": "self_assess", "self_assess-grade": "good", "self_assess-score": "91",
                             "self_assess-version": rating.version}).status_code == 302
    rating.refresh_from_db()
    assert client.post(url, {"action": "appraise", "appraise-grade": "good",
                             "appraise-version": rating.version}).status_code == 302
    rating.refresh_from_db()
    response = client.post(url, {"action": "review", "review-grade": "good", "review-stars": "3",
                                 "review-version": rating.version})
    assert response.status_code == 400 and "3 stars is not allowed" in response.content.decode()
    assert client.post(url, {"action": "review", "review-grade": "good", "review-stars": "5",
                             "review-version": rating.version}).status_code == 302
    rating.refresh_from_db()
    assert rating.stars == 5 and rating.step == RatingStep.PUBLIC_NOTICE


def test_a_step_someone_else_took_meanwhile_is_a_400_that_says_so(demo, login):
    organizer = demo.users["town_organizer"]
    rating = services.rating_start(user=organizer, organization=_org(demo), year=2027)
    services.rating_self_assess(user=organizer, rating=rating, grade="good")
    loaded = rating.version
    rating.refresh_from_db()
    services.rating_appraise(user=organizer, rating=rating, grade="fairly_good", expected_version=rating.version)
    client = login("town_organizer")
    url = reverse("evaluations:rating", args=[rating.pk])
    response = client.post(url, {"action": "appraise", "appraise-grade": "good", "appraise-version": loaded})
    assert response.status_code == 400 and "is not possible now" in response.content.decode()
    rating.refresh_from_db()
    assert rating.public_grade == "fairly_good"
    assert client.post(url, {"action": "bogus"}).status_code == 400


def test_ratings_export(demo, login):
    client = login("town_organizer")
    response = client.get(reverse("evaluations:rating-export"), {"stars": "1"})
    assert response.status_code == 200
    rows = rows_from(b"".join(response.streaming_content))
    expected = OrganizationRating.objects.filter(township=demo.township_a, stars=1).count()
    assert len(rows) - 1 == expected
    assert all(row[12] == 1 for row in rows[1:])
    response = client.get(reverse("evaluations:screening-export"))
    names = {row[2] for row in rows_from(b"".join(response.streaming_content))[1:]}
    assert names == {r.organization.name for r in screening_candidates(demo.users["town_organizer"])}


# --------------------------------------------------------------------------------------------- API


def test_rating_api(demo, login):
    client = login("town_organizer")
    organization = _org(demo)
    response = client.post("/api/v1/evaluations/organization-ratings/",
                           {"organization": organization.pk, "year": 2027}, content_type="application/json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    step_url = f"/api/v1/evaluations/organization-ratings/{pk}/step/"
    assert client.get(step_url).json()["allowed"] == ["self_assess"]
    response = client.post(step_url, {"action": "self_assess", "grade": "poor"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["step"] == "public_appraisal"
    response = client.post(step_url, {"action": "approve"}, content_type="application/json")
    assert response.status_code == 400
    foreign = Organization.objects.filter(county=demo.county2).first()
    response = client.post("/api/v1/evaluations/organization-ratings/", {"organization": foreign.pk, "year": 2027},
                           content_type="application/json")
    assert response.status_code == 400
    client = login("other_county_admin")
    assert client.get(step_url).status_code == 404
