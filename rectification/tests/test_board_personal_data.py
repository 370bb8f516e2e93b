"""Issue 10, item 1: the public disclosure board masks mobile and ID numbers typed into its free text."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from rectification import services
from rectification.models import DisclosureBoard, TaskStatus

from .publishing_support import add_measure, make_designation, make_round, organizations_of


def public_url(designation):
    board = DisclosureBoard.objects.get(designation=designation)
    return reverse("rectification:board-public", args=[board.token])


def test_numbers_typed_into_free_text_are_masked_on_the_board(demo, client, login):
    """Issue 10: a mobile or ID number typed into a responsible person, task owner or measure never reaches
    the public board (nor the scoped board page) in full."""
    round_ = make_round(demo.county1, 2021)
    organization = organizations_of(demo, demo.village_a, 1)[0]
    designation = make_designation(round_, organization, problems="联系人 13812345678，身份证350322198001011234。",
                                   responsible_person="王某 139-8765-4321", township_leader="李某 15011112222",
                                   deadline=dt.date(2026, 11, 30))
    add_measure(designation.plan, "联系书记 13700001111", [("走访，电话 186 2222 3333", "张三 13900009999",
                                                           dt.date(2026, 6, 30), TaskStatus.PENDING)])
    services.board_publish(user=demo.users["county_admin"], designation=designation)
    pages = {"public": client.get(public_url(designation)).content.decode()}
    for role in ("county_admin", "town_organizer", "county_leader"):
        pages[role] = login(role).get(reverse("rectification:board", args=[designation.pk])).content.decode()
    for who, html in pages.items():
        for full in ("13812345678", "350322198001011234", "19800101", "139-8765-4321", "87654321", "15011112222",
                     "13700001111", "186 2222 3333", "13900009999"):
            assert full not in html, (who, full)
        for masked in ("138****5678", "350322********1234", "139****4321", "150****2222", "137****1111",
                       "186****3333", "139****9999", "王某", "张三"):
            assert masked in html, (who, masked)


def test_mask_free_text_shapes():
    from organizations.personal_data import mask_free_text

    assert mask_free_text(None) == mask_free_text("") == ""
    assert mask_free_text("电话13812345678") == "电话138****5678"
    assert mask_free_text("35032219800101123x") == "350322********123X"
    assert mask_free_text("编号 123456，12012345678，2026年") == "编号 123456，12012345678，2026年"
    assert mask_free_text("138123456789") == "138123456789"  # 12 digits: not a mobile
