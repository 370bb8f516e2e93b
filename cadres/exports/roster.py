"""Excel export of the roster: the list page's scope and filters, in the import layout (§3e).

Masked by default for every role. With ``unmasked_ids`` (the ``unmasked=1`` option of the export, offered only
to roles holding personal_data/unmask: the rows the user may unmask, logged by ``masking.unmask_for_export``)
those rows carry full numbers; the others stay masked. The view (``web/roster_views.py``, a
ScopedExportView) checks the permission and writes the export to the security log.
"""

from __future__ import annotations

from organizations.exports.excel import letterhead_for, xlsx_response

from ..imports.person_columns import person_cells
from ..imports.roster import POST_NAMES, TEMPLATE_HEADERS, started_text

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


def roster_export_response(queryset, *, unmasked_ids=frozenset(), user=None):
    queryset = queryset.select_related("organization__division", "township")
    name = "干部名册（含完整号码）" if unmasked_ids else "干部名册"
    return xlsx_response(name, "干部名册", EXPORT_HEADERS, roster_rows(queryset, unmasked_ids),
                         letterhead=letterhead_for(user, "村（社区）“两委”干部名册"), key_columns=5)
