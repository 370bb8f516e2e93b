"""The ledger at a glance: the ledger page, the role home page ("my ledger") and the rounds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView

from organizations.models import Division
from organizations.permissions import can, writable
from organizations.roles import Level, Role
from organizations.scoping import constant_in_scope, grants_for
from organizations.web.base import (
    ScopedListView,
    ScopedQuerysetMixin,
    render_form,
    scoped_to,
    submit,
    write_gate,
)

from .. import services
from ..filters.ledger import DesignationFilter
from ..models import Designation, Round
from ..selectors import ledger as selectors
from ..selectors.ledger import LEDGER_ORDER
from .ledger_forms import CategoryForm, RoundForm


def export_url() -> str | None:
    """The export helper's URL, when it exists."""
    try:
        return reverse("rectification:ledger-export")
    except NoReverseMatch:
        return None


class LedgerView(ScopedListView):
    model = Designation
    filterset_class = DesignationFilter
    template_name = "rectification/ledger/ledger.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.with_ledger_columns(super().get_queryset()).order_by(*LEDGER_ORDER)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["export_url"] = export_url()
        context["can_propose"] = can(self.request.user, "designation", "propose")
        context["can_import"] = can(self.request.user, "designation", "import")
        context["one_township"] = constant_in_scope(Designation, self.request.user, "township_id")
        return context


class MyLedgerView(ScopedQuerysetMixin, TemplateView):
    """The role home page: what each of the user's roles has to look at."""

    model = Designation
    template_name = "rectification/ledger/mine.html"
    limit = 200

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        roles = grants_for(user).roles()
        q = (self.request.GET.get("q") or "").strip()

        def rows(role_set):
            queryset = selectors.with_ledger_columns(Designation.objects.visible_to(user, roles=role_set))
            if q:
                queryset = queryset.filter(organization__name__icontains=q)
            return list(queryset.order_by(*LEDGER_ORDER)[: self.limit])

        sections = []
        if Role.COUNTY_ADMIN in roles:
            queues = selectors.county_queues(user)
            if q:
                queues = {key: qs.filter(organization__name__icontains=q) for key, qs in queues.items()}
            context["county"] = {key: list(qs[: self.limit]) for key, qs in queues.items()}
        if roles & selectors.TOWNSHIP_ROLES:
            sections.append((_("My townships' villages"), rows(selectors.TOWNSHIP_ROLES)))
        if Role.CONTACT_LEADER in roles:
            sections.append((_("Villages I am the contact leader of"), rows({Role.CONTACT_LEADER})))
        if roles & selectors.VILLAGE_ROLES:
            sections.append((_("My organization"), rows(selectors.VILLAGE_ROLES)))
        if roles & {Role.COUNTY_LEADER, Role.REVIEWER} and not sections and "county" not in context:
            sections.append((_("Ledger of my scope"), rows({Role.COUNTY_LEADER, Role.REVIEWER})))
        context["sections"] = sections
        context["one_township"] = constant_in_scope(Designation, user, "township_id")
        context["today"] = timezone.localdate()
        context["export_url"] = export_url()
        return context


@scoped_to(Round)
@login_required
@require_http_methods(["GET", "POST"])
def rounds_view(request):
    """The rounds the user sees; a county admin creates one here."""
    user = request.user
    if request.method == "POST":
        write_gate(user, "round", "create")
    counties = writable(Division.objects.filter(level=Level.COUNTY), user, "round", "create").order_by("code")
    form = RoundForm(request.POST or None, initial={"year": timezone.localdate().year})
    form.fields["county"].queryset = counties
    if counties.count() == 1:
        form.fields["county"].initial = counties.first()
    done = submit(request, form, lambda data: services.round_create(user=user, **data),
                  success=reverse("rectification:rounds"),
                  message=lambda round_: _("Round “%(name)s” created.") % {"name": round_.name})
    if done:
        return done
    rounds = selectors.rounds_visible(user).order_by("-year", "county__code")
    visible = Designation.objects.visible_to(user).values("pk")
    rounds = rounds.annotate(designation_count=Count("designations", filter=Q(designations__in=visible)))
    return render_form(request, "rectification/ledger/rounds.html", {
        "rounds": rounds, "form": form if counties.exists() else None}, form)


@login_required
@require_http_methods(["GET", "POST"])
def categories_view(request):
    """Weak-and-lax categories: the ten national ones and each county's own; a county admin adds its own."""
    user = request.user
    if request.method == "POST":
        write_gate(user, "category", "create")
    counties = writable(Division.objects.filter(level=Level.COUNTY), user, "category", "create").order_by("code")
    form = CategoryForm(request.POST or None)
    form.fields["county"].queryset = counties
    if counties.count() == 1:
        form.fields["county"].initial = counties.first()
    done = submit(request, form, lambda data: services.category_create(user=user, **data),
                  success=reverse("rectification:categories"),
                  message=lambda category: _("Category %(code)s added.") % {"code": category.code})
    if done:
        return done
    return render_form(request, "rectification/ledger/categories.html", {
        "categories": selectors.categories_visible(user), "form": form if counties.exists() else None}, form)
