"""The problem catalogue of a plan's problem list (问题清单): what a plan's problems are chosen from.

Groups: the five problems seed 002 asks to solve ("disorganized party organization, irregular organization
activities, chaotic democratic management, prominent social contradictions and weak basic guarantee").
Items under them: the ten national types of the Party statistics form (``categories.NATIONAL_CATEGORIES``,
same codes, so a designation's categories point at their items), the four shortages of seed 001 (有人办事,
有场所议事, 有钱办事, 有章理事: what is lacking, under the group it weakens) and one "other" item per group
for a county's own findings (the problem's description says which).

Plain data, no database: a plan problem stores the item's code; its group follows from the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from .categories import NATIONAL_CATEGORIES


@dataclass(frozen=True)
class ProblemGroup:
    code: str
    name: str


@dataclass(frozen=True)
class ProblemItem:
    code: str
    group: ProblemGroup
    name: str
    #: Where the item comes from: the national statistics form, seed 001's four shortages, or the county.
    source: str

    @property
    def label(self) -> str:
        """"组织涣散 · RSHS02 党组织书记不胜任现职…": the group and the item, as the lists and exports show it."""
        code = f"{self.code} " if self.source == SOURCE_NATIONAL else ""
        return f"{self.group.name} · {code}{self.name}"


SOURCE_NATIONAL, SOURCE_SHORTAGE, SOURCE_OTHER = "national", "shortage", "other"

#: Seed 002's five problems, in its order.
GROUPS = (
    ProblemGroup("P1", "党组织涣散"),
    ProblemGroup("P2", "组织活动不规范"),
    ProblemGroup("P3", "民主管理混乱"),
    ProblemGroup("P4", "社会矛盾突出"),
    ProblemGroup("P5", "基础保障薄弱"),
)
_GROUP = {group.code: group for group in GROUPS}

#: The group of each national type (RSHS01-RSHS10).
NATIONAL_GROUPS = {
    "RSHS01": "P1", "RSHS02": "P1", "RSHS03": "P1", "RSHS10": "P1",
    "RSHS04": "P2",
    "RSHS05": "P3", "RSHS07": "P3",
    "RSHS06": "P4", "RSHS08": "P4",
    "RSHS09": "P5",
}

#: Seed 001's four shortages ("having someone to do things, a place to meet, money to do things and rules
#: to go by"), worded as the problem, with the group each weakens.
SHORTAGES = (
    ("DB-REN", "P1", "无人办事：村级骨干和后备力量缺乏（“有人办事”短板）"),
    ("DB-ZHANG", "P2", "无章理事：工作制度不健全、执行不到位（“有章理事”短板）"),
    ("DB-CHANG", "P5", "无场所议事：活动场所缺失或破旧狭小（“有场所议事”短板）"),
    ("DB-QIAN", "P5", "无钱办事：集体经济薄弱、运转经费不足（“有钱办事”短板）"),
)


def _items() -> tuple[ProblemItem, ...]:
    items = []
    for group in GROUPS:
        items += [ProblemItem(code, group, name, SOURCE_NATIONAL) for code, name in NATIONAL_CATEGORIES
                  if NATIONAL_GROUPS[code] == group.code]
        items += [ProblemItem(code, group, name, SOURCE_SHORTAGE) for code, group_code, name in SHORTAGES
                  if group_code == group.code]
        items.append(ProblemItem(f"{group.code}-QT", group, "其他问题（在具体表现中写明）", SOURCE_OTHER))
    return tuple(items)


ITEMS = _items()
_ITEM = {item.code: item for item in ITEMS}


def item(code: str) -> ProblemItem | None:
    return _ITEM.get(code)


def item_label(code: str) -> str:
    """The item's label, or the code itself for an item no longer in the catalogue."""
    found = _ITEM.get(code)
    return found.label if found is not None else code


def choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped choices for a select: one optgroup per problem group."""
    return [(group.name, [(i.code, f"{i.code} {i.name}" if i.source == SOURCE_NATIONAL else i.name)
                          for i in ITEMS if i.group is group]) for group in GROUPS]


def items_for_categories(codes) -> list[str]:
    """The catalogue items of a designation's category codes (national types are items of the same code)."""
    return [code for code in dict.fromkeys(codes) if code in _ITEM]
