"""The star-rating list leaves out the township column when the user's ratings all lie in one township, and on
a phone each rating is a card led by the organization's name (issue 12 item 2: names wrapped over 5-6 lines)."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import translation

with translation.override("zh-hans"):
    TOWNSHIP = {"Township", translation.gettext("Township")}  # the column's name in either language

RATINGS = reverse("evaluations:rating-list")


def header_cells(html: str) -> list[str]:
    table = html[html.index('<table class="data stack-phone">'):]
    return re.findall(r"<th[^>]*>([^<]+)</th>", table[: table.index("</thead>")])


def test_township_organizer_sees_no_township_column(demo, login):
    html = login("town_organizer").get(RATINGS).content.decode()
    assert not TOWNSHIP & set(header_cells(html))
    assert 'class="card-title"' in html


def test_county_admin_keeps_it(demo, login):
    html = login("county_admin").get(RATINGS).content.decode()
    assert TOWNSHIP & set(header_cells(html))
    assert [name for name in TOWNSHIP if f'data-label="{name}"' in html]
