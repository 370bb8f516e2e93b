"""The tenancy matrix: every URL and API endpoint x every demo persona (plus anonymous).

Routes are discovered from the URL resolver, so a new endpoint joins automatically; one
that cannot be classified fails ``test_every_route_is_classified``. Expected scopes are
computed independently of ``visible_to``: from the national division codes (a code's
prefix is its ancestry) and the object-assignment rows.

Each persona is probed where a scope can leak: objects just inside it and, ring by ring around
its grants, the nearest object outside it (a sibling village, a sibling township, the other
county, the city outside), rather than many objects of each kind. The expectations are computed
once per module (``Oracle``): the module's data does not change between its tests.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import pytest
from django.db.models import Q
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from organizations.demo.testing import PERSONAS
from organizations.models import (
    Division,
    ExportRun,
    ImportJob,
    ObjectAssignment,
    Organization,
    RoleAssignment,
)
from organizations.models.notifications import Notification
from rectification.models import Circular, Round
from tests.pages import model_of

# Routes anyone may open (no scoped data behind them).
PUBLIC_ROUTES = {"healthz", "login", "logout", "api-token", "api-schema", "api-docs", "set_language",
                 "rectification:board-public", "evaluations:vote",
                 # The installable app's manifest and service worker (static, nothing of the ledger).
                 "manifest", "service-worker",
                 # A county's public recognition page: published advanced models and decided commendation
                 # lists only, names only (evaluations/tests/test_recognition.py proves nothing else shows).
                 "evaluations:recognition-public"}
# Namespaces tested elsewhere (the Django admin is for platform operators only: test_admin_is_closed).
SKIPPED_NAMESPACES = {"admin"}
# Pages a persona may open only when its role may do the thing; otherwise 404.
ROLE_GATED = {"organizations:import-create": ("organization", "import"),
              "organizations:jobs": ("job", "run"),
              "organizations:create": ("organization", "create"),
              "rectification:designation-propose": ("designation", "propose"),
              "rectification:designation-import": ("designation", "import"),
              "cadres:roster-add": ("cadre", "change"),
              "cadres:roster-import": ("cadre", "import"),
              "cadres:reserve-add": ("reserve", "change"),
              "cadres:reserve-import": ("reserve", "import"),
              "cadres:training-add": ("training", "change"),
              "cadres:township-organizers": ("role_assignment", "create"),
              "rectification:planning-create": ("planning", "change"),
              "evaluations:exemplar-add": ("exemplar", "change"),
              "evaluations:commendation-propose": ("commendation", "propose"),
              "rectification:circular-create": ("circular", "issue"),
              "rectification:supervision-team-create": ("supervision", "change"),
              "rectification:committee-meeting-create": ("committee_meeting", "create"),
              "rectification:committee-contact-create": ("secretary_contact", "change")}

_SIGNIFICANT = {"province": 2, "city": 4, "county": 6, "township": 9, "village": 12}


@dataclass(frozen=True)
class Route:
    name: str
    model: type | None
    has_pk: bool
    is_api: bool
    view_class: type | None = None

    @property
    def is_list(self) -> bool:
        from django.views.generic.list import MultipleObjectMixin

        if self.view_class is None:
            return False
        return issubclass(self.view_class, MultipleObjectMixin) or (self.is_api and self.name.endswith("-list"))

    def supports(self, method: str) -> bool:
        """Does the view handle ``method`` at all? (a 405 then says nothing about the object)"""
        if self.view_class is None:
            return True
        return hasattr(self.view_class, method.lower()) and method.lower() in self.view_class.http_method_names


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from _walk(entry.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def _model_of(callback):
    return model_of(callback, getattr(callback, "view_class", None) or getattr(callback, "cls", None))


def discover_routes() -> list[Route]:
    routes: dict[str, Route] = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.split(":")[0] in SKIPPED_NAMESPACES or name in routes:
            continue
        keys = set(pattern.pattern.regex.groupindex) - {"format"}
        routes[name] = Route(
            name=name,
            model=_model_of(pattern.callback),
            has_pk="pk" in keys,
            is_api=hasattr(pattern.callback, "cls"),  # DRF views
            view_class=None if hasattr(pattern.callback, "cls") else getattr(pattern.callback, "view_class", None),
        )
        if keys - {"pk"}:
            routes[name] = Route(name=name, model=None, has_pk=False, is_api=False)  # unclassifiable
    return sorted(routes.values(), key=lambda r: r.name)


ROUTES = discover_routes()


def expected_organizations(username: str):
    """The organizations a persona should see, from code prefixes and assignment rows only."""
    q = Q(pk__in=ObjectAssignment.objects.filter(user__username=username).values("organization_id"))
    for code, level in RoleAssignment.objects.filter(user__username=username).values_list(
            "division__code", "division__level"):
        q |= Q(division__code__startswith=code[: _SIGNIFICANT[level]])
    return Organization.objects.filter(q)


def expected_divisions(username: str):
    q = Q(pk__in=ObjectAssignment.objects.filter(user__username=username).values("organization__division_id"))
    for code, level in RoleAssignment.objects.filter(user__username=username).values_list(
            "division__code", "division__level"):
        q |= Q(code__startswith=code[: _SIGNIFICANT[level]])
    return Division.objects.filter(q)


def expected_queryset(model, username):
    if model is Organization:
        return expected_organizations(username)
    divisions = expected_divisions(username)
    if model is Division:
        return divisions
    if model is ImportJob:
        return ImportJob.objects.filter(division__in=divisions)
    if model is Round:
        # A county's rounds: seen by its users and by those working on organizations inside it.
        return Round.objects.filter(Q(county__in=divisions) | Q(county__in=expected_organizations(username)
                                                                 .values("county")))
    if model in (Notification, ExportRun):
        return model.objects.filter(user__username=username)  # one's own only
    if model is Circular:
        # A county's circulars: read in its subtree, and by its townships' Party secretaries and organization
        # officers, to whom they are addressed (the county is the first six digits of the township's code).
        counties = {code[:6] + "0" * 6 for code in RoleAssignment.objects.filter(
            user__username=username, role__in=("township_organizer", "township_secretary")).values_list(
            "division__code", flat=True)}
        return Circular.objects.filter(Q(division__in=divisions) | Q(division__code__in=counties))
    if any(f.name == "division" for f in model._meta.get_fields()):
        # County-kept rows (reports, job runs, contact leaders, trainings): in scope inside the subtree.
        return model.objects.filter(division__in=divisions)
    if any(f.name == "organization" for f in model._meta.get_fields()):
        # Every ledger table hangs on an organization: in scope when its organization is.
        return model.objects.filter(organization__in=expected_organizations(username))
    raise AssertionError(f"No scope oracle for {model}")


def code_path(model) -> str | None:
    """Where an object of ``model`` sits in the tree: the lookup of a division code (as the oracle reads it)."""
    if model is Organization:
        return "division__code"
    if model is Division:
        return "code"
    if model is Round:
        return "county__code"
    if model in (Notification, ExportRun):
        return None  # a person's own: nowhere in the tree
    if any(f.name == "division" for f in model._meta.get_fields()):
        return "division__code"
    if any(f.name == "organization" for f in model._meta.get_fields()):
        return "organization__division__code"
    raise AssertionError(f"No place in the tree for {model}")


def shared_digits(code: str, anchors: list[str]) -> int:
    """How far ``code`` follows the nearest anchor down the tree: 12 same village, 9 same township, 6 same
    county, 4 same city, 2 same province, 0 elsewhere."""
    best = 0
    for anchor in anchors:
        for digits in (12, 9, 6, 4, 2):
            if code[:digits] == anchor[:digits]:
                best = max(best, digits)
                break
    return best


class Oracle:
    """The independent expectations of the module, computed once: the matrix data does not change between
    its tests (each test's writes are rolled back), so neither do the scopes nor the boundary objects."""

    def __init__(self):
        self._visible: dict = {}
        self._boundary: dict = {}
        self._anchors: dict = {}

    def visible(self, model, username: str) -> frozenset:
        key = (model, username)
        if key not in self._visible:
            self._visible[key] = frozenset(expected_queryset(model, username).values_list("pk", flat=True))
        return self._visible[key]

    def anchors(self, username: str) -> list[str]:
        """The division codes a persona's grants hang on: role assignments and assigned organizations."""
        if username not in self._anchors:
            self._anchors[username] = [
                *RoleAssignment.objects.filter(user__username=username).values_list("division__code", flat=True),
                *ObjectAssignment.objects.filter(user__username=username).values_list(
                    "organization__division__code", flat=True)]
        return self._anchors[username]

    def boundary(self, model, username: str) -> tuple[list, list]:
        """(inside, outside): two objects in the persona's scope (the first and the last in tree order) and,
        for each ring around its grants, the nearest object out of its scope: a sibling village in the
        same township, a sibling township in the same county, the other county of the city, the city
        outside (and, for a row on no division, a few other rows)."""
        key = (model, username)
        if key not in self._boundary:
            visible = self.visible(model, username)
            path = code_path(model)
            if path is None:
                rows = [(pk, "") for pk in model.objects.order_by("pk").values_list("pk", flat=True)]
            else:
                rows = list(model.objects.order_by(path, "pk").values_list("pk", path))
            inside = [pk for pk, _code in rows if pk in visible]
            inside = inside[:1] + inside[-1:] if len(inside) > 1 else inside
            rings: dict[int, int] = {}
            others = []
            for pk, code in rows:
                if pk in visible:
                    continue
                if path is None:
                    others.append(pk)
                else:
                    rings.setdefault(shared_digits(code, self.anchors(username)), pk)
            outside = [rings[digits] for digits in sorted(rings, reverse=True)] + others[:3]
            self._boundary[key] = (inside, outside)
        inside, outside = self._boundary[key]
        objects = model.objects.in_bulk(inside + outside)
        return [objects[pk] for pk in inside], [objects[pk] for pk in outside]


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The rows the matrix needs besides the demo, made once for the module inside a transaction that is
    rolled back when the module ends (each test runs in a savepoint of it): an import job per county,
    evidence photos spread over the ledger, bimonthly progress reports (with a workbook file) of both
    counties and two townships, and a notification for each persona. Yields the module's ``Oracle``."""
    from django.db import transaction

    from organizations.demo.testing import DemoHandles

    with django_db_blocker.unblock(), transaction.atomic():
        demo = DemoHandles.load()
        _import_jobs(demo)
        _evidence_files()
        _summaries_and_notifications(demo)
        _annual_reports(demo)
        with django_db_blocker.block():  # each test asks for the database itself
            yield Oracle()
        transaction.set_rollback(True)


def _import_jobs(demo):
    from django.core.files.base import ContentFile

    for county in (demo.county1, demo.county2):
        job = ImportJob(division=county, original_name=f"{county.name}.csv", status="failed")
        job.file.save(f"{county.code}.csv", ContentFile(b"x"), save=False)
        job.save()


def _summaries_and_notifications(demo):
    import datetime as dt

    from django.core.files.base import ContentFile

    from rectification.models import SummaryReport

    for division in (demo.county1, demo.county2, demo.township_a, demo.township_b):
        report = SummaryReport(division=division, county_id=division.county_id or division.pk,
                               period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 2, 28), figures={"total": 1})
        report.workbook.save(f"matrix-{division.code}.xlsx", ContentFile(b"x"), save=False)
        report.save()
    Notification.objects.bulk_create([Notification(user=demo.users[name], title=f"matrix {name}")
                                      for name in PERSONAS if name in demo.users])
    for name in PERSONAS:  # a background export each, written: its page and file are the requester's only
        if name in demo.users:
            run = ExportRun(user=demo.users[name], export="ledger", status="done", total=1, done=1,
                            filename=f"matrix-{name}.xlsx")
            run.file.save(run.filename, ContentFile(b"x"), save=False)
            run.save()


def _annual_reports(demo):
    """An annual report (submitted, with its frozen workbook) of both counties and two townships."""
    from django.core.files.base import ContentFile

    from rectification.models import AnnualReport

    for division in (demo.county1, demo.county2, demo.township_a, demo.township_b):
        report = AnnualReport(division=division, year=2025, status="submitted")
        report.workbook.save(f"matrix-annual-{division.code}.xlsx", ContentFile(b"x"), save=False)
        report.save()


def _evidence_files():
    """A few evidence photos on progress entries spread over the demo ledger (with their files)."""
    from django.core.files.base import ContentFile

    from rectification.models import EvidenceFile, ProgressEntry

    entries = list(ProgressEntry.objects.order_by("township_id", "pk"))
    for entry in entries[:: max(1, len(entries) // 6)]:
        record = EvidenceFile(entry=entry, original_name="现场.jpg", content_type="image/jpeg", size=4)
        record.copy_scope_from(entry)
        record.file.save("matrix.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=False)
        record.save()


def test_every_route_is_classified():
    unknown = [r.name for r in ROUTES if r.name not in PUBLIC_ROUTES and (r.has_pk and r.model is None)]
    unparsable = [r.name for r in ROUTES if r.model is None and not r.has_pk and r.name not in PUBLIC_ROUTES
                  and r.name not in LIST_ROUTES_WITHOUT_MODEL]
    assert not unknown and not unparsable, (
        f"Routes the tenancy matrix cannot classify: {unknown + unparsable}. Give the view a scoped `model` "
        "(or `queryset`), decorate function views with organizations.web.base.scoped_to, or list it here.")


# Collection pages without a single model: checked for leaks of organization and division links.
LIST_ROUTES_WITHOUT_MODEL = {"home", "organizations:import-create", "api-root", "rectification:categories"}


def _url(route: Route, obj=None) -> str:
    return reverse(route.name, kwargs={"pk": obj.pk} if obj is not None else {})


def _anonymous_ok(route: Route, response) -> bool:
    if route.is_api:
        return response.status_code in (401, 403)
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("route", [r for r in ROUTES if r.name not in PUBLIC_ROUTES], ids=lambda r: r.name)
def test_anonymous_is_kept_out(client, matrix, db, route):
    objects = [route.model.objects.order_by("pk").first()] if route.has_pk else [None]
    for obj in objects:
        url = _url(route, obj)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert _anonymous_ok(route, response), f"{method.upper()} {url} as anonymous: {response.status_code}"


@pytest.mark.parametrize("route", [r for r in ROUTES if r.has_pk], ids=lambda r: r.name)
def test_objects_outside_scope_are_404(client, matrix, demo, route):
    failures = []
    checked = 0
    for username in PERSONAS:
        client.force_login(demo.users[username])
        inside, outside = matrix.boundary(route.model, username)
        for obj in outside:
            url = _url(route, obj)
            before = _snapshot(obj)
            for method in (("get", "post", "patch", "put", "delete") if route.is_api else ("get", "post")):
                response = getattr(client, method)(url, data=json.dumps({"name": "hijacked"}),
                                                   content_type="application/json") if method in (
                    "patch", "put") else getattr(client, method)(url)
                checked += 1
                if response.status_code == 405 and not route.supports(method):
                    continue  # the view has no such method at all: nothing depends on the object
                if response.status_code != 404:
                    failures.append(f"{username} {method.upper()} {url} -> {response.status_code} (want 404)")
            if _snapshot(obj) != before:
                failures.append(f"{username} changed {obj!r} outside its scope via {url}")
        for obj in inside:
            url = _url(route, obj)
            response = client.get(url)
            checked += 1
            if response.status_code not in (200, 403):
                failures.append(f"{username} GET {url} (in scope) -> {response.status_code} (want 200 or 403)")
    assert checked, "the matrix checked nothing"
    assert not failures, "\n".join(failures)


def _snapshot(obj):
    type(obj).objects.filter(pk=obj.pk)
    fresh = type(obj).objects.filter(pk=obj.pk).values().first()
    return fresh


@pytest.mark.parametrize("route", [r for r in ROUTES if not r.has_pk and r.name not in PUBLIC_ROUTES],
                         ids=lambda r: r.name)
def test_lists_show_nothing_outside_scope(client, matrix, demo, route):
    from organizations.permissions import can

    failures = []
    for username in PERSONAS:
        user = demo.users[username]
        client.force_login(user)
        visible_orgs = matrix.visible(Organization, username)
        insiders, outsiders = matrix.boundary(Organization, username)
        assert outsiders, f"no out-of-scope organization for {username}"
        url = _url(route)
        response = client.get(url)
        gate = ROLE_GATED.get(route.name)
        if gate and not can(user, *gate):
            if response.status_code != 404:
                failures.append(f"{username} GET {url} -> {response.status_code} (role may not; want 404)")
            continue
        if response.status_code != 200:
            failures.append(f"{username} GET {url} -> {response.status_code} (want 200)")
            continue
        # Ask for each outsider by name: its link (or id, or row) must not come back; and an organization
        # list must find an insider.
        must_find = route.model is Organization and route.is_list
        for org in outsiders + (insiders[:1] if must_find else []):
            found = _mentions(client, url, org)
            should = org.pk in visible_orgs
            if found and not should:
                failures.append(f"{username} GET {url}?q={org.name} shows {org.name} (outside its scope)")
            if should and not found and must_find:
                failures.append(f"{username} GET {url}?q={org.name} misses {org.name} (inside its scope)")
        if route.is_api and route.model is not None:
            payload = client.get(url, {"page_size": 500}).json()
            rows = payload.get("results", payload) if isinstance(payload, dict) else payload
            allowed = matrix.visible(route.model, username)
            leaked = [row["id"] for row in rows if row["id"] not in allowed]
            if leaked:
                failures.append(f"{username} GET {url} lists ids outside its scope: {leaked[:5]}")
    assert not failures, "\n".join(failures)


def _mentions(client, url, org) -> bool:
    response = client.get(url, {"q": org.name, "search": org.name})
    content_type = response.get("Content-Type", "")
    if "spreadsheetml" in content_type:
        from openpyxl import load_workbook

        body = b"".join(response.streaming_content) if response.streaming else response.content
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return any(org.name in str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True)
                   for cell in row if cell is not None)
    if "json" in content_type:
        return f'"id":{org.pk},' in response.content.decode().replace(" ", "") or \
            any(r.get("id") == org.pk for r in (response.json().get("results") or []) if isinstance(r, dict))
    html = response.content.decode()
    return reverse("organizations:detail", args=[org.pk]) + '"' in html or f">{org.name}<" in html


def test_foreign_ids_on_write_are_rejected(client, matrix, demo):
    """A related id from outside the scope is a 400 on the API and a form error on the page."""
    client.force_login(demo.users["county_admin"])
    foreign_division = Division.objects.filter(county=demo.county2, level="village").first()
    count = Organization.objects.count()
    response = client.post("/api/v1/organizations/", data={
        "name": "越权党支部", "org_type": "branch", "category": "village", "division": foreign_division.pk,
        "member_count": 3}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "division" in response.json()
    response = client.post(reverse("organizations:create"), data={
        "name": "越权党支部", "org_type": "branch", "category": "village", "division": foreign_division.pk,
        "member_count": 3, "is_active": "on"})
    assert response.status_code == 400 and response.context["form"].errors.get("division")
    assert Organization.objects.count() == count


def test_foreign_ids_in_filters_return_nothing(client, matrix, demo):
    client.force_login(demo.users["town_organizer"])
    response = client.get("/api/v1/organizations/", {"township": demo.township_b.pk})
    assert response.status_code == 400 or response.json()["count"] == 0
    response = client.get(reverse("organizations:list"), {"township": demo.township_b.pk})
    assert response.status_code == 200 and response.context["page_obj"].paginator.count == 0
    other = Organization.objects.filter(township=demo.township_b).first()
    assert reverse("organizations:detail", args=[other.pk]) not in response.content.decode()


def test_admin_is_closed_to_portal_roles(client, matrix, demo):
    for username in PERSONAS:
        client.force_login(demo.users[username])
        response = client.get("/admin/organizations/organization/")
        assert response.status_code == 302 and "/admin/login/" in response["Location"], username
