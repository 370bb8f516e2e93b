"""Excel export of the reserve pool in the import layout (§3e), and the import template.

Masked by default for every role. With ``unmasked_ids`` (``unmasked=1``, offered only to roles holding
personal_data/unmask; logged by ``masking.unmask_for_export``) those rows carry full numbers, the others stay
masked. The view (``web/reserve_views.py``, a ScopedExportView) checks the permission and logs the export.
"""

from __future__ import annotations

from django.db.models import Prefetch

from organizations.exports.excel import letterhead_for, xlsx_response

from ..identity import id_check_char
from ..imports.person_columns import person_cells
from ..imports.reserve import (
    STATUS_NAMES,
    TEMPLATE_HEADERS,
    TRACK_NAMES,
    TYPE_NAMES,
    date_text,
    review_text,
)
from ..models import ReserveReview, ReserveStatus, ReserveType, Track

SHEET = "村级后备干部"


def reserve_rows(queryset, unmasked_ids=frozenset()):
    queryset = queryset.select_related("organization__division", "township").prefetch_related(
        Prefetch("reviews", queryset=ReserveReview.objects.order_by("-year")))
    for index, reserve in enumerate(queryset.iterator(chunk_size=500), start=1):
        division = reserve.organization.division
        yield [index, reserve.township.name if reserve.township else "",
               division.name if division.level == "village" else reserve.organization.name, division.code,
               *person_cells(reserve, unmasked=reserve.pk in unmasked_ids),
               TYPE_NAMES.get(reserve.reserve_type, reserve.reserve_type), reserve.current_post,
               TRACK_NAMES.get(reserve.track, reserve.track), reserve.mentor, date_text(reserve.joined_on),
               reserve.measures, review_text(reserve.reviews.all()), STATUS_NAMES.get(reserve.status, reserve.status),
               reserve.note]


def export_response(queryset, *, unmasked_ids=frozenset(), user=None):
    queryset = queryset.order_by("township__code", "organization__division__code", "organization__name", "name")
    name = "村级后备干部（含完整号码）" if unmasked_ids else "村级后备干部"
    return xlsx_response(name, SHEET, TEMPLATE_HEADERS, reserve_rows(queryset, unmasked_ids),
                         letterhead=letterhead_for(user, "村级后备干部名册"), key_columns=5)


def example_row() -> list:
    first17 = "35032219950315002"
    return [1, "示例镇", "示例村", "350322100200", "李四", "女", "汉族", "1995.03", first17 + id_check_char(first17),
            "中共党员", "2018.06", "本科", "13900001234", TYPE_NAMES[ReserveType.STUDENT_OFFICIAL], "村委会委员",
            TRACK_NAMES[Track.SECRETARY], "王五", "2025.03.01", "挂职锻炼、参加县委党校培训", "2025：优秀",
            STATUS_NAMES[ReserveStatus.IN_POOL], "示例行，导入前请删除"]


def template_response():
    return xlsx_response("村级后备干部导入模板", SHEET, TEMPLATE_HEADERS, [example_row()])
