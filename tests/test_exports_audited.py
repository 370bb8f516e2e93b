"""Every export is permission-checked and written to the security log, by construction.

Export routes are discovered from the URL resolver (pages whose name says export or workbook), so a new
one joins automatically. Each must be a ``ScopedExportView`` (organizations/web/base.py), whose ``get``
checks ``export/run`` and logs before it writes anything. Then, for real: an account without any role
gets a 404 and nothing is logged; the county admin gets the file and one security event naming the
export; an object outside the scope is a 404.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organizations.models import SecurityEvent, User
from organizations.web.base import ScopedExportView

EXPORT_NAME = re.compile(r"(^|[-:])(export|workbook)($|-)|sheet-export")


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def export_routes() -> list[tuple[str, URLPattern]]:
    routes = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith(("admin:", "api")) or hasattr(pattern.callback, "cls"):
            continue  # the Django admin; DRF routes are covered by the API tests
        if EXPORT_NAME.search(name.split(":")[-1]):
            routes.setdefault(name, pattern)
    return sorted(routes.items())


ROUTES = export_routes()


def test_exports_are_found():
    """The discovery itself works: the organization, ledger, star and cadre exports are all there."""
    names = {name for name, _p in ROUTES}
    assert {"organizations:export", "rectification:ledger-export", "cadres:roster-export"} <= names
    assert len(names) >= 12


@pytest.mark.parametrize("name", [name for name, _p in ROUTES])
def test_every_export_is_built_on_the_export_base(name):
    pattern = dict(ROUTES)[name]
    view_class = getattr(pattern.callback, "view_class", None)
    assert view_class is not None and issubclass(view_class, ScopedExportView), (
        f"{name} must be a ScopedExportView (permission export/run, security log, streamed response)")


def _url(name: str, pattern: URLPattern, user) -> str:
    view_class = pattern.callback.view_class
    if "pk" not in pattern.pattern.regex.groupindex:
        return reverse(name)
    obj = view_class.model.objects.visible_to(user).order_by("pk").first()
    assert obj is not None, f"the demo has no {view_class.model.__name__} for {name}"
    return reverse(name, args=[obj.pk])


@pytest.mark.parametrize("name", [name for name, _p in ROUTES])
def test_an_account_without_a_role_gets_404_and_nothing_is_logged(name, demo, client):
    pattern = dict(ROUTES)[name]
    if getattr(pattern.callback, "view_class", None) is None:
        pytest.fail(f"{name} is not a class-based export view")
    nobody, _created = User.objects.get_or_create(username="no_role_at_all")
    client.force_login(nobody)
    url = _url(name, pattern, demo.users["county_admin"])
    before = SecurityEvent.objects.count()
    assert client.get(url).status_code == 404
    assert SecurityEvent.objects.count() == before


@pytest.mark.parametrize("name", [name for name, _p in ROUTES])
def test_the_county_admin_gets_the_file_and_the_export_is_logged(name, demo, login):
    pattern = dict(ROUTES)[name]
    if getattr(pattern.callback, "view_class", None) is None:
        pytest.fail(f"{name} is not a class-based export view")
    admin = demo.users["county_admin"]
    client = login("county_admin")
    url = _url(name, pattern, admin)
    before = set(SecurityEvent.objects.values_list("pk", flat=True))
    response = client.get(url)
    assert response.status_code == 200, (name, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body[:2] == b"PK", f"{name} did not send a workbook"
    assert response["Cache-Control"] == "no-store"
    new = list(SecurityEvent.objects.exclude(pk__in=before))
    assert [(e.kind, e.user_id) for e in new] == [("export", admin.pk)], new
    assert new[0].detail.get("what")


@pytest.mark.parametrize("name", [name for name, p in ROUTES if "pk" in p.pattern.regex.groupindex])
def test_an_object_outside_the_scope_is_a_404(name, demo, login):
    pattern = dict(ROUTES)[name]
    model = pattern.callback.view_class.model
    outside = model.objects.visible_to(demo.users["other_county_admin"]).exclude(
        pk__in=model.objects.visible_to(demo.users["county_admin"]).values("pk")).order_by("pk").first()
    if outside is None:
        outside_pk = (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    else:
        outside_pk = outside.pk
    client = login("county_admin")
    before = SecurityEvent.objects.count()
    assert client.get(reverse(name, args=[outside_pk])).status_code == 404
    assert SecurityEvent.objects.count() == before
