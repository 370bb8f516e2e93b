"""Small template helpers of the server-rendered UI (no queries, but for the panels the apps register)."""

from __future__ import annotations

from django import template

register = template.Library()


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
    from ..policies import display_value

    return display_value(definition, value)


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
