"""The home page's to-do counts are kept a minute per person (organizations/caching.py), never past the person's
own writes, and say when they were counted: through HTTP, as the person uses the portal."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from rectification.models import Task, TaskStatus

pytestmark = pytest.mark.django_db


def todo_counts(client) -> tuple[dict[str, int], str]:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    as_of = re.search(r"data-todo-as-of>([^<]*)<", html).group(1)
    return {item.key: item.count for item in response.context["todo"]}, as_of


def clear_overdue_tasks(demo) -> None:
    """Someone else's change (not through this person's requests): no task of county 1 is overdue any more."""
    today = timezone.localdate()
    changed = (Task.objects.filter(county=demo.county1, deadline__lt=today).exclude(status=TaskStatus.DONE)
               .update(deadline=today.replace(year=today.year + 1)))
    assert changed


def test_counts_are_kept_until_the_person_writes(demo, login, settings):
    settings.PERSON_FIGURES_SECONDS = 60
    client = login("town_organizer")
    before, as_of = todo_counts(client)
    assert before.get("overdue"), before  # the demo's township has organizations with overdue tasks
    assert re.fullmatch(r"截至 \d\d:\d\d", as_of), as_of
    clear_overdue_tasks(demo)
    assert todo_counts(client)[0] == before  # kept: another person's change shows within the minute

    # The person's own write (a progress entry with the API, as the phone page sends it)...
    plan_task = Task.objects.filter(township=demo.township_a, plan__designation__status="rectifying").first()
    response = client.post(reverse("progress-entry-list"), {
        "plan": plan_task.plan_id, "task": plan_task.pk, "happened_on": timezone.localdate().isoformat(),
        "content": "召开支部党员大会"}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 201, response.content
    # ...and their next page counts afresh.
    after, _as_of = todo_counts(client)
    assert "overdue" not in after, after


def test_a_refused_write_keeps_the_counts(demo, login, settings):
    settings.PERSON_FIGURES_SECONDS = 60
    client = login("town_organizer")
    before, _as_of = todo_counts(client)
    clear_overdue_tasks(demo)
    response = client.post(reverse("progress-entry-list"), {"content": ""}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 400
    assert todo_counts(client)[0] == before


def test_counts_are_counted_on_every_visit_when_turned_off(demo, login, settings):
    settings.PERSON_FIGURES_SECONDS = 0
    client = login("town_organizer")
    before, _as_of = todo_counts(client)
    assert before.get("overdue")
    clear_overdue_tasks(demo)
    assert "overdue" not in todo_counts(client)[0]


def test_each_person_has_their_own_counts(demo, login, settings):
    settings.PERSON_FIGURES_SECONDS = 60
    organizer, _ = todo_counts(login("town_organizer"))
    admin, _ = todo_counts(login("county_admin"))
    assert organizer != admin  # a county admin's list (plans to approve...) is not the organizer's


# ---------------------------------------------------------------------------------------------- whole pages


def overdue_badge(client, url=None) -> str | None:
    """The home page's overdue count as shown (None: not listed)."""
    html = client.get(url or reverse("home")).content.decode()
    found = re.search(r'data-todo="overdue"><a [^>]*><span class="badge[^"]*" data-count="(\d+)"', html)
    return found.group(1) if found else None


def test_the_home_page_is_kept_until_the_person_writes(demo, login, settings):
    settings.PERSON_FIGURES_SECONDS = 60
    client = login("town_organizer")
    client.get(reverse("home"))  # the first page sets the CSRF cookie: pages are kept from then on
    shown = overdue_badge(client)
    assert shown is not None
    clear_overdue_tasks(demo)
    assert overdue_badge(client) == shown  # the kept page
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302  # a write of this person (their session's language)
    assert overdue_badge(client) is None


def test_a_kept_page_shows_waiting_messages(demo, login, settings):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpRequest

    settings.PERSON_FIGURES_SECONDS = 60
    client = login("town_organizer")
    client.get(reverse("home"))
    client.get(reverse("home"))  # kept now
    client.cookies["messages"] = CookieStorage(HttpRequest())._encode([Message(constants.SUCCESS, "计划已保存。")])
    assert "计划已保存。" in client.get(reverse("home")).content.decode()


def test_the_forms_of_a_kept_page_carry_a_valid_token(demo, settings):
    from django.test import Client

    from organizations.models import User

    settings.PERSON_FIGURES_SECONDS = 60
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="town_organizer"))
    client.get(reverse("home"))
    client.get(reverse("home"))
    kept = client.get(reverse("home")).content.decode()
    token = re.search(r'action="/accounts/logout/"[^>]*><input type="hidden" name="csrfmiddlewaretoken" '
                      r'value="([^"]+)"', kept).group(1)
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert client.get(reverse("home")).status_code == 302  # logged out: to the login page


def test_pages_are_kept_per_person_and_address(demo, settings):
    from django.test import Client

    settings.PERSON_FIGURES_SECONDS = 60
    admin, leader = Client(), Client()
    admin.force_login(demo.users["county_admin"])
    leader.force_login(demo.users["county_leader"])
    for client in (admin, leader):
        client.get(reverse("home"))
    assert admin.get(reverse("home")).content != leader.get(reverse("home")).content
    dashboard = reverse("rectification:dashboard")
    whole = admin.get(dashboard).content
    one_year = admin.get(f"{dashboard}?year=2025").content
    assert whole != one_year and admin.get(f"{dashboard}?year=2025").content == one_year


def test_the_dashboards_are_kept_until_the_person_writes(demo, login, settings):
    settings.PERSON_FIGURES_SECONDS = 60
    client = login("county_admin")
    client.get(reverse("home"))
    api = reverse("ledger-dashboard-list")
    before = client.get(api).json()
    page = client.get(reverse("rectification:dashboard")).content
    assert before["totals"]["overdue_tasks"]
    clear_overdue_tasks(demo)
    assert client.get(api).json() == before
    assert client.get(reverse("rectification:dashboard")).content == page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert client.get(api).json()["totals"]["overdue_tasks"] == 0
    assert client.get(reverse("rectification:dashboard")).content != page


def test_the_unread_count_is_kept_until_the_person_reads(demo, login, settings):
    from organizations.models import Notification

    settings.PERSON_FIGURES_SECONDS = 60
    user = demo.users["town_organizer"]
    Notification.objects.filter(user=user).update(read_at=timezone.now())
    client = login("town_organizer")

    def badge():
        found = re.search(r'data-unread="(\d+)"', client.get(reverse("organizations:notifications")).content.decode())
        return int(found.group(1)) if found else 0

    assert badge() == 0
    Notification.objects.create(user=user, kind="reminder", title="报告即将到期", body="请提交双月报告。")
    assert badge() == 0  # kept: shown within the minute
    client.post(reverse("organizations:notifications"))  # the person marks everything read: a write
    Notification.objects.create(user=user, kind="reminder", title="任务逾期", body="有任务逾期。")
    assert badge() == 1
