"""The import file layout: columns (Chinese headers, English aliases) and the vocabularies of their values."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models.divisions import DivisionKind
from ..models.orgs import OrganizationCategory, OrganizationType
from ..roles import Level


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the Chinese header of the template
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("code", "区划代码", True, ("division code", "code", "division_code")),
    Column("name", "区划名称", True, ("division name", "name", "division_name")),
    Column("kind", "区划类型", True,
           ("division kind", "division type", "kind", "division_kind")),
    Column("parent_code", "上级区划代码", False,
           ("parent division code", "parent code", "parent_code")),
    Column("org_name", "党组织名称", False,
           ("organization name", "organization", "org_name", "party organization")),
    Column("org_type", "组织类型", False, ("organization type", "org_type", "type")),
    Column("category", "党组织类别", False,
           ("organization category", "category")),
    Column("parent_org", "上级党组织", False,
           ("parent organization", "parent_org", "parent organization name")),
    Column("secretary", "书记", False, ("secretary", "secretary name", "secretary_name")),
    Column("members", "党员数", False,
           ("party members", "members", "member_count", "member count", "党员人数")),
    Column("population", "人口", False, ("population", "人口数")),
    Column("poverty_village", "脱贫村", False,
           ("poverty-alleviated village", "poverty village", "poverty_village", "is_poverty_village", "贫困村",
            "建档立卡贫困村", "是否脱贫村")),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}

#: Headers accepted and ignored (a serial number or remarks column is common in county spreadsheets).
IGNORED_HEADERS = frozenset({"序号", "备注", "no", "no.", "remarks", "notes"})


def normalize_header(text) -> str:
    """Compare headers ignoring case, BOM, runs of spaces or underscores and a trailing required mark (*)."""
    value = "" if text is None else str(text)
    value = value.replace("\ufeff", "").strip().lower()
    value = re.sub(r"[\s_]+", " ", value)
    value = value.rstrip("*＊").strip()
    return value


HEADER_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.key, *_column.aliases):
        HEADER_LOOKUP[normalize_header(_name)] = _column.key


def expected_headers() -> str:
    return "、".join(c.header for c in COLUMNS)


def _lookup(entries) -> dict[str, str]:
    table = {}
    for value, names in entries:
        for name in (value, *names):
            table[normalize_header(name)] = value
    return table


#: Division kinds by how a county writes them; the level a kind belongs to.
KIND_LOOKUP = _lookup([
    (DivisionKind.TOWNSHIP, ("乡", "township (xiang)", "township")),
    (DivisionKind.TOWN, ("镇", "town")),
    (DivisionKind.SUBDISTRICT, ("街道", "街道办事处", "subdistrict")),
    (DivisionKind.VILLAGE, ("村", "行政村", "administrative village")),
    (DivisionKind.COMMUNITY, ("社区", "居委会", "community")),
])
KIND_LEVEL = {
    DivisionKind.TOWNSHIP: Level.TOWNSHIP, DivisionKind.TOWN: Level.TOWNSHIP,
    DivisionKind.SUBDISTRICT: Level.TOWNSHIP, DivisionKind.VILLAGE: Level.VILLAGE,
    DivisionKind.COMMUNITY: Level.VILLAGE,
}
KIND_WORDS = "乡、镇、街道、村、社区"

ORG_TYPE_LOOKUP = _lookup([
    (OrganizationType.COMMITTEE, ("党委", "党委员会", "party committee")),
    (OrganizationType.GENERAL_BRANCH, ("党总支", "总支", "general party branch")),
    (OrganizationType.BRANCH, ("党支部", "支部", "party branch")),
])
ORG_TYPE_WORDS = "党委、党总支、党支部"

CATEGORY_LOOKUP = _lookup([
    (OrganizationCategory.VILLAGE, ("村", "行政村", "village")),
    (OrganizationCategory.COMMUNITY, ("社区", "community")),
    (OrganizationCategory.NON_PUBLIC_ENTERPRISE, ("非公企业", "非公有制企业",
                                                  "non-public enterprise")),
    (OrganizationCategory.SOCIAL_ORGANIZATION, ("社会组织", "social organization")),
    (OrganizationCategory.AGENCY, ("机关", "agency")),
    (OrganizationCategory.SERVICE, ("窗口单位", "服务行业", "窗口服务单位", "窗口单位和服务行业", "service")),
    (OrganizationCategory.TOWNSHIP, ("乡镇", "乡镇（街道）", "街道", "township")),
    (OrganizationCategory.OTHER, ("其他", "other")),
])
CATEGORY_WORDS = "村、社区、非公企业、社会组织、机关、窗口单位、乡镇、其他"

#: Yes/no cells (the 脱贫村 column): empty leaves the value as it is.
YES_NO_LOOKUP = _lookup([("yes", ("是", "y", "1", "true", "√", "✓")), ("no", ("否", "n", "0", "false"))])
YES_NO_WORDS = "是、否"

#: The category an organization gets when the column is left empty, from its division's kind.
DEFAULT_CATEGORY = {
    DivisionKind.VILLAGE: OrganizationCategory.VILLAGE,
    DivisionKind.COMMUNITY: OrganizationCategory.COMMUNITY,
    DivisionKind.TOWNSHIP: OrganizationCategory.TOWNSHIP,
    DivisionKind.TOWN: OrganizationCategory.TOWNSHIP,
    DivisionKind.SUBDISTRICT: OrganizationCategory.TOWNSHIP,
}
