"""The ledger list leaves out a column the user's scope makes constant (a township organizer's villages are all
in one township), and on a phone every row is a card whose cells name their column (issue 12 item 2)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

LEDGER = reverse("rectification:ledger")
MINE = reverse("rectification:my-ledger")


def header_cells(html: str) -> list[str]:
    table = html[html.index('<table class="data ledger'):]
    return re.findall(r"<th[^>]*>([^<]+)</th>", table[: table.index("</thead>")])


@pytest.mark.parametrize("url", [LEDGER, MINE])
def test_township_user_sees_no_township_column(demo, login, url):
    with translation.override("zh-hans"):
        township = translation.gettext("Township")
    html = login("town_organizer").get(url).content.decode()
    assert township not in header_cells(html)
    assert f'data-label="{township}"' not in html
    assert 'data-label="状态"' in html and 'data-label="逾期任务"' in html  # the card keeps what matters


def test_county_user_keeps_the_township_column(demo, login):
    with translation.override("zh-hans"):
        township = translation.gettext("Township")
    html = login("county_admin").get(LEDGER).content.decode()
    assert township in header_cells(html)
    assert f'data-label="{township}"' in html
