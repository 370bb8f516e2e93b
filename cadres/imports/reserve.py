"""Import the village reserve cadre pool (村级后备干部) — synchronous, all rows or none.

Layout (first row = headers, any order; domain-practice §3e):
序号 | 乡镇 | 村 | 村级区划代码 * | 姓名 * | 性别 | 民族 | 出生年月 | 身份证号 * | 政治面貌 | 入党时间 | 文化程度 |
联系电话 | 人员类别 * | 现任职务 | 培养方向 * | 培养联系人 | 入库时间 | 培养措施 | 年度考核 | 当前状态 | 备注

Every row is checked before anything is written: the person columns (ID number check digit and birth date,
mobile; cadres/imports/person_columns.py), the village code (12 digits, known, holding a village or community
Party organization inside the uploader's writable scope), the type, track and status vocabularies, the
yearly reviews ("2025：优秀；2024：称职"), and duplicates (the same person twice in the file, or already in
the pool). If any row is wrong nothing is written and every error is listed with its row and column.
The writes are bulk inserts with their audit-trail rows, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from organizations.imports.pipeline import ImportResult, excerpt, read_upload_table
from organizations.models import Division, Organization
from organizations.permissions import can, writable
from organizations.policies import PolicyBook
from organizations.roles import Level

from ..models import ReserveCadre, ReserveReview, ReserveStatus, ReserveType, ReviewResult, Track
from ..selectors.reserve import POOL_CATEGORIES
from ..services.reserve import AGE_POLICY_KEYS, age_refusal
from .person_columns import PERSON_HEADERS, header_key, norm, parse_date, parse_person

RESERVE_HEADERS: dict[str, tuple[str, ...]] = {
    "serial": ("序号",),
    "township": ("乡镇", "乡镇（街道）"),
    "village": ("村", "村（社区）", "村（居）", "社区"),
    "code": ("村级区划代码", "区划代码", "村区划代码"),
    **PERSON_HEADERS,
    "reserve_type": ("人员类别", "后备类别", "类别"),
    "current_post": ("现任职务",),
    "track": ("培养方向", "培养目标（方向）", "培养目标"),
    "mentor": ("培养联系人", "联系人"),
    "joined_on": ("入库时间", "入库日期"),
    "measures": ("培养措施",),
    "reviews": ("年度考核",),
    "status": ("当前状态", "状态"),
    "note": ("备注",),
}
REQUIRED = ("code", "name", "id_number", "reserve_type", "track")
_CODE = re.compile(r"^\d{12}$")

TEMPLATE_HEADERS = ["序号", "乡镇", "村", "村级区划代码", "姓名", "性别", "民族", "出生年月", "身份证号", "政治面貌", "入党时间",
                    "文化程度", "联系电话", "人员类别", "现任职务", "培养方向", "培养联系人", "入库时间", "培养措施", "年度考核",
                    "当前状态", "备注"]

#: Canonical Chinese names written by the template and the export.
TYPE_NAMES = {ReserveType.STUDENT_OFFICIAL: "大学生村官", ReserveType.MIGRANT_BUSINESS: "外出务工经商人员",
              ReserveType.RICH_LEADER: "致富带头人", ReserveType.RETURNING_GRADUATE: "高校毕业生",
              ReserveType.VETERAN: "退役军人", ReserveType.OTHER: "其他"}
TYPE_WORDS = {
    **{name: key for key, name in TYPE_NAMES.items()},
    "大学生村干部": ReserveType.STUDENT_OFFICIAL, "选调生": ReserveType.STUDENT_OFFICIAL,
    "外出经商人员": ReserveType.MIGRANT_BUSINESS, "外出务工人员": ReserveType.MIGRANT_BUSINESS,
    "务工经商人员": ReserveType.MIGRANT_BUSINESS, "返乡创业人员": ReserveType.MIGRANT_BUSINESS,
    "返乡农民工": ReserveType.MIGRANT_BUSINESS, "外出务工经商能人": ReserveType.MIGRANT_BUSINESS,
    "致富能手": ReserveType.RICH_LEADER, "本土致富能人": ReserveType.RICH_LEADER, "致富能人": ReserveType.RICH_LEADER,
    "新型农业经营主体带头人": ReserveType.RICH_LEADER,
    "返乡大学生": ReserveType.RETURNING_GRADUATE, "回乡大学生": ReserveType.RETURNING_GRADUATE,
    "大学毕业生": ReserveType.RETURNING_GRADUATE,
    "复员军人": ReserveType.VETERAN, "退伍军人": ReserveType.VETERAN,
    "本村在职干部": ReserveType.OTHER,
}
TRACK_NAMES = {Track.SECRETARY: "村党组织书记", Track.DIRECTOR: "村委会主任", Track.COMMITTEE_MEMBER: "“两委”委员"}
TRACK_WORDS = {
    **{name: key for key, name in TRACK_NAMES.items()},
    "书记": Track.SECRETARY, "村支书": Track.SECRETARY, "党支部书记": Track.SECRETARY, "村党支部书记": Track.SECRETARY,
    "主任": Track.DIRECTOR, "村（居）委会主任": Track.DIRECTOR, "居委会主任": Track.DIRECTOR,
    "村民委员会主任": Track.DIRECTOR,
    "两委委员": Track.COMMITTEE_MEMBER, "\"两委\"委员": Track.COMMITTEE_MEMBER, "村两委委员": Track.COMMITTEE_MEMBER,
    "委员": Track.COMMITTEE_MEMBER, "两委成员": Track.COMMITTEE_MEMBER,
}
STATUS_NAMES = {ReserveStatus.IN_POOL: "在库", ReserveStatus.ENTERED_COMMITTEE: "已进“两委”",
                ReserveStatus.LEFT: "已调出"}
STATUS_WORDS = {
    **{name: key for key, name in STATUS_NAMES.items()},
    "已进两委": ReserveStatus.ENTERED_COMMITTEE, "已进\"两委\"": ReserveStatus.ENTERED_COMMITTEE,
    "进入两委": ReserveStatus.ENTERED_COMMITTEE, "已退出": ReserveStatus.LEFT, "调出": ReserveStatus.LEFT,
    "退出": ReserveStatus.LEFT,
}
REVIEW_NAMES = {ReviewResult.EXCELLENT: "优秀", ReviewResult.COMPETENT: "称职",
                ReviewResult.BASICALLY_COMPETENT: "基本称职", ReviewResult.INCOMPETENT: "不称职"}
REVIEW_WORDS = {**{name: key for key, name in REVIEW_NAMES.items()}, "合格": ReviewResult.COMPETENT,
                "良好": ReviewResult.COMPETENT, "基本合格": ReviewResult.BASICALLY_COMPETENT,
                "不合格": ReviewResult.INCOMPETENT}
_REVIEW_PART = re.compile(r"^(?:(\d{4})\s*(?:年度|年)?\s*[:：]?\s*)?(.+)$")
_SPLIT = re.compile(r"[;；,，、\n]+")


def _header(key: str) -> str:
    return RESERVE_HEADERS[key][0]


def _word(text: str, words: dict, choices) -> str | None:
    value = norm(text).replace(" ", "")
    value = value.replace("“", "\"").replace("”", "\"") if value not in words else value
    if value in words:
        return str(words[value])
    if value in dict(choices):
        return value
    return {str(label): code for code, label in choices}.get(value)


def parse_reviews(text: str, *, default_year: int) -> tuple[list[tuple[int, str]], str | None]:
    """'2025：优秀；2024：称职' → [(2025, 'excellent'), (2024, 'competent')]; a bare result is ``default_year``'s."""
    reviews: dict[int, str] = {}
    for part in _SPLIT.split(norm(text)):
        part = part.strip()
        if not part:
            continue
        match = _REVIEW_PART.match(part)
        year = int(match.group(1)) if match.group(1) else default_year
        result = REVIEW_WORDS.get(match.group(2).strip())
        if result is None:
            return [], _("Unknown review “%(value)s”; write for example 2025：优秀 (优秀、称职、基本称职、不称职).") % {
                "value": excerpt(part)}
        reviews[year] = str(result)
    return sorted(reviews.items(), reverse=True), None


def reserve_import(*, user, upload, request=None) -> ImportResult:
    """Check every row of ``upload``; write all reserve cadres (and their reviews) or none."""
    if not can(user, "reserve", "import"):
        raise ValidationError(_("You may not import the reserve pool."))
    result = ImportResult()
    table = read_upload_table(upload, kind="cadres", header_key=lambda h: header_key(h, RESERVE_HEADERS),
                              required=[(k, RESERVE_HEADERS[k][0]) for k in REQUIRED], result=result)
    if table is None:
        return result
    data, reader = table.data, table.reader
    error = result.error

    codes = {reader(cells)("code") for _n, cells in data}
    divisions = {d.code: d for d in Division.objects.filter(code__in=codes).select_related("township")}
    candidates: dict[int, list[Organization]] = defaultdict(list)
    for org in Organization.objects.filter(division__in=divisions.values(), is_active=True,
                                           category__in=POOL_CATEGORIES).order_by("pk"):
        candidates[org.division_id].append(org)
    org_ids = [o.pk for orgs in candidates.values() for o in orgs]
    allowed = set(writable(Organization.objects.filter(pk__in=org_ids), user, "reserve", "import").values_list(
        "pk", flat=True))
    id_numbers = set()
    for _n, cells in data:
        id_numbers.add(norm(reader(cells)("id_number")).upper())
    in_pool = defaultdict(set)  # id number -> organization ids where the person is in the pool
    for id_number, org_id in ReserveCadre.objects.filter(
            id_number__in=id_numbers - {""}, status=ReserveStatus.IN_POOL).values_list("id_number", "organization_id"):
        in_pool[id_number].add(org_id)

    today = timezone.localdate()
    age_book = PolicyBook(AGE_POLICY_KEYS)
    rows: list[tuple[ReserveCadre, list[tuple[int, str]]]] = []
    seen: dict[str, int] = {}
    for number, cells in data:
        cell = reader(cells)
        before = len(result.errors)
        person, person_errors = parse_person(cell)
        for column, message in person_errors:
            error(number, column, message)
        organization = _organization_for(cell, divisions, candidates, allowed, number, error)
        values = {}
        for key, words, choices in (("reserve_type", TYPE_WORDS, ReserveType.choices),
                                    ("track", TRACK_WORDS, Track.choices)):
            text = cell(key)
            if not text:
                error(number, _header(key), _("This column is required."))
                continue
            values[key] = _word(text, words, choices)
            if values[key] is None:
                names = TYPE_NAMES if key == "reserve_type" else TRACK_NAMES
                error(number, _header(key), _("Unknown value “%(value)s”; use one of: %(choices)s.") % {
                    "value": excerpt(text), "choices": "、".join(names.values())})
        status = ReserveStatus.IN_POOL
        if cell("status"):
            status = _word(cell("status"), STATUS_WORDS, ReserveStatus.choices)
            if status is None:
                error(number, _header("status"), _("Unknown value “%(value)s”; use one of: %(choices)s.") % {
                    "value": excerpt(cell("status")), "choices": "、".join(STATUS_NAMES.values())})
        joined_on = today
        if cell("joined_on"):
            joined_on = parse_date(cell("joined_on"))
            if joined_on is None or joined_on > today or joined_on.year < 1990:
                error(number, _header("joined_on"), _("“%(value)s” is not a plausible date.") % {
                    "value": excerpt(cell("joined_on"))})
                joined_on = None
        reviews: list[tuple[int, str]] = []
        if cell("reviews"):
            reviews, message = parse_reviews(cell("reviews"), default_year=today.year - 1)
            if message:
                error(number, _header("reviews"), message)
            elif joined_on and any(year > today.year or year < joined_on.year for year, _r in reviews):
                error(number, _header("reviews"), _("A review year is before joining the pool or in the future."))
        for key, limit in (("current_post", 100), ("mentor", 50), ("note", 200)):
            if len(cell(key)) > limit:
                error(number, _header(key), _("Longer than %(n)s characters.") % {"n": limit})
        id_number = person["id_number"]
        if id_number and status == ReserveStatus.IN_POOL:
            if id_number in seen:
                error(number, _header("id_number"), _("Duplicate person: row %(row)s has the same ID number.") % {
                    "row": seen[id_number]})
            elif organization is not None and organization.pk in in_pool.get(id_number, ()):
                error(number, _header("id_number"), _("Duplicate person: already in the reserve pool of %(org)s.")
                      % {"org": organization.name})
            elif in_pool.get(id_number):
                error(number, _header("id_number"), _("Duplicate person: already in the reserve pool of another "
                                                      "village."))
            seen.setdefault(id_number, number)
        if len(result.errors) == before:
            reserve = ReserveCadre(
                **person, reserve_type=values["reserve_type"], track=values["track"],
                current_post=cell("current_post"), mentor=cell("mentor"), joined_on=joined_on,
                measures=cell("measures"), status=status, note=cell("note"),
                status_changed_on=None if status == ReserveStatus.IN_POOL else today)
            reserve.organization = organization
            reserve.county_id, reserve.township_id = organization.county_id, organization.township_id
            try:
                reserve.full_clean(exclude=["county", "township", "source_member"], validate_unique=False,
                                   validate_constraints=False)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        error(number, _header({"birth_date": "birth"}.get(name, name))
                              if {"birth_date": "birth"}.get(name, name) in RESERVE_HEADERS else "", message)
            else:
                # The age rule of the village's area (an import names no member rating: no 9-star waiver).
                ages = age_book.for_organization(organization)
                refusal = age_refusal(birth_date=reserve.birth_date, on=joined_on or today,
                                      max_age=ages["reserve_max_age"],
                                      exempt_stars=ages["reserve_age_exempt_stars"]) \
                    if status == ReserveStatus.IN_POOL else None
                if refusal:
                    error(number, _header("birth") if "birth" in RESERVE_HEADERS else "", refusal)
                else:
                    rows.append((reserve, reviews))
    if result.errors:
        return result
    with transaction.atomic():
        created = bulk_create_with_history([r for r, _v in rows], ReserveCadre, batch_size=500, default_user=user,
                                           default_change_reason="import")
        reviews = []
        for reserve, (_r, items) in zip(created, rows, strict=True):
            for year, outcome in items:
                review = ReserveReview(reserve=reserve, year=year, result=outcome)
                review.copy_scope_from(reserve)
                reviews.append(review)
        if reviews:
            bulk_create_with_history(reviews, ReserveReview, batch_size=500, default_user=user,
                                     default_change_reason="import")
        from organizations.services import security_event_record

        security_event_record(kind="import", user=user, request=request, what="reserve pool",
                              file=getattr(upload, "name", ""), rows=len(created))
    result.created = created
    return result


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
    if division.level != Level.VILLAGE:
        error(number, column, _("%(code)s is not the code of a village or community.") % {"code": code})
        return None
    orgs = candidates.get(division.pk, [])
    if not orgs:
        error(number, column, _("No Party organization of a village or community on %(code)s (%(name)s).") % {
            "code": code, "name": division.name})
        return None
    organization = orgs[0]
    if organization.pk not in allowed:
        error(number, column, _("%(code)s (%(name)s) is outside your scope.") % {"code": code, "name": division.name})
        return None
    village_name, township_name = cell("village"), cell("township")
    if village_name and not (village_name in division.name or division.name in village_name):
        error(number, _header("village"), _("“%(given)s” does not match the code %(code)s (%(name)s).") % {
            "given": excerpt(village_name), "code": code, "name": division.name})
    township = division.township
    if township_name and township is not None and not (township_name in township.name
                                                       or township.name in township_name):
        error(number, _header("township"), _("“%(given)s” does not match the code %(code)s (%(name)s).") % {
            "given": excerpt(township_name), "code": code, "name": township.name})
    return organization


def review_text(reviews) -> str:
    return "；".join(f"{r.year}：{REVIEW_NAMES.get(r.result, r.result)}" for r in sorted(
        reviews, key=lambda r: -r.year))


def date_text(value: dt.date | None) -> str:
    return f"{value.year}.{value.month:02d}.{value.day:02d}" if value else ""
