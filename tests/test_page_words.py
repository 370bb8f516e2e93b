"""Every page of every demo role speaks one language and shows no internal values (issue 12 item 4).

The pages are those of tests/pages.py (found from the URL resolver; pk pages with an object in the role's
scope), rendered for each of the seven demo roles on the one session demo database, in Chinese and in English
(the language cookie). What is checked is the visible text: text nodes outside ``script`` and ``style``, plus
the attributes a person reads (``title``, ``aria-label``, ``placeholder``, ``alt``, a button's ``value``).

Chinese: no English word outside a short allow-list (file formats, units, RSHS codes, web addresses) and the
words of the demo data itself (any text column of any table, choice columns excluded: their values are codes).

English: the demo data is Chinese, so Chinese text is allowed only where it is data: each run of Chinese
characters must be a whole run of some text value in the database (a name, a title, a measure); a label, a
heading or a button left untranslated is a run no table holds. The language switcher's "简体中文" is allowed.

Both: no internal values — a choice column's stored code (``in_progress``, ``done``) shown instead of its
label, a Python dict or list repr, ``None``/``True``/``False``, ``Model object (37)``, Django's empty choice
``---------``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from organizations.demo.testing import PERSONAS
from tests.pages import page_urls_for

READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
ZH_PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
#: Downloads (workbooks, templates, evidence files) have no visible text, and cost most of the time.
DOWNLOAD = re.compile(r"(export|template|workbook|evidence)$")

ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
#: Stripped before the Chinese check: web addresses, the category codes (RSHS01), file names and extensions,
#: and JSON (double-quoted keys): the policy page's structured settings are typed as JSON, their keys are
#: the input format (a Python repr, single-quoted, is still an internal value).
NOT_WORDS = re.compile(r"https?://\S+|\bRSHS\d+\b|\.(?:xlsx|csv|pdf)\b|\b[\w-]+\.(?:xlsx|csv|pdf)\b"
                       r"|\[?\{\s*\"[^{}]*\}(?:,\s*\{[^{}]*\})*\]?")
#: File formats, encodings, units and paper sizes are written in Latin letters in Chinese too.
ALLOWED_ENGLISH = {"PDF", "Word", "Excel", "PowerPoint", "CSV", "UTF", "GBK", "A4", "API", "ID", "MB", "KB", "QR",
                   "English"}
#: The language switcher names each language in its own words; the brand mark is the character 党.
ALLOWED_CHINESE = {"简体中文", "党"}

INTERNAL = [
    (re.compile(r"[{\[]\s*'[^']*'\s*[:,\]]|\{\s*\}|\[\s*\]"), "a Python dict or list"),
    # a value, not a word of a sentence ("None in your scope."): alone, or after a label or an arrow
    (re.compile(r"(?:^|[:：→(（,，=]\s*)(?:None|True|False)\s*(?:$|[)）,，;；→])"), "None/True/False"),
    (re.compile(r"\b[A-Z]\w* object \(\d+\)"), "a model's default str()"),
    (re.compile(r"-{5,}"), "Django's empty choice"),
]


class _VisibleText(HTMLParser):
    """(text, lang) pairs: ``lang`` is the nearest ``lang`` attribute (``<html lang>`` at the root), so a part
    marked as another language (the Chinese column headers of an import file) is known as such."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, str]] = []
        self.texts: list[tuple[str, str]] = []

    def _lang(self) -> str:
        return self.open[-1][1] if self.open else ""

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = (attributes.get("lang") or self._lang()).lower()
        self.texts += [(attributes[name], lang) for name in READ_ATTRIBUTES if attributes.get(name)]
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset") and attributes.get("value"):
            self.texts.append((attributes["value"], lang))
        if tag not in VOID:
            self.open.append((tag, lang))

    def handle_endtag(self, tag):
        if tag in {t for t, _lang in self.open}:
            while self.open.pop()[0] != tag:
                pass

    def handle_data(self, data):
        if data.strip() and not {"script", "style"} & {t for t, _lang in self.open}:
            self.texts.append((" ".join(data.split()), self._lang()))


def visible_texts(html: str) -> list[tuple[str, str]]:
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return parser.texts


class DemoWords:
    """What may legitimately show in the other language: the words of the data (every text column of every
    table, and the problem catalogue kept in code; choice columns excluded, their values are codes) and the
    Chinese the English source texts (msgids) themselves keep ("一肩挑", an example document number); plus the stored codes of every choice column."""

    def __init__(self):
        self.chinese: set[str] = set()
        self.english: set[str] = set()
        self.codes: dict[str, str] = {}
        for model in apps.get_models():
            free = []
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.CharField | models.TextField):
                    continue
                if field.choices:
                    self.codes.update({str(value): str(label) for value, label in field.flatchoices
                                       if isinstance(value, str) and value})
                else:
                    free.append(field.attname)
            if free:
                for row in model._default_manager.values_list(*free):
                    for value in row:
                        if value:
                            self.chinese.update(CJK_RUN.findall(value))
                            self.english.update(ENGLISH_WORD.findall(value))
        # A code that is also its label (a Chinese unit name, "A") is no sign of a raw value.
        self.snake_codes = {code for code, label in self.codes.items() if "_" in code and code != label}
        self.english -= set(self.codes)
        self.chinese |= {run for entry in polib.pofile(str(ZH_PO)) for run in CJK_RUN.findall(entry.msgid)}
        # Reference data kept in code rather than a table: the problem catalogue of the plans (问题清单).
        from rectification import problems

        self.chinese |= {run for item in problems.ITEMS for run in CJK_RUN.findall(item.label)}


def problems_in(texts: list[tuple[str, str]], language: str, words: DemoWords) -> list[str]:
    """What is wrong in the visible ``texts`` of a page shown in ``language``."""
    found = []
    for text, lang in texts:
        if lang and not lang.startswith(language[:2]):
            continue  # marked as written in the other language on purpose
        for pattern, what in INTERNAL:
            if pattern.search(text):
                found.append(f"{what}: {text[:120]!r}")
        plain = NOT_WORDS.sub(" ", text)
        if language == "zh-hans":
            found += [f"English {word!r}: {text[:120]!r}" for word in ENGLISH_WORD.findall(plain)
                      if word not in ALLOWED_ENGLISH and word not in words.english]
        else:
            if [w for w in ENGLISH_WORD.findall(plain) if w in words.snake_codes] or (
                    text.islower() and words.codes.get(text, text) != text):
                found.append(f"a stored code: {text[:120]!r}")
            found += [f"Chinese {run!r}: {text[:120]!r}" for run in CJK_RUN.findall(text)
                      if run not in words.chinese and run not in ALLOWED_CHINESE]
    return found


@pytest.fixture(scope="module")
def demo_words(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        return DemoWords()


def test_the_visible_text_of_a_page():
    html = ('<html lang="zh-hans"><head><title>标题</title><style>.a{}</style></head><body><script>var x = "None";'
            '</script><nav aria-label="主导航"><a href="/x/" class="English">台账</a></nav><input placeholder="搜索">'
            '<button type="submit" title="保存">保存</button><input type="submit" value="Save"><br><p>x<br>y</p>'
            '<select><option value="">---------</option></select><td lang="en">English</td></body></html>')
    assert visible_texts(html) == [(text, "zh-hans") for text in ("标题", "主导航", "台账", "搜索", "保存", "保存", "Save",
                                                                   "x", "y", "---------")] + [("English", "en")]


def _words(**values) -> DemoWords:
    words = DemoWords.__new__(DemoWords)
    words.chinese, words.english, words.codes, words.snake_codes = set(), set(), {}, set()
    words.__dict__.update(values)
    return words


def test_the_checks_catch_what_the_issue_saw():
    words = _words(chinese={"东山村", "一肩挑"}, english={"demo"}, codes={"done": "Done", "in_progress": "In progress"},
                   snake_codes={"in_progress"})
    seen = ["走访日期 is greater than or equal to", "Township", "Pairing object (37)", "---------", "None",
            "状态：done（修改前：in_progress）", "所用参数：{} → {'satisfaction_threshold': '85'}", "结束人：— → True"]
    fine = ["导出 Excel", "RSHS02 书记不胜任", "东山村.xlsx", "原因：demo", "https://example.org/a/b"]
    zh = problems_in([(text, "zh-hans") for text in seen + fine], "zh-hans", words)
    assert {problem.split(": ", 1)[1] for problem in zh} == {repr(text) for text in seen}
    assert {problem.split(":")[0] for problem in zh} >= {
        "a model's default str()", "Django's empty choice", "a Python dict or list", "None/True/False"}
    en = problems_in([(text, "en") for text in ("Status: in_progress", "done", "东山村", "状态", "Done", "None in scope.",
                                               "Secretary and director (一肩挑)")] + [("区划代码", "zh-hans")],
                     "en", words)
    assert en == ["a stored code: 'Status: in_progress'", "a stored code: 'done'", "Chinese '状态': '状态'"]


@pytest.mark.django_db
@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_speaks_one_language_without_internal_values(client, demo, demo_words, username):
    from organizations.models import User

    client.force_login(User.objects.get(username=username))
    client.raise_request_exception = False
    urls = [(name, url) for name, url in page_urls_for(username) if not DOWNLOAD.search(name)]
    assert len(urls) > 60
    failures, server_errors = [], []
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        for _name, url in urls:
            response = client.get(url)
            if response.status_code >= 500:
                server_errors.append(url)
            if "text/html" not in response.get("Content-Type", ""):
                continue
            failures += sorted({f"{language} {url} {problem}"
                                for problem in problems_in(visible_texts(response.content.decode()), language,
                                                           demo_words)})
    assert not server_errors
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("debug", [True, False])
def test_a_missing_page_is_the_chinese_404_page_also_under_debug(client, demo, settings, debug):
    """Under ``make run`` (DEBUG) Django answered a missing page with its English technical 404 page; the
    project's page is shown in every mode, for an address no route matches and for an object outside the scope.
    The technical page comes back only when ``DEBUG_TECHNICAL_404`` says so; the API keeps its JSON."""
    from organizations.models import Organization, User

    settings.DEBUG = debug
    client.force_login(User.objects.get(username="town_organizer"))
    outside = Organization.objects.exclude(pk__in=Organization.objects.visible_to(
        User.objects.get(username="town_organizer")).values("pk")).first()
    for url in ("/no-such-page/", f"/organizations/{outside.pk}/", "/organizations/99999999/"):
        response = client.get(url)
        assert response.status_code == 404, url
        page = response.content.decode()
        assert "页面不存在" in page or "找不到" in page, (url, page[:300])
        assert "Using the URLconf" not in page and "Page not found at" not in page
    assert client.get("/organizations").status_code == 301  # a missing slash is still redirected
    assert client.get("/api/v1/organizations/99999999/").json()
    if debug:
        settings.DEBUG_TECHNICAL_404 = True
        assert "Using the URLconf" in client.get("/no-such-page/").content.decode()
