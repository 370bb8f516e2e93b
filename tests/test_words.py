"""The words of the catalog and the demo names (issue 11, item 11).

* one msgstr per meaning: a msgid used in several senses carries a context, and the contexts translate apart
  ("未报送" is a report not submitted, not a missing reserve cadre; a shortfall of people is "差 N 人"; "from" is a
  status change's 原状态 and a training's 开始日期);
* an evaluation decides (判定, 结论); 认定 is the designation of a weak and lax organization;
* counties write 审核 and 推荐/上报, not 审阅 and 提名;
* the category codes are this system's, the names those of the Party statistics form: not "全国统一";
* demo names: no doubled suffix (北村村, 玉社区社区), and the seed's villages under their own names.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

ZH_PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
BASE = Path(settings.BASE_DIR)

#: msgids with several meanings: each use names its context, and each context its own words.
MEANINGS = {
    "Missing": {"report": "未报送", "people": "缺额", "four ones": "未配备"},
    "%(n)s short": {"people": "人", "visits": "次"},
    # a status change's old and new status, not a training's start date (its form read 原状态, issue 12)
    "from": {"status change": "原状态", "date range": "开始日期"},
    "to": {"status change": "新状态"},
}
EVALUATION_SOURCES = ("evaluations/", "templates/evaluations/")


@pytest.fixture(scope="module")
def catalog() -> polib.POFile:
    return polib.pofile(str(ZH_PO))


def _text(entry: polib.POEntry) -> str:
    return entry.msgstr or " ".join(entry.msgstr_plural.values())


def test_a_msgid_with_contexts_is_translated_apart_in_each(catalog):
    by_msgid: dict[str, dict[str | None, str]] = defaultdict(dict)
    for entry in catalog:
        if not entry.obsolete:
            by_msgid[entry.msgid][entry.msgctxt] = _text(entry)
    for msgid, contexts in by_msgid.items():
        named = {ctx: text for ctx, text in contexts.items() if ctx is not None}
        if len(named) > 1:
            assert len(set(named.values())) == len(named), f"{msgid!r}: one translation for {sorted(named)}"
    for msgid, expected in MEANINGS.items():
        for context, word in expected.items():
            assert word in by_msgid[msgid].get(context, ""), (msgid, context, by_msgid[msgid])


def _sources():
    for folder in ("templates", "organizations", "rectification", "evaluations", "cadres"):
        for path in (BASE / folder).rglob("*"):
            if path.suffix in (".py", ".html") and "/tests/" not in str(path) and "/migrations/" not in str(path):
                yield path, path.read_text(encoding="utf-8")


def test_the_ambiguous_msgids_are_never_used_without_their_context():
    bare = [
        re.compile(r'\{% translate "Missing" %\}'),
        re.compile(r'(?<![\w.])_\("Missing"\)'),
        re.compile(r'\{% blocktranslate count [^%]*%\}\{\{ n \}\} short\{% plural'),
        re.compile(r'(?<![\w.])_\("(?:from|to)"\)'),
        re.compile(r'\{% translate "(?:from|to)" %\}'),
    ]
    found = [f"{path.relative_to(BASE)}: {m.group(0)}" for path, text in _sources() for pattern in bare
             for m in pattern.finditer(text)
             if "context" not in m.group(0)]
    assert found == []


def test_evaluation_decisions_are_judged_not_designated(catalog):
    wrong = [e.msgid for e in catalog if not e.obsolete and e.occurrences
             and all(path.startswith(EVALUATION_SOURCES) for path, _line in e.occurrences)
             and "认定" in _text(e)]
    assert wrong == []
    for msgid in ("Decided at", "decision note", "Pending decision: the rate is below the threshold (rectify again)."):
        assert "判定" in catalog.find(msgid).msgstr


def test_the_county_words_for_review_and_proposal(catalog):
    assert not [e.msgid for e in catalog if not e.obsolete and ("审阅" in _text(e) or "提名" in _text(e))]
    assert catalog.find("Propose").msgstr == "上报"
    assert "审核" in catalog.find("Reviewer (city/province)").msgstr


def test_the_category_codes_are_not_called_national(catalog, login, demo):
    assert not [e.msgid for e in catalog if not e.obsolete and "全国统一" in _text(e)]
    page = login("county_admin").get(reverse("rectification:categories")).content.decode()
    assert "全国统一" not in page and "党内统计报表" in page


def test_generated_names_have_no_doubled_suffix():
    from organizations.demo import city, province

    for seed in range(20):
        names = city._village_names(random.Random(seed), 300, [])
        communities = [city.community_name(n) for n in names]
        assert not [n for n in names if n.endswith("村村")], seed
        assert not [n for n in communities if "社区社区" in n or "村社区" in n], seed
        generator = province._Names(random.Random(seed))
        used: set[str] = set()
        drawn = [generator.unique(used, suffix) for suffix in ("村", "社区", "镇", "乡", "街道") for _i in range(200)]
        assert not [n for n in drawn if re.search(r"(村|社区|镇|乡|街道)(村|社区|镇|乡|街道)$", n)], seed


def test_the_demo_has_no_doubled_suffix_and_the_seed_villages(demo):
    from organizations.models import Division, Organization

    assert not Division.objects.filter(name__regex=r"(村村|社区社区)$").exists()
    assert not Organization.objects.filter(name__regex=r"(村村|社区社区)").exists()
    assert Division.objects.filter(name="汾山村", parent__name="钟山镇").exists()  # Fenshan Village, Zhongshan Town
    assert Division.objects.filter(name="鲁头村", parent__name="游洋镇").exists()  # "Reuters" Village, Youyang Town
    assert not Division.objects.filter(name="枫山村", parent__name="钟山镇").exists()
    assert not Division.objects.filter(name__in=["瑞头村", "路透村"], parent__name="游洋镇").exists()


def test_categories_are_shown_by_name_with_the_code_in_small_print(login, demo):
    """Issue 12: the ledger showed only RSHS codes, their meaning only on mouse-over."""
    from rectification.models import Designation

    designation = Designation.objects.filter(county=demo.county1, categories__isnull=False).order_by("pk").first()
    category = designation.categories.order_by("sort_order", "code").first()
    client = login("county_admin")
    for url in (reverse("rectification:ledger") + f"?round={designation.round_id}",
                reverse("organizations:detail", args=[designation.organization_id])):
        page = client.get(url).content.decode()
        assert f'{category.name} <small class="muted nowrap">{category.code}</small>' in page, url
        assert f'title="{category.name}"' not in page, url
