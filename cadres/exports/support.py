"""Excel exports of the support registry: first secretaries (personal numbers masked) and pairings."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.exports.excel import letterhead_for, xlsx_response

from ..masking import mask_value
from ..selectors import support as selectors


def first_secretary_headers() -> list[str]:
    return [_("Name"), _("Sex"), _("ID number"), _("Mobile"), _("Township"), _("Village stationed in"),
            _("Other villages served"), _("Dispatching unit"), _("Post in the dispatching unit"),
            _("Village work team"), _("Term start"), _("Term end"), _("Days in the village"), _("Status")]


def first_secretary_rows(queryset, *, today: dt.date):
    for fs in queryset.select_related("organization", "township").prefetch_related("other_villages").iterator(
            chunk_size=500):
        yield [
            fs.name, fs.get_sex_display() if fs.sex else "", mask_value("id_number", fs.id_number),
            mask_value("phone", fs.phone), fs.township.name if fs.township_id else "", fs.organization.name,
            "、".join(o.name for o in fs.other_villages.all()), fs.dispatching_unit, fs.post_in_unit,
            fs.team_name, fs.term_start, fs.term_end, fs.days_in_village,
            str(selectors.STATE_LABELS[selectors.state_of(fs, today)]),
        ]


def first_secretaries_response(queryset, *, today: dt.date | None = None, user=None):
    today = today or timezone.localdate()
    return xlsx_response(f"first-secretaries-{today:%Y%m%d}.xlsx", _("First secretaries"),
                         first_secretary_headers(), first_secretary_rows(queryset, today=today),
                         letterhead=letterhead_for(user, _("First secretaries stationed in villages")))


def pairing_headers() -> list[str]:
    return [_("Township"), _("Village"), _("County contact leader"), _("Paired helping unit"), _("Since"),
            _("Ended on")]


def pairing_rows(queryset):
    """One row per village: its contact leaders and helping units (of the pairings given), the earliest start
    and, when every one of them has ended, the latest end."""
    by_village: dict[int, dict] = {}
    for pairing in queryset.select_related("organization", "township", "contact_leader", "helping_unit").order_by(
            "organization__division__code", "started_on", "pk"):
        row = by_village.setdefault(pairing.organization_id, {
            "township": pairing.township.name if pairing.township_id else "", "village": pairing.organization.name,
            "leaders": [], "units": [], "since": pairing.started_on, "ends": []})
        if pairing.contact_leader_id:
            row["leaders"].append(str(pairing.contact_leader))
        if pairing.helping_unit_id:
            row["units"].append(pairing.helping_unit.name)
        row["since"] = min(row["since"], pairing.started_on)
        row["ends"].append(pairing.ended_on)
    for row in by_village.values():
        ended = None if any(e is None for e in row["ends"]) else max(row["ends"])
        yield [row["township"], row["village"], "、".join(row["leaders"]), "、".join(row["units"]), row["since"],
               ended]


def pairings_response(queryset, user=None):
    today = timezone.localdate()
    return xlsx_response(f"pairings-{today:%Y%m%d}.xlsx", _("Pairings"), pairing_headers(), pairing_rows(queryset),
                         letterhead=letterhead_for(user, _("Contact leaders and helping units paired with villages")),
                         key_columns=2)
