"""Pages of the reserve cadre pool: list, village pool, add/edit, status, yearly review, shortfall, candidates,
Excel import and export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.filters import is_id, year_or_none
from organizations.history import history_entries
from organizations.models import Organization
from organizations.permissions import can
from organizations.web.base import (
    ScopedExportView,
    ScopedListView,
    render_form,
    scoped_to,
    submit,
    write_gate,
)

from ..exports.reserve import export_response, template_response
from ..filters.reserve import ReserveCadreFilter, ShortfallForm
from ..imports.reserve import reserve_import as run_import
from ..masking import HISTORY_MASKERS, can_unmask, unmask
from ..models import ReserveCadre, ReserveReview, ReserveStatus
from ..selectors import reserve as selectors
from ..services.reserve import (
    prefill_from_member,
    reserve_add,
    reserve_review_save,
    reserve_set_status,
    reserve_update,
)
from .common import UnmaskableExportMixin, import_page
from .reserve_forms import ReserveCadreForm, ReserveImportForm, ReviewForm, StatusForm


def _reserve_for(request, pk):
    return get_object_or_404(ReserveCadre.objects.visible_to(request.user).select_related(
        "organization", "township", "source_member"), pk=pk)


class ReserveListView(ScopedListView):
    """The reserve pool in the user's scope, with filters; numbers masked."""

    model = ReserveCadre
    filterset_class = ReserveCadreFilter
    template_name = "cadres/reserve/list.html"
    select_related = ("organization", "township")
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().order_by("township__code", "organization__division__code",
                                               "organization__name", "status", "name")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_add"] = can(user, "reserve", "change")
        context["may_import"] = can(user, "reserve", "import")
        context["may_unmask_export"] = can(user, "personal_data", "unmask")
        return context


@login_required
@scoped_to(Organization)
def village_pool(request, pk):
    """One village's pool: the people in it, those who entered the two committees or left, and the policy."""
    organization = get_object_or_404(Organization.objects.visible_to(request.user).select_related(
        "township", "division"), pk=pk)
    rows = selectors.village_rows(request.user, organizations=Organization.objects.filter(pk=organization.pk))
    entries = list(ReserveCadre.objects.visible_to(request.user).filter(organization=organization).order_by(
        "status", "name"))
    return render(request, "cadres/reserve/village.html", {
        "organization": organization, "row": rows[0] if rows else None, "entries": entries,
        "in_pool": [e for e in entries if e.status == ReserveStatus.IN_POOL],
        "others": [e for e in entries if e.status != ReserveStatus.IN_POOL],
        "may_add": can(request.user, "reserve", "change", organization)
        and organization.category in selectors.POOL_CATEGORIES,
    })


@login_required
@scoped_to(ReserveCadre)
def reserve_detail(request, pk):
    reserve = _reserve_for(request, pk)
    may_change = can(request.user, "reserve", "change", reserve)
    return render(request, "cadres/reserve/detail.html", {
        "reserve": reserve, "may_change": may_change, "may_unmask": can_unmask(request.user, reserve),
        "reviews": ReserveReview.objects.visible_to(request.user).filter(reserve=reserve).order_by("-year"),
        "status_form": StatusForm(reserve=reserve) if may_change else None,
        "review_form": ReviewForm() if may_change else None,
        "history": history_entries(reserve, mask_fields=HISTORY_MASKERS),
    })


@login_required
@scoped_to(ReserveCadre)
def reserve_add_view(request):
    """Add a person to a village's pool; ``?organization=`` and ``?member=`` prefill (from star ratings)."""
    write_gate(request.user, "reserve", "change")
    initial = {}
    member_id = request.GET.get("member")
    if is_id(member_id):
        from evaluations.models.members import PartyMember

        member = PartyMember.objects.visible_to(request.user).filter(pk=member_id).first()
        if member is not None:
            initial = prefill_from_member(member)
    organization_id = request.GET.get("organization")
    if is_id(organization_id):
        initial.setdefault("organization", int(organization_id))
    form = ReserveCadreForm(request.POST or None, initial=initial, user=request.user)
    done = submit(request, form, lambda data: reserve_add(user=request.user, organization=data["organization"],
                                                          **form.service_fields()),
                  success=lambda reserve: reverse("cadres:reserve-detail", args=[reserve.pk]),
                  message=lambda reserve: _("%(name)s has been added to the reserve pool.") % {"name": reserve.name})
    return done or render_form(request, "cadres/reserve/form.html", {"reserve": None}, form)


@login_required
@scoped_to(ReserveCadre)
def reserve_edit(request, pk):
    reserve = _reserve_for(request, pk)
    write_gate(request.user, "reserve", "change", reserve)
    form = ReserveCadreForm(request.POST or None, instance=reserve, user=request.user)
    done = submit(request, form, lambda data: reserve_update(user=request.user, reserve=reserve,
                                                             organization=data["organization"],
                                                             **form.service_fields()),
                  success=reverse("cadres:reserve-detail", args=[reserve.pk]),
                  message=_("The reserve cadre has been saved."))
    return done or render_form(request, "cadres/reserve/form.html", {"reserve": reserve}, form)


@login_required
@scoped_to(ReserveCadre)
def reserve_status(request, pk):
    """Entered the two committees (optionally onto the roster), left the pool, or back into it."""
    reserve = _reserve_for(request, pk)
    write_gate(request.user, "reserve", "change", reserve)
    form = StatusForm(request.POST or None, reserve=reserve)
    if not can(request.user, "cadre", "change", reserve.organization):
        del form.fields["roster_post"]
    done = submit(request, form, lambda data: reserve_set_status(
        user=request.user, reserve=reserve, status=data["status"], on=data["on"], note=data["note"],
        roster_post=data.get("roster_post", "")),
        success=reverse("cadres:reserve-detail", args=[reserve.pk]), message=_("The status has been changed."))
    return done or render_form(request, "cadres/reserve/status_form.html", {"reserve": reserve}, form)


@login_required
@scoped_to(ReserveCadre)
def reserve_review(request, pk):
    reserve = _reserve_for(request, pk)
    write_gate(request.user, "reserve", "change", reserve)
    form = ReviewForm(request.POST or None)
    done = submit(request, form, lambda data: reserve_review_save(user=request.user, reserve=reserve, **data),
                  success=reverse("cadres:reserve-detail", args=[reserve.pk]) + "#reviews",
                  message=_("The yearly review has been recorded."))
    return done or render_form(request, "cadres/reserve/review_form.html", {"reserve": reserve}, form)


@login_required
@scoped_to(ReserveCadre)
def reserve_unmask(request, pk):
    """Show the full ID and mobile numbers of one person (POST only; every view is logged)."""
    reserve = _reserve_for(request, pk)
    if not can_unmask(request.user, reserve):
        raise PermissionDenied
    numbers = None
    if request.method == "POST":
        numbers = unmask(request.user, reserve, request=request, via="reserve-page")
    return render(request, "cadres/reserve/unmask.html", {"reserve": reserve, "numbers": numbers})


# ------------------------------------------------------------------------------------------ shortfall


@login_required
@scoped_to(ReserveCadre)
def shortfall(request):
    """Villages below the policy minimum (per township and county), above the maximum, without a student."""
    form = ShortfallForm(request.GET or None, request=request)
    county = township = None
    flag = selectors.SHORT
    query = ""
    if form.is_bound:
        if form.is_valid():
            county, township = form.cleaned_data["county"], form.cleaned_data["township"]
            flag = form.flag_value()
            query = form.cleaned_data["q"].strip()
        else:
            county = township = None
    rows = [] if form.is_bound and not form.is_valid() else selectors.village_rows(
        request.user, county=county, township=township)
    total, counties, townships = selectors.tally(rows)
    shown = selectors.filter_rows(rows, flag)
    if query:
        shown = [r for r in shown if query in r.name or query in r.township]
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "cadres/reserve/shortfall.html", {
        "form": form, "total": total, "counties": counties, "townships": townships, "page_obj": page,
        "rows": page.object_list, "flag": flag, "querystring": params.urlencode(),
    })


# ------------------------------------------------------------------------------------------ candidates


@login_required
@scoped_to(ReserveCadre)
def candidates(request):
    """Party members rated 9 stars or more (final year-end) who are not in the pool yet."""
    from evaluations.models.members import AssessmentKind, AssessmentStatus, MemberAssessment

    year = year_or_none(request.GET.get("year"))
    if year is None:
        year = MemberAssessment.objects.visible_to(request.user).filter(
            kind=AssessmentKind.YEAR_END, status=AssessmentStatus.FINAL).aggregate(y=Max("year"))["y"]
    rows = selectors.star_candidates(request.user, year=year) if year else MemberAssessment.objects.none()
    query = (request.GET.get("q") or "").strip()
    if query:
        rows = rows.filter(Q(member__name__icontains=query) | Q(organization__name__icontains=query))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "cadres/reserve/candidates.html", {
        "page_obj": page, "rows": page.object_list, "year": year, "q": query, "querystring": params.urlencode(),
        "min_stars": selectors.CANDIDATE_MIN_STARS, "may_add": can(request.user, "reserve", "change"),
        "this_year": timezone.localdate().year,
    })


# ------------------------------------------------------------------------------------------ Excel


@login_required
@scoped_to(ReserveCadre)
def reserve_import(request):
    """Upload the pool in the §3e layout: every row checked, all rows written or none."""
    write_gate(request.user, "reserve", "import")
    form = ReserveImportForm(request.POST or None, request.FILES or None)
    return import_page(
        request, form, lambda data: run_import(user=request.user, upload=data["file"], request=request),
        template="cadres/reserve/import.html", context={}, success=reverse("cadres:reserve-list"),
        message=lambda result: _("%(count)s reserve cadres have been imported.") % {"count": len(result.created)})


@login_required
@scoped_to(ReserveCadre)
def reserve_import_template(request):
    """The blank import workbook (not a data export: headers and one fictitious example row)."""
    return template_response()


class ReserveExportView(UnmaskableExportMixin, ScopedExportView):
    """The pool (with the list's filters) in the §3e layout; numbers masked unless asked and allowed
    (``unmasked=1`` by a role without personal_data/unmask is a 403, as for the roster)."""

    model = ReserveCadre
    filterset_class = ReserveCadreFilter
    export_name = "reserve pool"
    unmask_via = "reserve export"

    def export_response(self, queryset, obj):
        return export_response(queryset, unmasked_ids=self.unmasked_ids(queryset), user=self.request.user)
