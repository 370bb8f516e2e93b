"""The county Standing Committee decision behind a round's list (issue 11, item 10 e): recorded by the county,
shown on the rounds page and in the ledger export's header."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rectification.exports.ledger import LEDGER_HEADERS, write_ledger
from rectification.models import Designation
from rectification.services.rounds import round_decision_record

from .publishing_support import make_designation, make_round, organizations_of


def test_the_county_records_the_decision_on_the_rounds_page(login, demo):
    round_ = make_round(demo.county1, 2027)
    client = login("county_admin")
    page = client.get(reverse("rectification:rounds")).content.decode()
    assert reverse("rectification:round-decision", args=[round_.pk]) in page
    response = client.post(reverse("rectification:round-decision", args=[round_.pk]),
                           {"meeting_on": "2026-03-05", "document": "仙委〔2026〕12号"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.standing_committee_on == dt.date(2026, 3, 5)
    assert round_.standing_committee_document == "仙委〔2026〕12号"
    assert round_.history.first().history_user == demo.users["county_admin"]
    page = client.get(reverse("rectification:rounds")).content.decode()
    assert "仙委〔2026〕12号" in page and "2026年3月5日" in page


def test_both_values_are_needed_and_the_date_is_not_in_the_future(demo):
    round_ = make_round(demo.county1, 2027)
    admin = demo.users["county_admin"]
    with pytest.raises(ValidationError) as missing:
        round_decision_record(user=admin, round=round_, meeting_on=None, document=" ")
    assert set(missing.value.message_dict) == {"meeting_on", "document"}
    with pytest.raises(ValidationError):
        round_decision_record(user=admin, round=round_, meeting_on=dt.date(2999, 1, 1), document="仙委〔2026〕12号")


def test_only_the_county_records_it(login, demo):
    round_ = make_round(demo.county1, 2027)
    with pytest.raises(PermissionDenied):
        round_decision_record(user=demo.users["town_organizer"], round=round_, meeting_on=dt.date(2026, 3, 5),
                              document="仙委〔2026〕12号")
    assert login("town_organizer").get(reverse("rectification:round-decision", args=[round_.pk])).status_code in (
        403, 404)
    # Another county's admin does not see the round at all.
    assert login("other_county_admin").get(
        reverse("rectification:round-decision", args=[round_.pk])).status_code == 404


def test_the_ledger_export_names_the_decision(demo):
    round_ = make_round(demo.county1, 2027)
    make_designation(round_, organizations_of(demo, demo.township_a, 1, category="village")[0])
    queryset = Designation.objects.filter(round=round_)

    def sheet_rows():
        handle = io.BytesIO()
        write_ledger(handle, queryset)
        return list(openpyxl.load_workbook(io.BytesIO(handle.getvalue())).active.iter_rows(values_only=True))

    rows = sheet_rows()
    assert not any("县委常委会" in str(cell) for row in rows[:5] for cell in row)  # no decision yet: no such line
    assert LEDGER_HEADERS[0] in [row[0] for row in rows[:5]]
    round_decision_record(user=demo.users["county_admin"], round=round_, meeting_on=dt.date(2026, 3, 5),
                          document="仙委〔2026〕12号")
    rows = sheet_rows()
    titles = [str(cell) for row in rows[:5] for cell in row if cell]
    assert any("县委常委会" in t and "仙委〔2026〕12号" in t and "2026年3月5日" in t for t in titles), titles
    assert LEDGER_HEADERS[0] in [row[0] for row in rows[:6]]
