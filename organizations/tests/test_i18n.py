"""Chinese first, English on request: the catalog is complete, pages and dates follow the language."""

from __future__ import annotations

import io
import re
import shutil
from datetime import date, datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import formats, translation

ZH_PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@pytest.fixture(scope="module")
def zh_catalog() -> polib.POFile:
    return polib.pofile(str(ZH_PO))


def msgstr(catalog: polib.POFile, msgid: str) -> str:
    entry = catalog.find(msgid)
    assert entry is not None, f"{msgid!r} is not in the zh_Hans catalog"
    assert entry.msgstr, f"{msgid!r} has no Chinese translation"
    return entry.msgstr


def test_every_string_has_a_chinese_translation(zh_catalog):
    live = [e for e in zh_catalog if not e.obsolete]
    assert len(live) > 100  # the catalog was extracted, not an empty file
    untranslated = [e.msgid for e in zh_catalog.untranslated_entries()]
    fuzzy = [e.msgid for e in zh_catalog.fuzzy_entries()]
    assert untranslated == [], f"untranslated: {untranslated[:20]}"
    assert fuzzy == [], f"fuzzy: {fuzzy[:20]}"
    assert not zh_catalog.metadata_is_fuzzy


def test_translations_keep_their_placeholders(zh_catalog):
    wrong = []
    for entry in zh_catalog:
        if entry.obsolete:
            continue
        translations = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in translations:
            if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(text)):
                wrong.append(entry.msgid)
    assert wrong == []


def test_translations_are_chinese(zh_catalog):
    """A msgstr copied from the msgid is not a translation (only symbols or names like API may stay)."""
    han = re.compile(r"[\u4e00-\u9fff]")
    copied = [e.msgid for e in zh_catalog
              if e.msgstr and not han.search(e.msgstr) and re.search(r"[a-z]{4}", PLACEHOLDER.sub("", e.msgid))]
    assert copied == []


def test_glossary_vocabulary(zh_catalog):
    """The domain words of DOMAIN.md §8 / the research glossary."""
    expected = {
        "Rectification ledger": "整顿台账",
        "County organization department": "县委组织部",
        "Township organization officer": "乡镇组织委员",
        "Party branch": "党支部",
        "General Party branch": "党总支",
        "Party committee": "党委",
        "First secretary": "第一书记",
        "County contact leader": "联系县级领导",
        "administrative division": "行政区划",
    }
    for msgid, chinese in expected.items():
        assert msgstr(zh_catalog, msgid) == chinese
    assert msgstr(zh_catalog, "Satisfaction threshold (%)").startswith("满意度测评合格线")
    assert "结对帮扶单位" in msgstr(zh_catalog, "Helping unit contact")


def test_home_is_chinese_by_default_and_english_after_the_switch(db, login, zh_catalog):
    client = login("county_admin")
    label = msgstr(zh_catalog, "Party organizations")
    logout = msgstr(zh_catalog, "Log out")

    # An English-language browser still gets Chinese until the user chooses English.
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in page
    assert label in page
    assert logout in page
    assert ">English<" in page  # the switch names the other language in that language

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert 'lang="en"' in page
    assert "Party organizations" in page
    assert ">Log out<" in page
    assert logout not in page
    assert ">简体中文<" in page

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert label in client.get("/").content.decode()


def test_dates_are_written_as_officials_write_them(login, demo):
    with translation.override("zh-hans"):
        assert formats.date_format(date(2026, 11, 23), "DATE_FORMAT") == "2026年11月23日"
        assert formats.date_format(datetime(2026, 11, 23, 9, 5), "DATETIME_FORMAT") == "2026年11月23日 09:05"
    with translation.override("en"):
        assert formats.date_format(date(2026, 11, 23), "DATE_FORMAT") == "23 Nov 2026"

    organization = demo.org_in(demo.village_a)
    page = login("county_admin").get(f"/organizations/{organization.pk}/").content.decode()
    # The audit trail and the "last updated" field: 2026年11月23日 10:40
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", page)


def test_compile_translations_writes_mo_files_without_gettext(tmp_path, settings):
    locale = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    shutil.copy(ZH_PO, locale / "django.po")
    extra = polib.pofile(str(locale / "django.po"))
    extra.append(polib.POEntry(msgid="A fuzzy test string", msgstr="模糊", flags=["fuzzy"]))
    extra.save()
    settings.LOCALE_PATHS = [tmp_path / "locale"]

    call_command("compile_translations", stdout=io.StringIO())

    compiled = polib.mofile(str(locale / "django.mo"))
    by_id = {e.msgid: e.msgstr for e in compiled}
    assert by_id["Rectification ledger"] == "整顿台账"
    assert "A fuzzy test string" not in by_id  # fuzzy entries are left out, as msgfmt does

