"""The portal's form renderer: Django's ``TemplatesSetting`` (so ``templates/django/forms/`` overrides a widget
template), with the widgets every page renders many times written in Python.

A filter form of nine fields rendered each input, each select and each of its options through the template
engine (an include per option, another per attribute list), and each field's empty error list through two
more templates: a third of the ledger page's time for a township organizer. ``PortalFormRenderer`` writes the
plain inputs (text, number, date, checkbox... — the templates that only include ``input.html``), the select and
its options (with the project's 请选择 for Django's empty choice, as ``templates/django/forms/widgets/
select_option.html`` says) and the empty error list itself, and hands every other template to the engine.
The output is the templates' output byte for byte: organizations/tests/test_forms_renderer.py renders every
form of the portal both ways.
"""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext

WIDGETS = "django/forms/widgets/"
#: Django's widget templates whose whole content is ``{% include "django/forms/widgets/input.html" %}``.
INPUT_TEMPLATES = frozenset(f"{WIDGETS}{name}.html" for name in (
    "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "checkbox", "search",
    "tel", "color", "file"))
SELECT = f"{WIDGETS}select.html"
SELECT_OPTION = f"{WIDGETS}select_option.html"
ERROR_LISTS = frozenset({"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"})


class _Context:
    """What ``render_value_in_context`` reads of a template context: autoescape on, the active settings."""

    autoescape = True
    use_l10n = None
    use_tz = None


def _value(value) -> str:
    """``{{ value }}``: localized, escaped."""
    return render_value_in_context(value, _Context)


def _string(value) -> str:
    """``{{ value|stringformat:'s' }}``: ``"%s" % value`` (safe stays safe), escaped."""
    text = str(value)  # what "%s" % value gives
    return conditional_escape(mark_safe(text) if isinstance(value, SafeData) else text)


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is not False:
            out.append(f" {_value(name)}" if value is True else f' {_value(name)}="{_string(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    """``input.html``, as included by ``text.html`` and its kin (the renderer strips the output)."""
    value = "" if widget["value"] is None else f' value="{_string(widget["value"])}"'
    return f'<input type="{_value(widget["type"])}" name="{_value(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option: dict) -> str:
    """The project's ``select_option.html``: Django's empty choice reads 请选择 (Choose…)."""
    label = gettext("Choose…") if option["label"] == "---------" else _value(option["label"])
    return f'<option value="{_string(option["value"])}"{_attrs(option["attrs"])}>{label}</option>\n'


def _select(widget: dict) -> str | None:
    out = [f'<select name="{_value(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != SELECT_OPTION:
                return None  # an option of another template: the engine renders the whole select
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")  # the renderer strips the output
    return "".join(out)


class PortalFormRenderer(TemplatesSetting):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        fast = None
        if widget is not None and template_name in INPUT_TEMPLATES and template_name == widget.get("template_name"):
            fast = _input(widget)
        elif widget is not None and template_name == SELECT:
            fast = _select(widget)
        elif template_name in ERROR_LISTS and not context.get("errors"):
            fast = ""
        if fast is not None:
            return fast
        return super().render(template_name, context, request)
