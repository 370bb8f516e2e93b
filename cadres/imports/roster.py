"""Import a roster workbook (村"两委" and other posts) — synchronous, all rows or none.

Layout (first row = headers, any order; domain-practice §3e):
序号 | 乡镇 | 村（社区）| 村级区划代码 * | 姓名 * | 性别 | 民族 | 出生年月 | 身份证号 * | 政治面貌 | 入党时间 | 文化程度 |
联系电话 | 职务 * | 任职时间 | 备注

Every row is checked before anything is written: the ID number (GB 11643 check digit, birth date inside it,
出生年月 consistent with it), the mobile, the village code (12 digits, known, holding a village or community
Party organization — or a township code for a township organizer — inside the uploader's writable scope),
the post (vocabulary below), and duplicates: the same person twice in the file for one post, a person
already holding that post in that organization, a second secretary or director. If any row is wrong,
nothing is written and every error is listed with its row number, column and reason.

Files are read synchronously: at most the rows and bytes of ``IMPORT_LIMITS["cadres"]`` (a county's roster is
about 2,000 rows); the writes are bulk inserts with their audit-trail rows, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from organizations.imports.pipeline import ImportResult, excerpt, import_limits, read_upload_table
from organizations.models import Division, Organization
from organizations.models.orgs import OrganizationCategory
from organizations.permissions import can, writable
from organizations.roles import Level

from ..identity import id_check_char
from ..models import Cadre, Post
from ..services.roster import SINGLE_POSTS
from .person_columns import PERSON_HEADERS, header_key, norm, parse_date, parse_person

ROSTER_HEADERS: dict[str, tuple[str, ...]] = {
    "serial": ("序号",),
    "township": ("乡镇", "乡镇（街道）"),
    "village": ("村（社区）", "村", "村（居）", "村居", "社区"),
    "code": ("村级区划代码", "区划代码", "村区划代码"),
    **PERSON_HEADERS,
    "post": ("职务", "现任职务"),
    "post_started_on": ("任职时间", "任职日期"),
    "note": ("备注",),
}
def max_rows() -> int:
    """The row cap shown on the import page (IMPORT_LIMITS["cadres"])."""
    return import_limits("cadres").max_rows


REQUIRED = ("code", "name", "id_number", "post")
_CODE = re.compile(r"^\d{12}$")

#: Written by the template and the export (canonical Chinese name of each post).
POST_NAMES = {
    Post.SECRETARY: "党组织书记", Post.SECRETARY_DIRECTOR: "书记、主任（一肩挑）", Post.DEPUTY_SECRETARY: "副书记",
    Post.DIRECTOR: "村（居）委会主任", Post.COMMITTEE_MEMBER: "“两委”委员", Post.FIRST_SECRETARY: "第一书记",
    Post.STUDENT_OFFICIAL: "大学生村官", Post.TOWNSHIP_ORGANIZER: "组织委员",
}
POST_WORDS = {
    **{name: post for post, name in POST_NAMES.items()},
    "书记": Post.SECRETARY, "村党组织书记": Post.SECRETARY, "党支部书记": Post.SECRETARY, "支部书记": Post.SECRETARY,
    "党总支书记": Post.SECRETARY, "党委书记": Post.SECRETARY, "村支书": Post.SECRETARY,
    "一肩挑": Post.SECRETARY_DIRECTOR, "书记、主任": Post.SECRETARY_DIRECTOR, "书记兼主任": Post.SECRETARY_DIRECTOR,
    "书记、主任一肩挑": Post.SECRETARY_DIRECTOR, "党组织书记、村委会主任": Post.SECRETARY_DIRECTOR,
    "副书记": Post.DEPUTY_SECRETARY, "党支部副书记": Post.DEPUTY_SECRETARY,
    "主任": Post.DIRECTOR, "村委会主任": Post.DIRECTOR, "居委会主任": Post.DIRECTOR, "村民委员会主任": Post.DIRECTOR,
    "委员": Post.COMMITTEE_MEMBER, "两委委员": Post.COMMITTEE_MEMBER, "\"两委\"委员": Post.COMMITTEE_MEMBER,
    "村两委委员": Post.COMMITTEE_MEMBER, "支委委员": Post.COMMITTEE_MEMBER, "村委委员": Post.COMMITTEE_MEMBER,
    "大学生村干部": Post.STUDENT_OFFICIAL, "乡镇组织委员": Post.TOWNSHIP_ORGANIZER,
}
VILLAGE_CATEGORIES = (OrganizationCategory.VILLAGE, OrganizationCategory.COMMUNITY)

COLUMN_HELP = [
    ("序号", gettext_lazy("Optional serial number; ignored.")),
    ("乡镇", gettext_lazy("Optional; when given it must match the township of the code.")),
    ("村（社区）", gettext_lazy("Optional; when given it must match the village or community of the code.")),
    ("村级区划代码 *", gettext_lazy("The 12-digit code of the village or community (the township code, ending in "
                                "000, for a township organizer), inside your scope. Format the column as text.")),
    ("姓名 *", gettext_lazy("Full name.")),
    ("性别", gettext_lazy("男 or 女.")),
    ("民族", gettext_lazy("For example 汉族; 汉族 when empty.")),
    ("出生年月", gettext_lazy("For example 1975.03; when given it must match the ID number.")),
    ("身份证号 *", gettext_lazy("18 characters, the last may be X; checked with the national check digit. "
                             "Format the column as text.")),
    ("政治面貌", gettext_lazy("中共党员, 中共预备党员, 入党积极分子 or 群众.")),
    ("入党时间", gettext_lazy("For example 1998.07.")),
    ("文化程度", gettext_lazy("小学, 初中, 高中, 中专, 大专, 本科 or 研究生.")),
    ("联系电话", gettext_lazy("An 11-digit mainland mobile number.")),
    ("职务 *", gettext_lazy("党组织书记, 书记、主任（一肩挑）, 副书记, 村（居）委会主任, “两委”委员, 第一书记, 大学生村官 or 组织委员.")),
    ("任职时间", gettext_lazy("For example 2021.04.")),
    ("备注", gettext_lazy("Optional remarks (up to 200 characters).")),
]


def _post_key(text: str) -> str:
    """Compare post names ignoring width (NFKC), spaces and quotation marks."""
    return re.sub(r"[\s\"'“”‘’「」]", "", norm(text))


_POST_LOOKUP = {_post_key(word): post for word, post in POST_WORDS.items()}


def parse_post(text: str) -> str | None:
    value = _post_key(text)
    if value in _POST_LOOKUP:
        return str(_POST_LOOKUP[value])
    if value in Post.values:
        return value
    labels = {_post_key(str(label)): code for code, label in Post.choices}
    return labels.get(value)


def _header(key: str) -> str:
    return ROSTER_HEADERS[key][0]


def roster_import(*, user, upload, request=None) -> ImportResult:
    """Check every row of ``upload``; write all cadres or none. Raises ValidationError for an unreadable file."""
    if not can(user, "cadre", "import"):
        raise ValidationError(_("You may not import rosters."))
    result = ImportResult()
    table = read_upload_table(upload, kind="cadres", header_key=lambda h: header_key(h, ROSTER_HEADERS),
                              required=[(k, ROSTER_HEADERS[k][0]) for k in REQUIRED], result=result)
    if table is None:
        return result
    data, reader = table.data, table.reader
    error = result.error

    # Everything the checks need, loaded once.
    codes = {reader(cells)("code") for _n, cells in data}
    divisions = {d.code: d for d in Division.objects.filter(code__in=codes).select_related("township")}
    candidates: dict[int, list[Organization]] = defaultdict(list)
    for org in Organization.objects.filter(division__in=divisions.values(), is_active=True).order_by("pk"):
        candidates[org.division_id].append(org)
    all_orgs = [o for orgs in candidates.values() for o in orgs]
    allowed = set(writable(Organization.objects.filter(pk__in=[o.pk for o in all_orgs]), user, "cadre",
                           "import").values_list("pk", flat=True))
    current = defaultdict(list)  # org id -> current cadres
    for cadre in Cadre.objects.filter(organization_id__in=[o.pk for o in all_orgs], post_ended_on__isnull=True):
        current[cadre.organization_id].append(cadre)

    rows: list[tuple[int, Cadre]] = []
    seen_post: dict[tuple[int, str, str], int] = {}
    seen_single: dict[tuple[int, str], int] = {}
    seen_id_name: dict[str, tuple[str, int]] = {}
    today = timezone.localdate()
    for number, cells in data:
        cell = reader(cells)
        before = len(result.errors)
        person, person_errors = parse_person(cell)
        for column, message in person_errors:
            error(number, column, message)
        organization = _organization_for(cell, divisions, candidates, allowed, number, error)
        post = None
        post_text = cell("post")
        if not post_text:
            error(number, _header("post"), _("The post is missing."))
        else:
            post = parse_post(post_text)
            if post is None:
                error(number, _header("post"), _("Unknown post “%(value)s”; use one of: %(choices)s.") % {
                    "value": excerpt(post_text), "choices": "、".join(POST_NAMES.values())})
        started = None
        started_text = cell("post_started_on")
        if started_text:
            started = parse_date(started_text)
            if started is None or started > today:
                error(number, _header("post_started_on"), _("“%(value)s” is not a plausible date.") % {
                    "value": excerpt(started_text)})
        note = cell("note")
        if len(note) > 200:
            error(number, _header("note"), _("The remarks are longer than 200 characters."))
        id_number = person["id_number"]
        if id_number and person["name"]:
            other = seen_id_name.get(id_number)
            if other and other[0] != person["name"]:
                error(number, _header("id_number"), _("Row %(row)s has the same ID number for another name (%(name)s).")
                      % {"row": other[1], "name": excerpt(other[0])})
            seen_id_name.setdefault(id_number, (person["name"], number))
        if organization is not None and post is not None:
            _check_post(number, organization, post, id_number, current, seen_post, seen_single, error)
        if post == Post.TOWNSHIP_ORGANIZER and organization is not None \
                and organization.category != OrganizationCategory.TOWNSHIP:
            error(number, _header("post"), _("A township organizer belongs to a township Party committee: give the "
                                             "township code (ending in 000)."))
        if len(result.errors) == before:
            cadre = Cadre(post=post, post_started_on=started, note=note, **person)
            cadre.organization = organization
            cadre.county_id, cadre.township_id = organization.county_id, organization.township_id
            try:
                cadre.full_clean(exclude=["organization", "county", "township"], validate_unique=False,
                                 validate_constraints=False)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    column = _column_of(name)
                    for message in messages:
                        error(number, column, message)
            else:
                rows.append((number, cadre))
    if result.errors:
        return result
    with transaction.atomic():
        objs = [cadre for _n, cadre in rows]
        result.created = bulk_create_with_history(objs, Cadre, batch_size=500, default_user=user,
                                                  default_change_reason=_("Imported from a roster workbook"))
        from organizations.services import security_event_record

        security_event_record(kind="import", user=user, request=request, what="cadre roster",
                              file=getattr(upload, "name", ""), rows=len(objs))
    return result


def _column_of(field_name: str) -> str:
    key = {"birth_date": "birth"}.get(field_name, field_name)
    return _header(key) if key in ROSTER_HEADERS else ""


def _organization_for(cell, divisions, candidates, allowed, number, error):
    code = cell("code")
    column = _header("code")
    if not code:
        error(number, column, _("The village code is missing."))
        return None
    if not _CODE.match(code):
        error(number, column, _("“%(code)s” is not a 12-digit division code.") % {"code": excerpt(code)})
        return None
    division = divisions.get(code)
    if division is None:
        error(number, column, _("Unknown village code %(code)s.") % {"code": code})
        return None
    wanted = (OrganizationCategory.TOWNSHIP,) if division.level == Level.TOWNSHIP else VILLAGE_CATEGORIES
    if division.level not in (Level.TOWNSHIP, Level.VILLAGE):
        error(number, column, _("%(code)s is not the code of a village, community or township.") % {"code": code})
        return None
    orgs = [o for o in candidates.get(division.pk, []) if o.category in wanted]
    if not orgs:
        error(number, column, _("No Party organization of a village or community on %(code)s (%(name)s).") % {
            "code": code, "name": division.name})
        return None
    organization = orgs[0]
    if organization.pk not in allowed:
        error(number, column, _("%(code)s (%(name)s) is outside your scope.") % {"code": code, "name": division.name})
        return None
    village_name, township_name = cell("village"), cell("township")
    if division.level == Level.VILLAGE and village_name and not _same_name(village_name, division.name):
        error(number, _header("village"), _("“%(given)s” does not match the code %(code)s (%(name)s).") % {
            "given": excerpt(village_name), "code": code, "name": division.name})
    township = division.township if division.level == Level.VILLAGE else division
    if township_name and township is not None and not _same_name(township_name, township.name):
        error(number, _header("township"), _("“%(given)s” does not match the code %(code)s (%(name)s).") % {
            "given": excerpt(township_name), "code": code, "name": township.name})
    return organization


def _same_name(given: str, actual: str) -> bool:
    return given in actual or actual in given


def _check_post(number, organization, post, id_number, current, seen_post, seen_single, error):
    column = _header("post")
    key = (organization.pk, post, id_number)
    if id_number:
        if key in seen_post:
            error(number, _header("id_number"), _("Duplicate person: row %(row)s has the same person and post.")
                  % {"row": seen_post[key]})
        elif any(c.post == post and c.id_number == id_number for c in current[organization.pk]):
            error(number, _header("id_number"), _("Duplicate person: already on the roster of %(org)s as %(post)s.")
                  % {"org": organization.name, "post": Post(post).label})
        seen_post.setdefault(key, number)
    blocking = SINGLE_POSTS.get(post, ())
    holder = next((c for c in current[organization.pk] if c.post in blocking), None)
    if holder is not None and not (holder.id_number == id_number and holder.post == post):
        error(number, column, _("%(org)s already has %(name)s as %(post)s; end that post first.")
              % {"org": organization.name, "name": holder.name, "post": holder.get_post_display()})
    for other in blocking:
        row = seen_single.get((organization.pk, other))
        if row is not None and row != number:
            error(number, column, _("Row %(row)s already gives %(org)s a holder of this post.")
                  % {"row": row, "org": organization.name})
            break
    if post in SINGLE_POSTS:
        seen_single.setdefault((organization.pk, post), number)


# ----------------------------------------------------------------------------------------------- template

TEMPLATE_HEADERS = ["序号", "乡镇", "村（社区）", "村级区划代码", "姓名", "性别", "民族", "出生年月", "身份证号", "政治面貌",
                    "入党时间", "文化程度", "联系电话", "职务", "任职时间", "备注"]


def example_row() -> list:
    first17 = "35032219800101001"
    return [1, "示例镇", "示例村", "350322100200", "张三", "男", "汉族", "1980.01", first17 + id_check_char(first17),
            "中共党员", "2003.07", "大专", "13800001234", POST_NAMES[Post.SECRETARY_DIRECTOR], "2021.04",
            "示例行，导入前请删除"]


def template_response():
    from organizations.exports.excel import xlsx_response

    return xlsx_response("村两委干部名册导入模板", "干部名册", TEMPLATE_HEADERS, [example_row()])


def started_text(value: dt.date | None) -> str:
    return f"{value.year}.{value.month:02d}" if value else ""
