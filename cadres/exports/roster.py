"""Excel export of the roster: the list page's scope and filters, in the import layout (§3e).

Masked by default for every role. ``unmasked=True`` (the ``unmasked=1`` option of the export, offered only to
roles holding personal_data/unmask) writes full numbers for the rows the user may unmask — the others stay
masked — and logs one security event naming those people, besides the usual export event.
"""

from __future__ import annotations

from organizations.exports.excel import xlsx_response
from organizations.services import security_event_record

from ..imports.person_columns import person_cells
from ..imports.roster import POST_NAMES, TEMPLATE_HEADERS, started_text
from ..masking import record_unmasked_export, unmaskable_ids
from ..models import Cadre

EXPORT_HEADERS = [*TEMPLATE_HEADERS[:15], "离任时间", "备注"]


def roster_rows(queryset, unmasked_ids=frozenset()):
    for index, cadre in enumerate(queryset.iterator(chunk_size=500), start=1):
        org = cadre.organization
        division = org.division
        village = division.name if division.level == "village" else ""
        yield [index, cadre.township.name if cadre.township else "", village, division.code,
               *person_cells(cadre, unmasked=cadre.pk in unmasked_ids),
               POST_NAMES.get(cadre.post, cadre.post), started_text(cadre.post_started_on),
               cadre.post_ended_on, cadre.note]


def roster_export_response(user, queryset, *, unmasked: bool = False, request=None, filters=None):
    queryset = queryset.select_related("organization__division", "township")
    unmasked_ids: set[int] = set()
    if unmasked:
        unmasked_ids = unmaskable_ids(user, queryset)
        if unmasked_ids:
            record_unmasked_export(user, Cadre.objects.filter(pk__in=unmasked_ids).only("pk").order_by("pk"),
                                   request=request, via="roster export")
    security_event_record(kind="export", user=user, request=request, what="cadre roster",
                          filters=filters or {}, unmasked=bool(unmasked_ids))
    name = "干部名册（含完整号码）" if unmasked_ids else "干部名册"
    return xlsx_response(name, "干部名册", EXPORT_HEADERS, roster_rows(queryset, unmasked_ids))
