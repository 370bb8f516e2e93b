"""Small template helpers of the server-rendered UI (no queries, but for the panels the apps register)."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

GRADE_LABELS = {
    "good": gettext_lazy("Good"),
    "fairly_good": gettext_lazy("Fairly good"),
    "average": gettext_lazy("Average"),
    "poor": gettext_lazy("Poor"),
}


@register.filter
def sum_attr(items, attr: str) -> int:
    """The sum of one attribute over a list: ``{{ block.rows|sum_attr:"member_count" }}``."""
    return sum((getattr(item, attr, 0) or 0) for item in items or [])


@register.filter
def scope_list_url(division) -> str:
    """The organization list narrowed to ``division``'s subtree (a home-page number links to what it counts)."""
    from django.urls import reverse
    from django.utils.http import urlencode

    level = getattr(division, "level", "")
    if level in ("county", "township"):
        query = {level: division.pk}
    else:
        prefix = {"province": 2, "city": 4}.get(level)
        query = {"division_code": division.code[:prefix] if prefix else division.code}
    return reverse("organizations:list") + "?" + urlencode(query)


@register.filter
def policy_value(value, definition) -> str:
    """A policy value as an official would read it: 是/否, 80.00%, the subsidy bands, the grade stars."""
    kind = getattr(definition, "kind", "")
    if value is None or value == "":
        return "—"
    if kind == "bool":
        return str(_("Yes") if value else _("No"))
    if kind == "percent":
        return f"{value}%"
    if kind == "int":
        return number_format(value, force_grouping=True)
    if kind == "bands" and isinstance(value, list):
        parts = []
        for band in value:
            amount = number_format(band.get("amount", 0), force_grouping=True)
            if band.get("up_to") is None:
                parts.append(_("above that: %(amount)s yuan") % {"amount": amount})
            else:
                parts.append(_("up to %(people)s people: %(amount)s yuan") % {
                    "people": number_format(band["up_to"], force_grouping=True), "amount": amount})
        return _("; ").join(parts)
    if kind == "grade_stars" and isinstance(value, dict):
        parts = []
        for grade, stars in value.items():
            label = GRADE_LABELS.get(grade, grade)
            parts.append(_("%(grade)s: %(stars)s stars") % {"grade": label,
                                                              "stars": "/".join(str(s) for s in stars)})
        return _("; ").join(parts)
    return str(value)


@register.simple_tag(takes_context=True)
def panels(context, slot: str, obj):
    """Render the panels the apps registered for ``slot`` (organizations.registry), each with its own context.

    ``{% panels "organization.detail" organization %}``: the kernel's page shows what the apps add
    without importing them.
    """
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    from ..registry import panels as registered

    request = context.get("request")
    user = getattr(request, "user", None)
    parts = []
    for panel in registered(slot):
        extra = panel.context(user, obj)
        if extra is None:
            continue
        parts.append(render_to_string(panel.template, {**context.flatten(), **extra}, request=None))
    return mark_safe("".join(parts))  # noqa: S308 - rendered templates, autoescaped
