"""Anonymous voting through one-time links (issues 10 and 12).

* Links are capped by the seats left in the voter group (links still out + ballots cast ≤ voters
  invited), when they are made and again when a link casts, under the row locks.
* The voting page keeps its token out of referrers without making the browser post ``Origin: null``
  (which Django's CSRF check refuses): the tests post with the Origin a browser sends under the page's
  own referrer policy, as the Django test client does not.
* A refused form gets a Chinese page; closing with groups that have not voted asks for confirmation.
"""

from __future__ import annotations

import re
import threading
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from evaluations.models import Ballot, BallotToken, Evaluation, EvaluationStatus, VoterGroupKind
from evaluations.services import satisfaction as services
from tests.conftest import seeded_demo  # noqa: F401 - the committed demo for the concurrency test

from .test_satisfaction_support import acceptance_requested

PM, PUB = VoterGroupKind.PARTY_MEMBERS, VoterGroupKind.PUBLIC


def _evaluation(demo, *, party_members=10, public=10):
    return services.evaluation_create(user=demo.users["county_admin"], designation=acceptance_requested(demo),
                                      party_members=party_members, public=public)


def _links_beyond_the_cap(group, n: int) -> list[str]:
    """``n`` links made as before the cap (straight into the table): what an old print run left out."""
    tokens = [f"old-link-{group.pk}-{i}" for i in range(n)]
    rows = []
    for token in tokens:
        row = BallotToken(evaluation=group.evaluation, group=group, token_hash=services.hash_token(token))
        row.copy_scope_from(group.evaluation)
        rows.append(row)
    BallotToken.objects.bulk_create(rows)
    return tokens


# ------------------------------------------------------------------------------------- the cap (issue 10)


def test_links_are_capped_by_the_seats_left_in_the_group(demo):
    admin = demo.users["county_admin"]
    evaluation = _evaluation(demo, public=10)
    group = evaluation.groups.get(kind=PUB)
    with pytest.raises(ValidationError) as error:
        services.ballot_links_create(user=admin, group=group, count=15)
    assert "at most 10 more links" in str(error.value)
    assert not BallotToken.objects.filter(group=group).exists()

    services.ballot_enter(user=admin, group=group, choice="satisfied")  # a paper ballot takes a seat
    tokens = services.ballot_links_create(user=admin, group=group, count=6)
    services.ballot_cast_anonymous(token=tokens[0], choice="satisfied")
    # 10 invited: 2 ballots cast, 5 links out → 3 seats left
    assert services.group_seats(group).left == 3
    with pytest.raises(ValidationError):
        services.ballot_links_create(user=admin, group=group, count=4)
    services.ballot_links_create(user=admin, group=group, count=3)
    with pytest.raises(ValidationError):
        services.ballot_links_create(user=admin, group=group, count=1)
    assert BallotToken.objects.filter(group=group).count() == 9  # 1 used + 8 out, + 1 paper ballot = 10


def test_a_group_without_a_size_gets_no_link(demo):
    evaluation = _evaluation(demo, public=0)
    with pytest.raises(ValidationError) as error:
        services.ballot_links_create(user=demo.users["county_admin"], group=evaluation.groups.get(kind=PUB),
                                     count=1)
    assert "voters invited" in str(error.value)


def test_a_link_beyond_the_seats_casts_nothing(demo):
    """15 links for a group of 10 (made before the cap): 10 cast, the 11th is refused, closing counts 10."""
    admin = demo.users["county_admin"]
    evaluation = _evaluation(demo, party_members=0, public=10)
    group = evaluation.groups.get(kind=PUB)
    tokens = _links_beyond_the_cap(group, 15)
    for token in tokens[:10]:
        services.ballot_cast_anonymous(token=token, choice="satisfied")
    with pytest.raises(services.BallotLinkError) as error:
        services.ballot_cast_anonymous(token=tokens[10], choice="dissatisfied")
    assert error.value.code == "full"
    with translation.override("zh-hans"):
        with pytest.raises(services.BallotLinkError) as error:
            services.ballot_cast_anonymous(token=tokens[11], choice="dissatisfied")
    assert "10" in error.value.message and "已投票" in error.value.message
    assert Ballot.objects.filter(group=group).count() == 10
    assert BallotToken.objects.filter(group=group, used_at__isnull=False).count() == 10
    closed = services.evaluation_close(user=admin, evaluation=evaluation)
    assert closed.satisfied == 10 and closed.dissatisfied == 0


def test_paper_counts_take_seats_from_links_already_out(demo):
    admin = demo.users["county_admin"]
    evaluation = _evaluation(demo, public=5)
    group = evaluation.groups.get(kind=PUB)
    tokens = services.ballot_links_create(user=admin, group=group, count=5)
    services.voter_group_counts(user=admin, group=group, satisfied=4, basically_satisfied=0, dissatisfied=0,
                                abstained=0)
    services.ballot_cast_anonymous(token=tokens[0], choice="satisfied")
    with pytest.raises(services.BallotLinkError) as error:
        services.ballot_cast_anonymous(token=tokens[1], choice="satisfied")
    assert error.value.code == "full"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need PostgreSQL")
def test_concurrent_casts_never_exceed_the_group(seeded_demo):  # noqa: F811
    """15 phones cast at the same moment with 15 links for a group of 10: 10 ballots, 5 refusals."""
    evaluation = services.evaluation_create(user=seeded_demo.users["county_admin"],
                                            designation=acceptance_requested(seeded_demo, year=2095),
                                            party_members=0, public=10)
    group = evaluation.groups.get(kind=PUB)
    tokens = _links_beyond_the_cap(group, 15)
    barrier = threading.Barrier(len(tokens))
    outcomes, errors = [], []

    def cast(token):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.ballot_cast_anonymous(token=token, choice="satisfied")
            outcomes.append("cast")
        except services.BallotLinkError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=cast, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == ["cast"] * 10 + ["full"] * 5
    assert Ballot.objects.filter(group=group).count() == 10


def test_links_page_refuses_more_links_than_seats(client, demo, login):
    evaluation = _evaluation(demo, public=10)
    group = evaluation.groups.get(kind=PUB)
    client = login("county_admin")
    response = client.post(reverse("evaluations:voter-group-links", args=[group.pk]), {"count": 15})
    assert response.status_code == 400
    assert "at most 10 more links" in response.content.decode() and "<svg" not in response.content.decode()
    assert not BallotToken.objects.filter(group=group).exists()
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        response = client.post(reverse("evaluations:voter-group-links", args=[group.pk]), {"count": 11})
    assert response.status_code == 400 and "最多还能生成10个" in response.content.decode()
    response = client.post(reverse("evaluations:voter-group-links", args=[group.pk]), {"count": 10})
    assert response.status_code == 200 and response.content.decode().count("<svg") == 10


def test_vote_page_says_when_the_group_has_all_voted(client, demo):
    evaluation = _evaluation(demo, public=1)
    group = evaluation.groups.get(kind=PUB)
    first, second = _links_beyond_the_cap(group, 2)
    assert client.post(reverse("evaluations:vote", args=[first]), {"choice": "satisfied"}).status_code == 200
    page = client.get(reverse("evaluations:vote", args=[second]))
    assert page.status_code == 410 and "have already voted" in page.content.decode()
    refused = client.post(reverse("evaluations:vote", args=[second]), {"choice": "dissatisfied"})
    assert refused.status_code == 410
    assert list(Ballot.objects.filter(group=group).values_list("choice", flat=True)) == ["satisfied"]


# ----------------------------------------------------------------------- the browser's Origin (issue 12)


def _meta_referrer(html: str) -> str | None:
    match = re.search(r'<meta name="referrer" content="([^"]+)"', html)
    return match.group(1) if match else None


def browser_origin(page, page_url: str) -> str:
    """The ``Origin`` a browser sends when the page's form posts to its own address (Fetch standard,
    "serializing a request origin" for a navigation): it follows the page's referrer policy, which the
    ``<meta name="referrer">`` tag overrides. "no-referrer" sends ``null``, and Django refuses that."""
    policy = _meta_referrer(page.content.decode()) or page.get("Referrer-Policy", "strict-origin-when-cross-origin")
    policy = policy.split(",")[-1].strip()
    parts = urlsplit(page_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    if policy == "no-referrer":
        return "null"
    return origin  # same-origin, strict-origin, …: the form posts to its own origin, over the same scheme


def test_the_vote_page_posts_with_a_real_origin_and_the_ballot_is_saved(demo):
    """The phone's journey with the CSRF check on: GET the link, POST as the browser would (issue 12)."""
    evaluation = _evaluation(demo, public=3)
    tokens = services.ballot_links_create(user=demo.users["county_admin"], group=evaluation.groups.get(kind=PUB),
                                          count=2)
    for token, secure, choice in ((tokens[0], False, "satisfied"), (tokens[1], True, "basically_satisfied")):
        phone = Client(enforce_csrf_checks=True)
        url = reverse("evaluations:vote", args=[token])
        page = phone.get(url, secure=secure)
        assert page.status_code == 200
        assert page["Referrer-Policy"] in ("same-origin", "strict-origin")  # no token leaves for another site
        absolute = f"{'https' if secure else 'http'}://testserver{url}"
        origin = browser_origin(page, absolute)
        assert origin != "null", "the page's referrer policy makes the browser post Origin: null"
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
        # Over https, "same-origin" keeps the Referer of the page's own POST too.
        headers = {"HTTP_ORIGIN": origin, **({"HTTP_REFERER": absolute} if secure else {})}
        response = phone.post(url, {"choice": choice, "csrfmiddlewaretoken": csrf}, secure=secure, **headers)
        assert response.status_code == 200, response.content.decode()[:500]
        assert evaluation.organization.name in response.content.decode()
    assert sorted(Ballot.objects.filter(evaluation=evaluation).values_list("choice", "source")) == [
        ("basically_satisfied", "anonymous"), ("satisfied", "anonymous")]


def test_the_printed_links_page_keeps_same_origin_referrers(client, demo, login):
    evaluation = _evaluation(demo, public=2)
    response = login("county_admin").post(
        reverse("evaluations:voter-group-links", args=[evaluation.groups.get(kind=PUB).pk]), {"count": 1})
    assert response.status_code == 200 and response["Referrer-Policy"] == "same-origin"
    assert _meta_referrer(response.content.decode()) == "same-origin"


def test_a_refused_form_gets_a_chinese_page_and_saves_nothing(demo):
    """``Origin: null`` (what "no-referrer" made the phone send) is still refused, now in Chinese."""
    evaluation = _evaluation(demo, public=3)
    (token,) = services.ballot_links_create(user=demo.users["county_admin"], group=evaluation.groups.get(kind=PUB),
                                            count=1)
    phone = Client(enforce_csrf_checks=True)
    phone.cookies["django_language"] = "zh-hans"
    url = reverse("evaluations:vote", args=[token])
    with translation.override("zh-hans"):
        page = phone.get(url)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
        refused = phone.post(url, {"choice": "satisfied", "csrfmiddlewaretoken": csrf}, HTTP_ORIGIN="null")
    html = refused.content.decode()
    assert refused.status_code == 403
    assert "表单未能提交" in html and "重新" in html
    assert "CSRF" not in html and "Forbidden" not in html
    assert not Ballot.objects.filter(evaluation=evaluation).exists()


# ------------------------------------------------------------------- closing with groups that have not voted


def test_closing_with_groups_that_have_not_voted_warns_and_needs_confirmation(demo, login):
    evaluation = _evaluation(demo, party_members=10, public=15)
    groups = {g.kind: g for g in evaluation.groups.all()}
    services.voter_group_counts(user=demo.users["county_admin"], group=groups[PM], satisfied=9,
                                basically_satisfied=1, dissatisfied=0, abstained=0)
    client = login("county_admin")
    url = reverse("evaluations:evaluation-close", args=[evaluation.pk])
    page = client.get(url).content.decode()
    assert "Not every invited voter has voted." in page
    assert "Public representatives: 0 of 15 voted" in page and "Party member representatives: 10 of 10 voted" in page
    assert 'name="confirm_shortfall"' in page

    refused = client.post(url)
    assert refused.status_code == 400
    assert "Public representatives 0 of 15" in refused.content.decode()
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.OPEN

    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        page = client.get(url).content.decode()
    assert "并非所有受邀投票人都已投票" in page and "群众代表：15人中0人已投票" in page

    assert client.post(url, {"confirm_shortfall": "on"}).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.CLOSED and evaluation.satisfied == 9


def test_closing_when_everyone_voted_needs_no_confirmation(demo, login):
    evaluation = _evaluation(demo, party_members=2, public=0)
    services.voter_group_counts(user=demo.users["county_admin"], group=evaluation.groups.get(kind=PM),
                                satisfied=2, basically_satisfied=0, dissatisfied=0, abstained=0)
    client = login("county_admin")
    url = reverse("evaluations:evaluation-close", args=[evaluation.pk])
    assert "confirm_shortfall" not in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.CLOSED


def test_links_page_shows_the_seats_left(client, demo, login):
    evaluation = _evaluation(demo, public=10)
    group = evaluation.groups.get(kind=PUB)
    services.ballot_links_create(user=demo.users["county_admin"], group=group, count=4)
    client = login("county_admin")
    client.cookies["django_language"] = "zh-hans"
    with translation.override("zh-hans"):
        page = client.get(reverse("evaluations:voter-group-links", args=[group.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "4个链接尚未使用；还能生成6个链接" in html
    assert page.context["form"]["count"].value() == 6
    no_size = evaluation.groups.get(kind=PM)
    services.voter_group_counts(user=demo.users["county_admin"], group=no_size, size=0, satisfied=0,
                                basically_satisfied=0, dissatisfied=0, abstained=0)
    assert "请先填写该组的受邀投票人数" in client.get(
        reverse("evaluations:voter-group-links", args=[no_size.pk])).content.decode()


def test_the_policy_can_forbid_closing_while_voters_are_missing(demo, login):
    """evaluation_close_with_missing_voters off: the close page says so and offers no button; neither the page nor
    the API closes, confirmed or not, until every invited voter has voted."""
    from organizations.services import policy_set

    policy_set(user=demo.users["county_admin"], division=demo.county1, key="evaluation_close_with_missing_voters",
               value=False)
    evaluation = _evaluation(demo, party_members=2, public=3)
    groups = {g.kind: g for g in evaluation.groups.all()}
    services.voter_group_counts(user=demo.users["county_admin"], group=groups[PM], satisfied=2,
                                basically_satisfied=0, dissatisfied=0, abstained=0)
    tokens = services.ballot_links_create(user=demo.users["county_admin"], group=groups[PUB], count=3)
    client = login("county_admin")
    url = reverse("evaluations:evaluation-close", args=[evaluation.pk])
    page = client.get(url).content.decode()
    assert 'id="close-forbidden"' in page and 'name="confirm_shortfall"' not in page
    refused = client.post(url, {"confirm_shortfall": "on"})
    assert refused.status_code == 400 and "Public representatives 0 of 3" in refused.content.decode()
    api = client.post(f"/api/v1/evaluations/evaluations/{evaluation.pk}/close/", {"confirm_shortfall": True},
                      content_type="application/json")
    assert api.status_code == 400
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.OPEN
    # Every link used: voting closes without a question.
    for token in tokens:
        services.ballot_cast_anonymous(token=token, choice="satisfied")
    assert 'id="close-forbidden"' not in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert Evaluation.objects.get(pk=evaluation.pk).status == EvaluationStatus.CLOSED
