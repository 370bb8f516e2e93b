"""The county cadre dashboard: every number equals the count of the list it links to, for every role;
bounded queries (the same number on small and larger data)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cadres.models import FirstSecretary, Pairing
from cadres.selectors import support as selectors
from cadres.services import support as services
from organizations.demo.testing import PERSONAS
from organizations.models import Organization
from rectification.models import Designation, DesignationStatus, Round

pytestmark = pytest.mark.django_db


def _figures(client):
    response = client.get(reverse("cadres:dashboard"))
    assert response.status_code == 200
    return {f.key: f for section in response.context["sections"] for f in section.figures}


@pytest.mark.parametrize("username", PERSONAS)
def test_each_number_equals_the_count_of_its_list(client, demo, username):
    client.force_login(demo.users[username])
    figures = _figures(client)
    assert {"expiring", "serving", "weak", "no_first_secretary", "no_contact_leader", "no_helping_unit",
            "reserve_short", "untrained"} <= set(figures)
    linked = [f for f in figures.values() if f.url]
    assert len(linked) >= 8
    for figure in linked:
        response = client.get(figure.url)
        assert response.status_code == 200, figure.url
        assert response.context["page_obj"].paginator.count == figure.value, (username, figure.key, figure.url)


def test_the_county_admin_sees_the_demo_gaps(client, demo):
    client.force_login(demo.users["county_admin"])
    figures = _figures(client)
    latest = Round.objects.filter(county=demo.county1).order_by("-year").first()
    weak = Designation.objects.filter(round=latest).exclude(
        status__in=[DesignationStatus.PROPOSED, DesignationStatus.WITHDRAWN])
    assert figures["weak"].value == weak.count() > 0
    today = timezone.localdate()
    ending = FirstSecretary.objects.filter(county=demo.county1, recalled_on__isnull=True, term_end__gte=today,
                                           term_end__lte=today + dt.timedelta(days=60)).count()
    assert figures["expiring"].value == ending > 0
    # A weak organization without a running contact-leader pairing counts as missing one.
    without_leader = [d for d in weak if not Pairing.objects.filter(
        organization=d.organization, contact_leader__isnull=False, ended_on__isnull=True).exists()]
    assert figures["no_contact_leader"].value == len(without_leader) > 0


def test_other_county_and_the_city(client, demo):
    client.force_login(demo.users["other_county_admin"])
    assert _figures(client)["weak"].value == 0
    client.force_login(demo.users["city_reviewer"])
    city = _figures(client)
    client.force_login(demo.users["county_admin"])
    assert city["weak"].value >= _figures(client)["weak"].value


def test_adding_a_first_secretary_closes_a_gap(client, demo):
    admin = demo.users["county_admin"]
    today = timezone.localdate()
    before = selectors.coverage_counts(admin, today)
    missing = selectors.coverage_filter(selectors.with_coverage(selectors.current_designations(admin), today),
                                        selectors.MISSING_FIRST_SECRETARY).select_related("organization").first()
    services.first_secretary_create(user=admin, organization=missing.organization, name="补派书记",
                                    dispatching_unit="县委办", term_start=today - dt.timedelta(days=3))
    after = selectors.coverage_counts(admin, today)
    assert after["first_secretary"] == before["first_secretary"] - 1 and after["total"] == before["total"]


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("cadres:dashboard")).status_code == 200
    return len(context.captured_queries)


def test_queries_are_bounded_and_do_not_grow_with_the_data(client, demo, django_assert_max_num_queries):
    client.force_login(demo.users["county_admin"])
    small = _dashboard_queries(client)
    admin = demo.users["county_admin"]
    today = timezone.localdate()
    villages = list(Organization.objects.filter(county=demo.county1, village__isnull=False).order_by(
        "division__code")[:40])
    leader = services.contact_leader_create(user=admin, division=demo.county1, name="加量领导", post="副县长")
    for index, village in enumerate(villages):
        services.first_secretary_create(user=admin, organization=village, name=f"加量{index}",
                                        dispatching_unit="县财政局", term_start=today - dt.timedelta(days=700 + index))
        services.pairing_create(user=admin, organization=village, contact_leader=leader, started_on=today)
    client.force_login(admin)
    assert _dashboard_queries(client) == small
    with django_assert_max_num_queries(small):
        client.get(reverse("cadres:dashboard"))
    client.force_login(demo.users["town_organizer"])
    assert _dashboard_queries(client) <= small
