"""Pages of the support of weak organizations: first secretaries (and work teams), contact leaders, helping
units, their pairings with villages, their workloads and the "four ones" coverage; the cadres home page.

Reads start from ``visible_to(user)`` (out of scope: 404); writes take the kernel's write path
(``write_gate``: a visible object the role may not change is a 403; ``submit``: the service's errors on the
form, a 400) and go through cadres.services.support, which checks the role table (county admins).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.history import history_entries
from organizations.models import Division, Organization
from organizations.permissions import can
from organizations.registry import NO_FOUR_ONES
from organizations.web.base import (
    ScopedExportView,
    ScopedListView,
    render_form,
    scoped_to,
    submit,
    write_gate,
)
from rectification.models import Designation

from .. import masking
from ..exports import support as exports
from ..filters.support import (
    ContactLeaderFilter,
    CoverageFilter,
    FirstSecretaryFilter,
    HelpingUnitFilter,
    PairingFilter,
)
from ..models import ContactLeader, FirstSecretary, HelpingUnit, Pairing
from ..selectors import support as selectors
from ..selectors.four_ones import four_ones_of
from ..services import support as services
from .common import ConfirmForm
from .support_forms import (
    ContactLeaderForm,
    FirstSecretaryForm,
    HelpingUnitForm,
    PairingEndForm,
    PairingForm,
    RecallForm,
)


def _may(request, resource: str, obj) -> bool:
    return can(request.user, resource, "change", obj)


def _url_or_none(name: str, *args) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _writable_county(request) -> Division | None:
    """The first county the user may keep contact leaders and helping units in (for "Add" links)."""
    from organizations.permissions import writable
    from organizations.roles import Level

    return writable(Division.objects.all(), request.user, "support", "change").filter(
        level=Level.COUNTY).order_by("code").first()


# ------------------------------------------------------------------------------------------------ home


@login_required
@scoped_to(FirstSecretary)
def home(request):
    """The cadres area: tiles to each part (each shown when its part is installed)."""
    tiles = [
        (_("Cadre roster"), _("Village two committees, secretaries and directors."), _url_or_none("cadres:roster")),
        (_("Reserve cadre pool"), _("Reserve cadres per village and the shortfall."),
         _url_or_none("cadres:reserve-list")),
        (_("Training"), _("Trainings, attendance and the untrained secretaries."), _url_or_none("cadres:training-list")),
        (_("First secretaries"), _("Dispatching units, terms and days in the village."),
         reverse("cadres:first-secretaries")),
        (_("Contact leaders"), _("County-level leaders, their villages and visits."), reverse("cadres:contact-leaders")),
        (_("Helping units"), _("Paired agencies, departments and strong villages."), reverse("cadres:helping-units")),
        (_("Pairings"), _("Every village with its contact leader and helping unit."), reverse("cadres:pairings")),
        (_("\"Four ones\" coverage"), _("Weak organizations without a first secretary, contact leader or unit."),
         reverse("cadres:coverage")),
        (_("Cadre dashboard"), _("Reserve shortfall, untrained secretaries, expiring terms."),
         reverse("cadres:dashboard")),
    ]
    leaders, units = selectors.own_holders(request.user)
    return render(request, "cadres/home.html", {
        "tiles": [t for t in tiles if t[2]], "has_own_workload": bool(leaders or units)})


# ----------------------------------------------------------------------------------- first secretaries


class FirstSecretaryListView(ScopedListView):
    """First secretaries in scope; filters: township, dispatching unit, status, term ending within N days."""

    model = FirstSecretary
    filterset_class = FirstSecretaryFilter
    template_name = "cadres/support/first_secretary_list.html"
    select_related = ("organization", "township")
    paginate_by = 50
    default_expiring: int | None = None

    def get_queryset(self):
        self.today = timezone.localdate()
        data = self.request.GET.copy()
        if self.default_expiring is not None and not data.get("expiring"):
            data["expiring"] = str(self.default_expiring)
        queryset = FirstSecretary.objects.visible_to(self.request.user).select_related(*self.select_related)
        self.filterset = self.filterset_class(data or None, queryset=queryset, request=self.request)
        self.filterset.today = self.today
        if self.filterset.is_bound:
            queryset = self.filterset.qs if self.filterset.is_valid() else queryset.none()
        return queryset.prefetch_related("other_villages").order_by("term_end", "name", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filterset
        context["today"] = self.today
        context["rows"] = [(fs, selectors.state_of(fs, self.today), (fs.term_end - self.today).days,
                            selectors.attendance(fs, self.today)) for fs in context["object_list"]]
        context["state_labels"] = selectors.STATE_LABELS
        context["expiring_view"] = self.default_expiring is not None
        context["export_url"] = reverse("cadres:first-secretaries-export") + (
            f"?{context['querystring']}" if context["querystring"] else "")
        return context


class ExpiringFirstSecretaryListView(FirstSecretaryListView):
    """Terms ending within 60 days (or ``?expiring=N``): the ones to replace or extend."""

    default_expiring = selectors.EXPIRING_DAYS


def _first_secretary_for(request, pk):
    return get_object_or_404(FirstSecretary.objects.visible_to(request.user).select_related(
        "organization__division", "township", "county", "user"), pk=pk)


@login_required
@scoped_to(FirstSecretary)
def first_secretary_detail(request, pk):
    """A first secretary: villages served, term, days in the village against the practice, history.
    POST shows the full personal numbers once (roles that may unmask; written to the security log)."""
    first_secretary = _first_secretary_for(request, pk)
    today = timezone.localdate()
    unmasked = None
    if request.method == "POST":
        unmasked = masking.unmask(request.user, first_secretary, request=request)
    villages = [first_secretary.organization, *Organization.objects.visible_to(request.user).filter(
        pk__in=first_secretary.other_villages.values("pk")).order_by("division__code")]
    return render(request, "cadres/support/first_secretary_detail.html", {
        "fs": first_secretary, "person": first_secretary, "villages": villages, "today": today,
        "state": selectors.state_of(first_secretary, today), "state_labels": selectors.STATE_LABELS,
        "term": selectors.term_progress(first_secretary, today),
        "attendance": selectors.attendance(first_secretary, today),
        "unmasked": unmasked,
        "unmask_url": reverse("cadres:first-secretary", args=[pk]) if masking.can_unmask(
            request.user, first_secretary) else None,
        "can_change": _may(request, "first_secretary", first_secretary),
        "history": history_entries(first_secretary, mask_fields=masking.HISTORY_MASKERS),
    })


def _first_secretary_form(request, organization, data=None, initial=None):
    choices = services.supported_organizations(request.user).filter(county_id=organization.county_id).exclude(
        pk=organization.pk)
    return FirstSecretaryForm(data, initial=initial, organizations=choices)


@login_required
@scoped_to(Organization)
def first_secretary_add(request, pk):
    """Station a first secretary in a village (county admins); the term end defaults to the policy."""
    organization = get_object_or_404(Organization.objects.visible_to(request.user).select_related("division"), pk=pk)
    write_gate(request.user, "first_secretary", "change", organization)
    if organization.category not in services.SUPPORTED_CATEGORIES:
        raise PermissionDenied(_("First secretaries are stationed in village and community organizations."))
    form = _first_secretary_form(request, organization, request.POST or None)
    done = submit(request, form, lambda data: services.first_secretary_create(
        user=request.user, organization=organization, other_villages=data["other_villages"],
        account=data["account"], **form.service_fields()),
        success=lambda first_secretary: reverse("cadres:first-secretary", args=[first_secretary.pk]),
        message=_("The first secretary has been added."))
    return done or render_form(request, "cadres/support/first_secretary_form.html", {
        "organization": organization, "fs": None}, form)


@login_required
@scoped_to(FirstSecretary)
def first_secretary_edit(request, pk):
    first_secretary = _first_secretary_for(request, pk)
    write_gate(request.user, "first_secretary", "change", first_secretary)
    initial = {name: getattr(first_secretary, name) for name in services.FIRST_SECRETARY_FIELDS
               if name not in FirstSecretaryForm.HIDDEN_NUMBERS}
    initial["other_villages"] = list(first_secretary.other_villages.all())
    initial["account"] = first_secretary.user.username if first_secretary.user_id else ""
    form = _first_secretary_form(request, first_secretary.organization, request.POST or None,
                                 initial=initial).hide_numbers(first_secretary)
    done = submit(request, form, lambda data: services.first_secretary_update(
        user=request.user, first_secretary=first_secretary, other_villages=data["other_villages"],
        account=data["account"], **form.service_fields()),
        success=reverse("cadres:first-secretary", args=[first_secretary.pk]),
        message=_("The changes have been saved."))
    return done or render_form(request, "cadres/support/first_secretary_form.html", {
        "organization": first_secretary.organization, "fs": first_secretary}, form)


@login_required
@scoped_to(FirstSecretary)
def first_secretary_recall(request, pk):
    """End a first secretary's service (recalled, or the term completed): the account loses the villages."""
    first_secretary = _first_secretary_for(request, pk)
    write_gate(request.user, "first_secretary", "change", first_secretary)
    form = RecallForm(request.POST or None)
    done = submit(request, form, lambda data: services.first_secretary_recall(
        user=request.user, first_secretary=first_secretary, recalled_on=data["recalled_on"], reason=data["reason"]),
        success=reverse("cadres:first-secretary", args=[first_secretary.pk]),
        message=_("The first secretary's service has been ended."))
    return done or render_form(request, "cadres/support/confirm_form.html", {
        "object": first_secretary, "back": reverse("cadres:first-secretary", args=[pk]),
        "title": _("End the service of %(name)s") % {"name": first_secretary.name},
        "text": _("The first secretary stops serving on this date; a linked portal account loses the villages."),
        "button": _("End the service")}, form)


class FirstSecretaryExportView(ScopedExportView):
    """The list's scope and filters as a workbook (personal numbers masked)."""

    model = FirstSecretary
    filterset_class = FirstSecretaryFilter
    select_related = FirstSecretaryListView.select_related
    export_name = "first_secretaries"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("other_villages").order_by("term_end", "name", "pk")

    def export_response(self, queryset, obj):
        return exports.first_secretaries_response(queryset, today=timezone.localdate(), user=self.request.user)


# ------------------------------------------------------------------------------ contact leaders and units


class ContactLeaderListView(ScopedListView):
    model = ContactLeader
    filterset_class = ContactLeaderFilter
    template_name = "cadres/support/holder_list.html"

    def scoped_queryset(self):
        return selectors.leaders_with_counts(self.request.user, timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        county = _writable_county(self.request)
        context.update(
            is_leader=True, title=_("Contact leaders"),
            add_url=reverse("cadres:contact-leader-add", args=[county.pk]) if county else None)
        return context


class HelpingUnitListView(ScopedListView):
    model = HelpingUnit
    filterset_class = HelpingUnitFilter
    template_name = "cadres/support/holder_list.html"

    def scoped_queryset(self):
        return selectors.units_with_counts(self.request.user, timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        county = _writable_county(self.request)
        context.update(
            is_leader=False, title=_("Helping units"),
            add_url=reverse("cadres:helping-unit-add", args=[county.pk]) if county else None)
        return context


def _holder_kind(model):
    if model is ContactLeader:
        return {"is_leader": True, "prefix": "cadres:contact-leader", "form": ContactLeaderForm, "number": "phone",
                "create": services.contact_leader_create, "update": services.contact_leader_update,
                "arg": "leader", "list": "cadres:contact-leaders"}
    return {"is_leader": False, "prefix": "cadres:helping-unit", "form": HelpingUnitForm, "number": "contact_phone",
            "create": services.helping_unit_create, "update": services.helping_unit_update,
            "arg": "unit", "list": "cadres:helping-units"}


def _holder_detail(request, model, pk):
    """The holder's workload and history; its mobile masked. A POST by a role that may unmask shows the full
    number once and writes the view to the security log (the edit form never shows it)."""
    holder = get_object_or_404(model.objects.visible_to(request.user).select_related("division", "user"), pk=pk)
    kind = _holder_kind(model)
    today = timezone.localdate()
    may_unmask = masking.can_unmask(request.user, holder)
    number = None
    if request.method == "POST":
        if not may_unmask:
            raise PermissionDenied
        number = masking.unmask(request.user, holder, fields=[kind["number"]], request=request,
                                via=f"{model._meta.model_name} page")[kind["number"]]
    ended = Pairing.objects.visible_to(request.user).filter(
        **({"contact_leader": holder} if kind["is_leader"] else {"helping_unit": holder}),
        ended_on__isnull=False).select_related("organization").order_by("-ended_on")[:50]
    response = render(request, "cadres/support/workload.html", {
        "holder": holder, "kind": kind, "workload": selectors.workload(request.user, holder, today=today),
        "ended": ended, "can_change": _may(request, "support", holder),
        "history": history_entries(holder, mask_fields=masking.HISTORY_MASKERS),
        "own": False, "may_unmask": may_unmask, "number": number,
        "masked_number": masking.NUMBER_MASKERS[kind["number"]](getattr(holder, kind["number"]) or ""),
    })
    if number:
        response["Cache-Control"] = "no-store"
    return response


def _holder_add(request, model, pk):
    division = get_object_or_404(Division.objects.visible_to(request.user), pk=pk)
    write_gate(request.user, "support", "change", division)
    county = services.county_of(division)
    if county is None:
        raise PermissionDenied
    kind = _holder_kind(model)
    form = kind["form"](request.POST or None)

    def perform(data):
        data = dict(data)
        account = data.pop("account")
        return kind["create"](user=request.user, division=county, account=account, **data)

    done = submit(request, form, perform, success=lambda holder: reverse(kind["prefix"], args=[holder.pk]),
                  message=_("Saved."))
    return done or render_form(request, "cadres/support/holder_form.html", {
        "kind": kind, "holder": None, "county": county}, form)


def _holder_edit(request, model, pk):
    holder = get_object_or_404(model.objects.visible_to(request.user).select_related("division", "user"), pk=pk)
    write_gate(request.user, "support", "change", holder)
    kind = _holder_kind(model)
    form = kind["form"].for_instance(holder, request.POST or None)

    def perform(data):
        data = dict(data)
        account = data.pop("account")
        return kind["update"](user=request.user, account=account, **{kind["arg"]: holder}, **data)

    done = submit(request, form, perform, success=reverse(kind["prefix"], args=[holder.pk]),
                  message=_("The changes have been saved."))
    return done or render_form(request, "cadres/support/holder_form.html", {
        "kind": kind, "holder": holder, "county": holder.division}, form)


def _holder_delete(request, model, pk):
    holder = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    write_gate(request.user, "support", "change", holder)
    kind = _holder_kind(model)
    form = ConfirmForm.for_request(request)
    done = submit(request, form, lambda _data: services.support_holder_delete(user=request.user, holder=holder),
                  success=reverse(kind["list"]), message=_("Deleted."))
    return done or render_form(request, "cadres/support/confirm_form.html", {
        "object": holder, "back": reverse(kind["prefix"], args=[pk]),
        "title": _("Delete %(name)s") % {"name": holder.name},
        "text": _("Only one that was never paired can be deleted; otherwise end its pairings."),
        "button": _("Delete")}, form)


def _holder_pair(request, model, pk):
    """Pair the leader or unit with a village of its county (choices: villages the admin may change)."""
    holder = get_object_or_404(model.objects.visible_to(request.user).select_related("division"), pk=pk)
    write_gate(request.user, "support", "change", holder)
    kind = _holder_kind(model)
    form = PairingForm(request.POST or None,
                       organizations=services.supported_organizations(request.user, county=holder.division))
    done = submit(request, form, lambda data: services.pairing_create(
        user=request.user, organization=data["organization"],
        contact_leader=holder if kind["is_leader"] else None, helping_unit=None if kind["is_leader"] else holder,
        started_on=data["started_on"], note=data["note"]),
        success=reverse(kind["prefix"], args=[holder.pk]), message=_("The village has been paired."))
    return done or render_form(request, "cadres/support/pairing_form.html", {"kind": kind, "holder": holder}, form)


def _bind(handler, model):
    @login_required
    @scoped_to(model)
    def view(request, pk):
        return handler(request, model, pk)

    view.__name__ = f"{handler.__name__.lstrip('_')}_{model._meta.model_name}"
    return view


contact_leader_detail = _bind(_holder_detail, ContactLeader)
contact_leader_edit = _bind(_holder_edit, ContactLeader)
contact_leader_delete = _bind(_holder_delete, ContactLeader)
contact_leader_pair = _bind(_holder_pair, ContactLeader)
helping_unit_detail = _bind(_holder_detail, HelpingUnit)
helping_unit_edit = _bind(_holder_edit, HelpingUnit)
helping_unit_delete = _bind(_holder_delete, HelpingUnit)
helping_unit_pair = _bind(_holder_pair, HelpingUnit)


# The add pages take the county (a division, in the URL) and create a holder of their own kind.
@login_required
@scoped_to(Division)
def contact_leader_add(request, pk):
    return _holder_add(request, ContactLeader, pk)


@login_required
@scoped_to(Division)
def helping_unit_add(request, pk):
    return _holder_add(request, HelpingUnit, pk)


# ------------------------------------------------------------------------------------------- pairings


class PairingListView(ScopedListView):
    """Pairings in scope (a township organizer: its villages', read-only); a county admin ends them."""

    model = Pairing
    filterset_class = PairingFilter
    template_name = "cadres/support/pairing_list.html"
    select_related = ("organization__township", "contact_leader", "helping_unit")

    def get_queryset(self):
        return super().get_queryset().order_by("organization__division__code", "contact_leader", "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = list(context["object_list"])
        user = self.request.user
        context["visible_leaders"] = set(ContactLeader.objects.visible_to(user).filter(
            pk__in=[p.contact_leader_id for p in rows if p.contact_leader_id]).values_list("pk", flat=True))
        context["visible_units"] = set(HelpingUnit.objects.visible_to(user).filter(
            pk__in=[p.helping_unit_id for p in rows if p.helping_unit_id]).values_list("pk", flat=True))
        context["can_end"] = can(user, "support", "change")
        context["export_url"] = reverse("cadres:pairings-export") + (
            f"?{context['querystring']}" if context["querystring"] else "")
        return context


@login_required
@scoped_to(Pairing)
def pairing_end(request, pk):
    pairing = get_object_or_404(Pairing.objects.visible_to(request.user).select_related(
        "organization", "contact_leader", "helping_unit"), pk=pk)
    write_gate(request.user, "support", "change", pairing)
    form = PairingEndForm(request.POST or None)
    holder = pairing.contact_leader or pairing.helping_unit
    back = reverse("cadres:contact-leader" if pairing.contact_leader_id else "cadres:helping-unit", args=[holder.pk])
    done = submit(request, form, lambda data: services.pairing_end(user=request.user, pairing=pairing,
                                                                   ended_on=data["ended_on"]),
                  success=back, message=_("The pairing has been ended."))
    return done or render_form(request, "cadres/support/confirm_form.html", {
        "object": pairing, "back": back,
        "title": _("End the pairing of %(holder)s with %(village)s") % {"holder": holder.name,
                                                                       "village": pairing.organization.name},
        "text": _("A linked portal account loses this village unless another pairing still gives it."),
        "button": _("End the pairing")}, form)


class PairingExportView(ScopedExportView):
    """Pairings in the list's scope and filters: village | contact leader | helping unit | since."""

    model = Pairing
    filterset_class = PairingFilter
    export_name = "pairings"

    def export_response(self, queryset, obj):
        return exports.pairings_response(queryset, self.request.user)


# --------------------------------------------------------------------------------------------- coverage


class CoverageListView(ScopedListView):
    """Weak organizations of each county's current round with their "four ones" (first secretary, county
    contact leader, helping unit; the township leader as written in the plan)."""

    model = Designation
    filterset_class = CoverageFilter
    template_name = "cadres/support/coverage.html"
    paginate_by = 100

    def get_queryset(self):
        self.today = timezone.localdate()
        queryset = selectors.with_coverage(selectors.current_designations(self.request.user), self.today)
        queryset = queryset.select_related("organization__township", "round", "plan")
        self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
        if self.filterset.is_bound:
            queryset = self.filterset.qs if self.filterset.is_valid() else queryset.none()
        return queryset.order_by("organization__division__code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = can(self.request.user, "first_secretary", "change")
        # The names are the "four ones" provider's (the rows the ledger export and the board read), on the
        # same day as the coverage annotations: two queries for the page.
        found = four_ones_of([d.organization_id for d in context["object_list"]], self.today)
        context["rows"] = [(d, found.get(d.organization_id, NO_FOUR_ONES)) for d in context["object_list"]]
        return context


# ------------------------------------------------------------------------------------------- own workload


@login_required
@scoped_to(Pairing)
def my_workload(request):
    """A contact leader's or helping unit's own account: its paired villages, tasks and visits."""
    return render(request, "cadres/support/my_workload.html", {
        "workloads": selectors.own_workloads(request.user)})
