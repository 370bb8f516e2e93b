"""Issue 10, item 1: no API viewset may sort by a hidden personal number (its order leaks the digits)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.urls import get_resolver
from rest_framework.filters import OrderingFilter
from rest_framework.test import APIRequestFactory

HIDDEN = {"id_number", "phone", "contact_phone"}
#: beside a masked ID number the birth date is hidden too (it is the ID's missing digits)
HIDDEN_WITH_ID = HIDDEN | {"birth_date"}


def _viewsets(patterns=None):
    found = {}
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if hasattr(pattern, "url_patterns"):
            found.update(_viewsets(pattern.url_patterns))
            continue
        cls = getattr(pattern.callback, "cls", None)
        if cls is not None and getattr(pattern.callback, "actions", None) and "get" in pattern.callback.actions:
            found[cls] = pattern.callback.actions
    return found


def test_no_viewset_orders_by_a_hidden_number(db):
    request = APIRequestFactory().get("/")
    checked, leaks = 0, []
    for cls, actions in _viewsets().items():
        view = cls()
        view.request, view.format_kwarg, view.kwargs = request, None, {}
        view.action = actions["get"]
        if getattr(view, "queryset", None) is None:
            continue
        if OrderingFilter not in getattr(view, "filter_backends", ()):
            continue
        try:
            fields = {name for name, _label in OrderingFilter().get_valid_fields(view.queryset, view,
                                                                                 {"request": request})}
        except ImproperlyConfigured:  # no serializer: ordering is refused anyway
            continue
        checked += 1
        hidden = HIDDEN_WITH_ID if any(f.name == "id_number" for f in view.queryset.model._meta.fields) else HIDDEN
        if bad := {f.rsplit("__", 1)[-1] for f in fields} & hidden:
            leaks.append(f"{cls.__module__}.{cls.__name__}: {sorted(bad)}")
    assert checked > 20
    assert not leaks, leaks


def test_holders_do_not_order_by_their_mobile(db):
    from cadres.api.support import ContactLeaderViewSet, HelpingUnitViewSet

    request = APIRequestFactory().get("/")
    for cls in (ContactLeaderViewSet, HelpingUnitViewSet):
        view = cls()
        view.request, view.format_kwarg, view.kwargs, view.action = request, None, {}, "list"
        fields = {name for name, _ in OrderingFilter().get_valid_fields(cls.queryset, view, {"request": request})}
        assert not fields & HIDDEN_WITH_ID
