"""The disclosure board (公开栏): county publishes, the public link works only while published, names and posts
only, a printable A4 page with the QR code of the public link."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from organizations.models import User
from rectification import services
from rectification.models import DisclosureBoard, PlanStatus, TaskStatus

from .publishing_support import add_measure, make_designation, make_round, organizations_of


@pytest.fixture
def designation(demo):
    leader = User.objects.create(username="leader_login_xyz", email="leader.secret@example.org",
                                 full_name="陈县长", post="县委常委、组织部部长")
    round_ = make_round(demo.county1, 2022)
    organization = organizations_of(demo, demo.village_a, 1)[0]
    designation = make_designation(round_, organization, codes=("RSHS02",), problems="书记不胜任现职。",
                                   contact_leader=leader, responsible_person="林安镇党委书记 王某",
                                   first_secretary=("赵五", "县财政局"),
                                   deadline=dt.date(2026, 11, 30))
    add_measure(designation.plan, "选优配强村党组织书记",
                [("公开选聘书记", "王某", dt.date(2026, 6, 30), TaskStatus.PENDING)])
    return designation


def public_url(designation):
    board = DisclosureBoard.objects.get(designation=designation)
    return reverse("rectification:board-public", args=[board.token])


def test_county_publishes_and_the_public_link_works_without_login(demo, client, designation):
    services.board_publish(user=demo.users["county_admin"], designation=designation)
    response = client.get(public_url(designation))
    assert response.status_code == 200
    assert response["X-Robots-Tag"].startswith("noindex")
    html = response.content.decode()
    for text in ("书记不胜任现职。", "RSHS02", "选优配强村党组织书记", "公开选聘书记", "赵五（县财政局）",
                 "陈县长（县委常委、组织部部长）", "林安镇党委书记 王某", "2026年11月30日", "<svg"):
        assert text in html, text


def test_no_username_or_email_on_the_board(demo, client, login, designation):
    services.board_publish(user=demo.users["county_admin"], designation=designation)
    pages = [client.get(public_url(designation)).content.decode(),
             login("county_admin").get(reverse("rectification:board", args=[designation.pk])).content.decode()]
    public = pages[0]
    for user in User.objects.all():
        assert f">{user.username}<" not in public, user.username
        if user.email:
            assert user.email not in public, user.email
    assert "leader_login_xyz" not in public and "leader.secret@example.org" not in public
    assert "leader.secret@example.org" not in pages[1]


def test_unpublished_wrong_token_and_withdrawn_are_404(demo, client, designation):
    assert client.get(reverse("rectification:board-public", args=["no-such-token"])).status_code == 404
    services.board_publish(user=demo.users["county_admin"], designation=designation)
    url = public_url(designation)
    assert client.get(url).status_code == 200
    services.board_unpublish(user=demo.users["county_admin"], designation=designation)
    assert client.get(url).status_code == 404
    board = DisclosureBoard.objects.get(designation=designation)
    assert board.published_at is None
    assert client.get(url[:-3] + "xx/").status_code == 404


def test_never_published_board_is_404(demo, client, designation):
    board = DisclosureBoard(designation=designation)
    board.copy_scope_from(designation)
    board.save()
    assert client.get(public_url(designation)).status_code == 404


def test_only_the_county_publishes_and_only_an_approved_plan(demo, designation):
    with pytest.raises(PermissionDenied):
        services.board_publish(user=demo.users["town_organizer"], designation=designation)
    with pytest.raises(PermissionDenied):
        services.board_publish(user=demo.users["other_county_admin"], designation=designation)
    designation.plan.status = PlanStatus.SUBMITTED
    designation.plan.save()
    with pytest.raises(ValidationError):
        services.board_publish(user=demo.users["county_admin"], designation=designation)
    assert not DisclosureBoard.objects.filter(designation=designation, published_at__isnull=False).exists()


def test_print_page_publish_button_and_qr(demo, login, designation):
    url = reverse("rectification:board", args=[designation.pk])
    organizer = login("town_organizer")
    page = organizer.get(url)
    assert page.status_code == 200 and b"board.css" in page.content
    assert organizer.post(url, {"action": "publish"}).status_code == 403
    admin = login("county_admin")
    response = admin.post(url, {"action": "publish"})
    assert response.status_code == 302
    page = admin.get(url).content.decode()
    public = public_url(designation)
    assert public in page and "<svg" in page and 'value="unpublish"' in page
    admin.post(url, {"action": "unpublish"})
    assert not DisclosureBoard.objects.get(designation=designation).is_published


def test_print_css_is_a4():
    from django.contrib.staticfiles import finders

    css = open(finders.find("css/board.css"), encoding="utf-8").read()
    assert "@page" in css and "A4" in css and "@media print" in css


def test_board_page_out_of_scope_is_404(demo, login, designation):
    url = reverse("rectification:board", args=[designation.pk])
    assert login("other_county_admin").get(url).status_code == 404
    assert login("other_county_admin").post(url, {"action": "publish"}).status_code == 404


def test_republishing_rotates_the_token_so_a_withdrawn_qr_code_stays_dead(demo, client, designation):
    admin = demo.users["county_admin"]
    services.board_publish(user=admin, designation=designation)
    withdrawn = public_url(designation)
    services.board_unpublish(user=admin, designation=designation)
    services.board_publish(user=admin, designation=designation)
    republished = public_url(designation)
    assert republished != withdrawn
    assert client.get(withdrawn).status_code == 404
    assert client.get(republished).status_code == 200
