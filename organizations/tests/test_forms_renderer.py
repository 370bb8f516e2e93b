"""The portal's form renderer (organizations/forms_renderer.py) writes inputs, selects and empty error lists in
Python: byte for byte what Django's templates (with the project's overrides) give, on every page of the portal
and for the awkward values a widget can carry."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test import override_settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from organizations.forms_renderer import PortalFormRenderer
from tests.pages import page_urls_for

TEMPLATES = "django.forms.renderers.TemplatesSetting"
PORTAL = "organizations.forms_renderer.PortalFormRenderer"
# What differs from one request to the next whatever renders the forms.
VOLATILE = [re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), re.compile(r"data-todo-as-of>[^<]*<"),
            re.compile(r'nonce="[^"]*"')]


def test_the_portal_renders_forms_with_its_renderer(settings):
    from django.forms.renderers import get_default_renderer

    assert settings.FORM_RENDERER == PORTAL
    assert isinstance(get_default_renderer(), PortalFormRenderer)


def _normalized(html: str) -> str:
    for pattern in VOLATILE:
        html = pattern.sub("", html)
    return html


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["county_admin", "town_organizer", "village_secretary", "city_reviewer"])
def test_every_page_is_the_same_with_either_renderer(login, username):
    client = login(username)
    compared = with_forms = 0
    for name, url in page_urls_for(username):
        with override_settings(FORM_RENDERER=TEMPLATES):
            expected = client.get(url)
        with override_settings(FORM_RENDERER=PORTAL):
            actual = client.get(url)
        if expected.status_code != 200 or "text/html" not in expected.get("Content-Type", ""):
            continue
        assert actual.status_code == 200, (name, url)
        assert _normalized(actual.content.decode()) == _normalized(expected.content.decode()), (name, url)
        compared += 1
        with_forms += "<select" in expected.content.decode()
    assert compared > 20 and with_forms > 5, (compared, with_forms)


class Awkward(forms.Form):
    """Values a widget can carry: booleans and None in attributes, markup to escape, safe text, numbers,
    lazy and empty labels, groups, a preselected value, an initial date, a checkbox."""

    name = forms.CharField(initial='<b>"李"&', widget=forms.TextInput(attrs={
        "required": True, "disabled": False, "data-none": None, "placeholder": "<x>", "data-safe": mark_safe("&amp;")}))
    count = forms.IntegerField(initial=1234567, localize=True)
    ratio = forms.DecimalField(initial="0.85")
    day = forms.DateField(initial="2026-12-07", widget=forms.DateInput(attrs={"type": "date"}))
    agree = forms.BooleanField(initial=True, required=False)
    hidden = forms.CharField(initial="h", widget=forms.HiddenInput)
    kind = forms.ChoiceField(initial="b", choices=[
        ("", "---------"), ("a", gettext_lazy("All")), ("b", mark_safe("<i>b</i>")), ("c", "<c>&"),
        ("组", [(1, "一"), (2, 2)]), (3, 3)])
    many = forms.MultipleChoiceField(initial=["a", "c"], required=False, choices=[("a", "A"), ("c", "C"), ("d", "D")])
    yes_no = forms.NullBooleanField(initial=None)
    note = forms.CharField(widget=forms.Textarea, initial="多行\n文字")
    pick = forms.ChoiceField(widget=forms.RadioSelect, choices=[("x", "X"), ("y", "Y")])


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("bound", [False, True])
def test_awkward_values_render_the_same(language, bound):
    data = {"name": "<i>", "count": "x", "kind": "zz", "day": "2026-13-40", "many": ["a", "q"]} if bound else None
    with override(language):
        expected = str(Awkward(data, renderer=_renderer(TEMPLATES)))
        actual = str(Awkward(data, renderer=PortalFormRenderer()))
    assert actual == expected
    assert "<select" in actual and "<optgroup" in actual and ("errorlist" in actual) == bound


def _renderer(path):
    from django.utils.module_loading import import_string

    return import_string(path)()
