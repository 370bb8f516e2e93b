"""Six-monthly check and year-end acceptance reminders: to the township organizers and secretaries and the county
admins concerned, once per person and period however often the job runs, following the policy's interval."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from organizations.models import Notification, RoleAssignment
from organizations.roles import Role
from organizations.services import policy_set
from rectification.models import Designation, DesignationStatus
from rectification.periods import ONGOING_STATUSES
from rectification.services.reminders import send_county_reminders


def year() -> int:
    return timezone.localdate().year


def reminded(kind: str) -> dict[str, int]:
    rows = Notification.objects.filter(kind=kind).values_list("user__username", flat=True)
    counts: dict[str, int] = {}
    for name in rows:
        counts[name] = counts.get(name, 0) + 1
    return counts


def township_people(county) -> set[str]:
    townships = Designation.objects.filter(county=county, status__in=ONGOING_STATUSES).values("township_id")
    return set(RoleAssignment.objects.filter(role__in=[Role.TOWNSHIP_ORGANIZER, Role.TOWNSHIP_SECRETARY],
                                             division_id__in=townships).values_list("user__username", flat=True))


def test_check_reminder_once_per_person_in_the_last_month_of_the_check_period(demo):
    county = demo.county1
    assert send_county_reminders(county.pk, dt.date(year(), 5, 20)) == {"check_reminders": 0,
                                                                         "acceptance_reminders": 0}
    result = send_county_reminders(county.pk, dt.date(year(), 6, 10))
    counts = reminded("check_reminder")
    assert result["check_reminders"] == sum(counts.values()) > 0
    expected = township_people(county) | set(RoleAssignment.objects.filter(
        role=Role.COUNTY_ADMIN, division=county).values_list("user__username", flat=True))
    assert set(counts) == expected
    assert "town_organizer" in counts and "county_admin" in counts
    assert set(counts.values()) == {1}
    for persona in ("village_secretary", "contact_leader", "other_county_admin", "city_reviewer"):
        assert persona not in counts

    # Daily runs in the same window, or twice: nothing more.
    send_county_reminders(county.pk, dt.date(year(), 6, 11))
    send_county_reminders(county.pk, dt.date(year(), 6, 11))
    assert reminded("check_reminder") == counts
    # The next check period reminds again.
    send_county_reminders(county.pk, dt.date(year(), 12, 10))
    assert set(reminded("check_reminder").values()) == {2}


def test_the_reminder_lists_the_township_organizations(demo):
    send_county_reminders(demo.county1.pk, dt.date(year(), 6, 10))
    body = Notification.objects.get(user=demo.users["town_organizer"], kind="check_reminder").body
    names = Designation.objects.filter(township=demo.township_a, status__in=ONGOING_STATUSES).values_list(
        "organization__name", flat=True)
    assert names and all(name in body for name in names)
    others = Designation.objects.filter(county=demo.county1, status__in=ONGOING_STATUSES).exclude(
        township=demo.township_a).values_list("organization__name", flat=True)
    assert not any(name in body for name in others)


def test_the_check_interval_follows_the_policy(demo):
    county = demo.county1
    send_county_reminders(county.pk, dt.date(year(), 3, 15))
    assert reminded("check_reminder") == {}  # six months: the period ends in June
    policy_set(user=demo.users["county_admin"], division=county, key="check_interval_months", value=3)
    send_county_reminders(county.pk, dt.date(year(), 3, 15))
    assert reminded("check_reminder")  # three months: the period ends in March


def test_year_end_acceptance_reminder_from_december(demo):
    county = demo.county1
    assert send_county_reminders(county.pk, dt.date(year(), 11, 30))["acceptance_reminders"] == 0
    first = send_county_reminders(county.pk, dt.date(year(), 12, 1))["acceptance_reminders"]
    again = send_county_reminders(county.pk, dt.date(year(), 12, 2))["acceptance_reminders"]
    assert first > 0 and again == 0
    counts = reminded("acceptance_reminder")
    assert set(counts.values()) == {1} and "county_admin" in counts
    rectifying = set(Designation.objects.filter(county=county, status=DesignationStatus.RECTIFYING)
                     .values_list("township__name", flat=True))
    assert demo.township_a.name in rectifying
    body = Notification.objects.get(user=demo.users["town_organizer"], kind="acceptance_reminder").body
    for name in Designation.objects.filter(township=demo.township_a, status=DesignationStatus.RECTIFYING) \
            .values_list("organization__name", flat=True):
        assert name in body
    # Nobody in the other county is told about county 1.
    assert "other_county_admin" not in counts
