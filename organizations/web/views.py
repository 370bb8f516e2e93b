import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from .. import selectors, services
from ..caching import person_page
from ..exports.organizations import organizations_export_response
from ..filters import OrganizationFilter
from ..history import history_entries
from ..imports.services import importable_counties
from ..imports.uploads import import_job_create
from ..models import Division, ImportJob, Organization
from ..models.imports import ImportStatus
from ..navigation import cached_todo_for
from ..permissions import can
from ..policies import JSON_KINDS, POLICIES, effective_policy
from ..roles import Level
from .base import (
    ScopedDetailView,
    ScopedExportView,
    ScopedListView,
    ScopedWriteView,
    render_form,
    scoped_to,
    submit,
    write_gate,
)
from .forms import ImportUploadForm, OrganizationForm, PolicyForm


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "down"}, status=503)
    return JsonResponse({"status": "ok", "database": "up"})


@login_required
@person_page
def home(request):
    user = request.user
    blocks = selectors.home_blocks(user)
    todo = cached_todo_for(user)
    return render(request, "organizations/home.html", {
        # What waits for this person (the apps' to-do sources, each count a link to the page it counts), as
        # counted at ``todo_as_of`` (within the last minute, and after their own last change).
        "todo": todo.value,
        "todo_as_of": todo.computed_at,
        "blocks": blocks,
        "assigned": selectors.assigned_organizations(user)[:200],
        "own": selectors.own_organizations(user)[:50],
    })


class OrganizationListView(ScopedListView):
    model = Organization
    filterset_class = OrganizationFilter
    template_name = "organizations/organization_list.html"
    select_related = ("division", "township", "county", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = can(self.request.user, "organization", "create")
        return context


class OrganizationExportView(ScopedExportView):
    """The list page's queryset and filters, written as a workbook."""

    model = Organization
    filterset_class = OrganizationFilter
    select_related = OrganizationListView.select_related
    export_name = "organizations"

    def export_response(self, queryset, obj):
        return organizations_export_response(queryset, self.request.user)


class OrganizationDetailView(ScopedDetailView):
    model = Organization
    template_name = "organizations/organization_detail.html"
    select_related = ("division", "township", "county", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organization = self.object
        context["history"] = history_entries(organization)
        context["children"] = Organization.objects.visible_to(self.request.user).filter(parent=organization)
        context["can_change"] = can(self.request.user, "organization", "change", organization)
        context["assignments"] = organization.assignments.select_related("user").filter(
            organization__in=Organization.objects.visible_to(self.request.user))
        context["ancestors"] = organization.division.ancestors()
        context["visible_division_ids"] = _visible_ids(self.request.user, context["ancestors"])
        context["parent_visible"] = bool(organization.parent_id) and Organization.objects.visible_to(
            self.request.user).filter(pk=organization.parent_id).exists()
        return context


class OrganizationFormView(ScopedWriteView):
    """Create or edit a Party organization through the services; the division choices are those where the
    role may write (a township organizer: its own township's villages)."""

    model = Organization
    form_class = OrganizationForm
    resource = "organization"
    template_name = "organizations/organization_form.html"
    success_message = gettext_lazy("Saved.")

    def get_form_kwargs(self, obj) -> dict:
        return {**super().get_form_kwargs(obj), "instance": obj}

    def get_form(self, obj):
        from ..permissions import roles_allowed

        form = super().get_form(obj)
        if not self.request.user.is_superuser:
            field = form.fields["division"]
            field.queryset = field.queryset.visible_to(self.request.user,
                                                       roles=roles_allowed(self.resource, self.action))
        return form

    def perform(self, form, obj):
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if obj is None:
            return services.organization_create(user=self.request.user, **fields)
        return services.organization_update(user=self.request.user, organization=obj, **fields)

    def success_url(self, result) -> str:
        return reverse("organizations:detail", args=[result.pk])


class OrganizationCreateView(OrganizationFormView):
    action = "create"

    def get_object(self):
        return None


class OrganizationUpdateView(OrganizationFormView):
    action = "change"


class DivisionDetailView(ScopedDetailView):
    model = Division
    template_name = "organizations/division_detail.html"
    select_related = ("parent",)

    def get_context_data(self, **kwargs):
        from django.db.models import Count

        context = super().get_context_data(**kwargs)
        division = self.object
        user = self.request.user
        children = Division.objects.visible_to(user).filter(parent=division).order_by("code")
        if division.level != Level.VILLAGE:
            child_level = {Level.PROVINCE: "city", Level.CITY: "county", Level.COUNTY: "township",
                           Level.TOWNSHIP: "village"}[division.level]
            counts = dict(
                Organization.objects.visible_to(user).filter(**{f"{division.level}_id": division.pk})
                .order_by().values(f"{child_level}_id").annotate(n=Count("id")).values_list(f"{child_level}_id", "n")
            )
        else:
            counts = {}
        context["children"] = [(child, counts.get(child.pk, 0)) for child in children[:500]]
        context["organizations"] = Organization.objects.visible_to(user).filter(division=division)
        context["ancestors"] = division.ancestors()
        context["visible_division_ids"] = _visible_ids(user, context["ancestors"])
        context["history"] = history_entries(division)
        context["can_edit_policy"] = can(user, "policy", "change", division)
        return context


def _visible_ids(user, divisions) -> set[int]:
    """Which of these divisions (a breadcrumb) the user may open: one query."""
    return set(Division.objects.visible_to(user).filter(pk__in=[d.pk for d in divisions])
               .values_list("pk", flat=True))


@scoped_to(Division)
@login_required
def policy_view(request, pk):
    """The settings that apply at a division, where each comes from; a role that may change them edits here."""
    division = get_object_or_404(Division.objects.visible_to(request.user), pk=pk)
    policy = effective_policy(division)
    editable = can(request.user, "policy", "change", division)
    form = PolicyForm(request.POST or None, policy=policy, definitions=POLICIES)
    if request.method == "POST":
        if not editable:
            raise Http404
        done = submit(request, form, lambda _data: _save_policy_form(request.user, division, policy, form),
                      success=reverse("organizations:policy", args=[division.pk]),
                      message=_("Settings saved. They apply to %(name)s and everything below it.")
                      % {"name": division.name})
        if done is not None:
            return done
    sources = {d.pk: d for d in Division.objects.visible_to(request.user).filter(
        pk__in=[v.source_division_id for _d, v in policy.items() if v.source_division_id])}
    rows = [(definition, value, sources.get(value.source_division_id), form[definition.key])
            for definition, value in policy.items()]
    ancestors = division.ancestors()
    return render_form(request, "organizations/policy.html", {
        "division": division, "rows": rows, "editable": editable,
        "ancestors": ancestors, "visible_division_ids": _visible_ids(request.user, ancestors),
    }, form)


def _save_policy_form(user, division, policy, form):
    from django.db import transaction

    with transaction.atomic():
        for definition in POLICIES:
            raw = form.cleaned_data.get(definition.key)
            own = policy.source(definition.key).source_division_id == division.pk
            if raw in (None, ""):
                if own:
                    services.policy_clear(user=user, division=division, key=definition.key)
                continue
            if definition.kind in JSON_KINDS:
                try:
                    raw = json.loads(raw)
                except ValueError as exc:
                    raise ValidationError(_("%(label)s is not valid JSON.") % {"label": definition.label}) from exc
            elif definition.kind == "bool":
                raw = raw == "true"
            services.policy_set(user=user, division=division, key=definition.key, value=raw)


class ImportListView(ScopedListView):
    model = ImportJob
    template_name = "organizations/import_list.html"
    select_related = ("division", "created_by")
    paginate_by = 20


class ImportDetailView(ScopedDetailView):
    model = ImportJob
    template_name = "organizations/import_detail.html"
    select_related = ("division", "created_by")


@login_required
def import_create(request):
    write_gate(request.user, "organization", "import")
    counties = importable_counties(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    form.fields["county"].queryset = counties
    if counties.count() == 1:
        form.fields["county"].initial = counties.first()
    def perform(data):
        job = import_job_create(user=request.user, county=data["county"], upload=data["file"])
        if job.status == ImportStatus.FAILED:
            messages.error(request, _("The import could not be queued: the task queue is unavailable. Nothing "
                                      "was imported; please upload the file again later."))
        return job

    done = submit(request, form, perform, success=lambda job: reverse("organizations:import-detail", args=[job.pk]))
    return done or render_form(request, "organizations/import_form.html", {}, form)
