"""The ledger list leaves out a column the user's scope makes constant (a township organizer's villages are all
in one township), and on a phone every row is a card whose cells name their column (issue 12 item 2)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

with translation.override("zh-hans"):
    TOWNSHIP = {"Township", translation.gettext("Township")}  # the column's name in either language

LEDGER = reverse("rectification:ledger")
MINE = reverse("rectification:my-ledger")


def header_cells(html: str) -> list[str]:
    table = html[html.index('<table class="data ledger'):]
    return re.findall(r"<th[^>]*>([^<]+)</th>", table[: table.index("</thead>")])


@pytest.mark.parametrize("url", [LEDGER, MINE])
def test_township_user_sees_no_township_column(demo, login, url):
    html = login("town_organizer").get(url).content.decode()
    assert not TOWNSHIP & set(header_cells(html))
    assert not [name for name in TOWNSHIP if f'data-label="{name}"' in html]
    assert re.search(r'data-label="(状态|Status)"', html) and re.search(r'data-label="(逾期任务|Overdue tasks)"', html)


def test_county_user_keeps_the_township_column(demo, login):
    html = login("county_admin").get(LEDGER).content.decode()
    assert TOWNSHIP & set(header_cells(html))
    assert [name for name in TOWNSHIP if f'data-label="{name}"' in html]
