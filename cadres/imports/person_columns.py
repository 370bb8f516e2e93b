"""Person columns of the cadre workbooks (roster, reserve pool): headers, vocabularies, parsing.

``parse_person(cell)`` reads 姓名 | 性别 | 民族 | 出生年月 | 身份证号 | 政治面貌 | 入党时间 | 文化程度 | 联系电话
from one row and returns the PersonFields values and the row's errors ``[(column, message)]``; the
ID number is checked with the GB 11643 check digit and against 出生年月 (year and month), the mobile
against the mainland format. ``person_cells(obj, unmasked)`` is the reverse, for exports.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from organizations.imports.pipeline import excerpt, norm

from ..identity import birth_date_from_id, normalise_id_number, validate_id_number, validate_mobile
from ..masking import birth_year, masked_person
from ..models import Education, PoliticalStatus, Sex

# Header -> key; the first header is the one written by the template and the export.
PERSON_HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "sex": ("性别",),
    "ethnicity": ("民族",),
    "birth": ("出生年月", "出生日期", "出生年月（年龄）"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码"),
    "political_status": ("政治面貌",),
    "joined_party_on": ("入党时间", "入党日期"),
    "education": ("文化程度", "学历"),
    "phone": ("联系电话", "手机", "手机号码", "联系方式"),
}
REQUIRED_PERSON = ("name", "id_number")

SEX_WORDS = {"男": Sex.MALE, "女": Sex.FEMALE, "male": Sex.MALE, "female": Sex.FEMALE}
SEX_NAMES = {Sex.MALE: "男", Sex.FEMALE: "女"}
POLITICAL_WORDS = {
    "中共党员": PoliticalStatus.MEMBER, "党员": PoliticalStatus.MEMBER, "中国共产党党员": PoliticalStatus.MEMBER,
    "中共预备党员": PoliticalStatus.PROBATIONARY, "预备党员": PoliticalStatus.PROBATIONARY,
    "入党积极分子": PoliticalStatus.ACTIVIST, "发展对象": PoliticalStatus.ACTIVIST,
    "群众": PoliticalStatus.MASSES,
}
POLITICAL_NAMES = {PoliticalStatus.MEMBER: "中共党员", PoliticalStatus.PROBATIONARY: "中共预备党员",
                   PoliticalStatus.ACTIVIST: "入党积极分子", PoliticalStatus.MASSES: "群众"}
EDUCATION_WORDS = {
    "小学": Education.PRIMARY, "初中": Education.JUNIOR, "高中": Education.SENIOR, "中专": Education.SENIOR,
    "职高": Education.SENIOR, "技校": Education.SENIOR, "高中或中专": Education.SENIOR,
    "大专": Education.ASSOCIATE, "专科": Education.ASSOCIATE, "本科": Education.BACHELOR, "大学本科": Education.BACHELOR,
    "大学": Education.BACHELOR, "研究生": Education.POSTGRADUATE, "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
}
EDUCATION_NAMES = {Education.PRIMARY: "小学", Education.JUNIOR: "初中", Education.SENIOR: "高中",
                   Education.ASSOCIATE: "大专", Education.BACHELOR: "本科", Education.POSTGRADUATE: "研究生"}

_MONTH = re.compile(r"^(\d{4})\s*[-./年]?\s*(\d{1,2})\s*(?:[-./月]\s*(\d{1,2})\s*日?|月)?$")


def header_key(header: str, table: dict[str, tuple[str, ...]]) -> str | None:
    text = norm(header).rstrip("*").strip()
    for key, names in table.items():
        if text in names or text == key:
            return key
    return None


def parse_month(text: str) -> tuple[int, int, int | None] | None:
    """'1975.03', '1975-3', '1975年3月', '197503', '1975-03-08' → (year, month, day or None)."""
    text = norm(text).replace(" ", "")
    if re.fullmatch(r"\d{6}", text):
        text = f"{text[:4]}.{text[4:]}"
    elif re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    match = _MONTH.match(text)
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    day = int(match.group(3)) if match.group(3) else None
    try:
        dt.date(year, month, day or 1)
    except ValueError:
        return None
    return year, month, day


def parse_date(text: str) -> dt.date | None:
    """A date given to the month (first of the month) or the day; ``None`` if unreadable."""
    parsed = parse_month(text)
    if parsed is None:
        return None
    year, month, day = parsed
    return dt.date(year, month, day or 1)


def _vocabulary(value: str, words: dict, column: str, errors: list, choices) -> str:
    if not value:
        return ""
    key = words.get(value) or words.get(value.lower())
    if key is None:
        labels = {str(label): code for code, label in choices}
        key = labels.get(value) or (value if value in dict(choices) else None)
    if key is None:
        errors.append((column, _("Unknown value “%(value)s”; use one of: %(choices)s.") % {
            "value": excerpt(value), "choices": "、".join(dict.fromkeys(words))}))
        return ""
    return str(key)


def parse_person(cell, headers: dict[str, str] | None = None) -> tuple[dict, list[tuple[str, str]]]:
    """Read the person columns of a row: ``cell(key)`` returns the normalised text of column ``key``.

    ``headers`` maps a key to the header shown in error messages (default: the template header).
    """
    headers = headers or {k: v[0] for k, v in PERSON_HEADERS.items()}
    errors: list[tuple[str, str]] = []
    values: dict = {}
    name = cell("name")
    if not name:
        errors.append((headers["name"], _("The name is missing.")))
    elif len(name) > 50:
        errors.append((headers["name"], _("The name is longer than 50 characters.")))
    values["name"] = name
    values["sex"] = _vocabulary(cell("sex"), SEX_WORDS, headers["sex"], errors, Sex.choices)
    values["ethnicity"] = cell("ethnicity")[:20] or "汉族"
    values["political_status"] = _vocabulary(cell("political_status"), POLITICAL_WORDS, headers["political_status"],
                                             errors, PoliticalStatus.choices)
    values["education"] = _vocabulary(cell("education"), EDUCATION_WORDS, headers["education"], errors,
                                      Education.choices)
    id_number = normalise_id_number(cell("id_number"))
    values["id_number"] = id_number
    born = None
    if not id_number:
        errors.append((headers["id_number"], _("The ID number is missing.")))
    else:
        try:
            validate_id_number(id_number)
        except ValidationError as exc:
            message = "；".join(exc.messages)
            if re.fullmatch(r"\d{15,17}0*", id_number) and len(id_number) == 18 and id_number.endswith("000"):
                message += _(" (Excel may have rounded it: format the column as text.)")
            errors.append((headers["id_number"], message))
        else:
            born = birth_date_from_id(id_number)
    birth_text = cell("birth")
    if birth_text:
        parsed = parse_month(birth_text)
        if parsed is None:
            errors.append((headers["birth"], _("“%(value)s” is not a date (write 1975.03 or 1975-03-08).") % {
                "value": excerpt(birth_text)}))
        elif born is not None and ((parsed[0], parsed[1]) != (born.year, born.month)
                                   or (parsed[2] is not None and parsed[2] != born.day)):
            errors.append((headers["birth"], _("The date of birth does not match the ID number.")))
    values["birth_date"] = born
    if born is None and birth_text and (parsed := parse_month(birth_text)):
        values["birth_date"] = dt.date(parsed[0], parsed[1], parsed[2] or 1)
    joined_text = cell("joined_party_on")
    values["joined_party_on"] = None
    if joined_text:
        joined = parse_date(joined_text)
        if joined is None:
            errors.append((headers["joined_party_on"], _("“%(value)s” is not a date.") % {"value": excerpt(joined_text)}))
        elif joined > dt.date.today() or (values["birth_date"] and joined < values["birth_date"]):
            errors.append((headers["joined_party_on"], _("The date is not plausible.")))
        else:
            values["joined_party_on"] = joined
    phone = re.sub(r"[\s-]", "", cell("phone"))
    values["phone"] = phone
    if phone:
        try:
            validate_mobile(phone)
        except ValidationError as exc:
            errors.append((headers["phone"], "；".join(exc.messages)))
    return values, errors


def month_text(value: dt.date | None) -> str:
    return f"{value.year}.{value.month:02d}" if value else ""


def person_cells(obj, *, unmasked: bool = False) -> list:
    """姓名 | 性别 | 民族 | 出生年月 | 身份证号 | 政治面貌 | 入党时间 | 文化程度 | 联系电话 of one person (masked by default)."""
    numbers = {"id_number": obj.id_number, "phone": obj.phone} if unmasked else masked_person(obj)
    born = month_text(obj.birth_date) if unmasked else birth_year(obj.birth_date)  # year only beside a masked ID
    return [obj.name, SEX_NAMES.get(obj.sex, ""), obj.ethnicity, born, numbers["id_number"],
            POLITICAL_NAMES.get(obj.political_status, ""), month_text(obj.joined_party_on),
            EDUCATION_NAMES.get(obj.education, ""), numbers["phone"]]


PERSON_EXPORT_HEADERS = ["姓名", "性别", "民族", "出生年月", "身份证号", "政治面貌", "入党时间", "文化程度", "联系电话"]
