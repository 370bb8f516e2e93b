"""Pages of the guarantee ledger (保障台账): the list per county and township with its shortfalls, one
organization's ledger of a year, and its forms (venue and pay, a disbursement, a month's days in the village).

Reads start from ``visible_to(user)`` (an organization outside the scope: 404); writes take the kernel's write
path (``write_gate``: a visible organization the role may not change is the 403 page) and the services of
cadres.services.guarantee, which check the role table ("guarantee"/"change").
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.filters.base import year_or_none
from organizations.history import history_entries
from organizations.models import Organization
from organizations.permissions import can, writable
from organizations.web.base import (
    ScopedExportView,
    render_form,
    scoped_object_or_404,
    scoped_to,
    submit,
    write_gate,
)

from ..filters.guarantee import GuaranteeFilterForm
from ..models import Disbursement, FirstSecretary, GuaranteeLedger, PresenceKind, PresenceMonth
from ..selectors import guarantee as selectors
from ..selectors.summary_figures import team_member_names
from ..selectors.support import working_days
from ..services import guarantee as services
from .common import ConfirmForm
from .guarantee_forms import DisbursementForm, LedgerForm, PresenceForm


def _year(request) -> int:
    return year_or_none(request.GET.get("year") or request.POST.get("year")) or selectors.default_year(
        request.user, timezone.localdate())


def _ledger_url(organization_id: int, year: int) -> str:
    return f"{reverse('cadres:guarantee-ledger', args=[organization_id])}?year={year}"


def list_state(request) -> dict:
    """The list's rows (filtered), totals and township tallies from the query string (the page and export)."""
    form = GuaranteeFilterForm(request.GET or None, request=request)
    year = selectors.default_year(request.user, timezone.localdate())
    county = township = None
    flag = ""
    query = ""
    valid = not form.is_bound or form.is_valid()
    if form.is_bound and valid:
        year = form.cleaned_data.get("year") or year
        county, township = form.cleaned_data["county"], form.cleaned_data["township"]
        flag = form.cleaned_data.get("flag") or ""
        query = (form.cleaned_data.get("q") or "").strip()
    rows = selectors.ledger_rows(request.user, year=year, county=county, township=township) if valid else []
    if query:
        rows = [r for r in rows if query in r.organization.name
                or (r.organization.township is not None and query in r.organization.township.name)]
    total, townships = selectors.tally(rows)
    return {"form": form, "year": year, "rows": rows, "shown": selectors.filter_rows(rows, flag), "flag": flag,
            "total": total, "townships": townships}


@login_required
@scoped_to(GuaranteeLedger)
def ledger_list(request):
    """The designated organizations of the year with their subsidy, venue, pay and days, and the shortfalls."""
    state = list_state(request)
    page = Paginator(state["shown"], 100).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return render(request, "cadres/guarantee/list.html", {
        **state, "page_obj": page, "page_rows": page.object_list, "querystring": query,
        "kinds": [(kind, selectors.KIND_LABELS[kind], state["total"].by_kind[kind]) for kind in selectors.KINDS],
        "export_url": reverse("cadres:guarantee-export") + (f"?{query}" if query else ""),
    })


def _people(organization: Organization, year: int, month: int) -> list[tuple]:
    """Who is resident in ``month``: the first secretaries serving in it and their work teams, then anyone
    entered for the month already; with the days entered (or None)."""
    first = dt.date(year, month, 1)
    last = selectors.month_end(year, month)
    entered = {(row.kind, row.name): row for row in PresenceMonth.objects.filter(
        organization=organization, ledger__year=year, month=month)}
    people: list[tuple] = []
    seen = set()

    def add(kind, name, first_secretary=None):
        if (kind, name) in seen or not name:
            return
        seen.add((kind, name))
        row = entered.get((kind, name))
        people.append((kind, name, first_secretary, row.days_in_village if row else None))

    for fs in FirstSecretary.objects.filter(organization=organization, term_start__lte=last,
                                            term_end__gte=first).order_by("term_start", "pk"):
        if fs.recalled_on is not None and fs.recalled_on <= first:
            continue
        add(PresenceKind.FIRST_SECRETARY, fs.name, fs)
        for name in team_member_names(fs.team_members):
            add(PresenceKind.TEAM_MEMBER, name)
    for (kind, name), row in sorted(entered.items(), key=lambda item: item[1].pk):
        add(kind, name, row.first_secretary)
    return people


@login_required
@scoped_to(Organization)
def ledger_detail(request, pk):
    """One organization's guarantee ledger of a year (``?year=``)."""
    organization = scoped_object_or_404(Organization.objects.select_related("township", "county"), request.user,
                                        pk=pk)
    year = _year(request)
    row = selectors.ledger_row(organization, year)
    disbursements = list(Disbursement.objects.filter(organization=organization, ledger__year=year)
                         .order_by("paid_on", "pk"))
    may_change = can(request.user, "guarantee", "change", organization)
    return render(request, "cadres/guarantee/ledger.html", {
        "organization": organization, "year": year, "row": row, "ledger": row.ledger,
        "disbursements": disbursements, "may_change": may_change,
        "may_enter_days": may_change or (can(request.user, "guarantee", "days", organization)
                                         and services.own_first_secretaries(request.user, organization).exists()),
        "years": [year - 1, year + 1], "history": history_entries(row.ledger) if row.ledger else [],
    })


def _organization_for_write(request, pk) -> Organization:
    organization = scoped_object_or_404(Organization.objects.select_related("township", "county"), request.user,
                                        pk=pk)
    write_gate(request.user, "guarantee", "change", organization)
    return organization


@login_required
@scoped_to(Organization)
def ledger_edit(request, pk):
    """The year's venue (area, condition, renovation) and the secretary's pay."""
    organization = _organization_for_write(request, pk)
    year = _year(request)
    ledger = GuaranteeLedger.objects.filter(organization=organization, year=year).first()
    initial = {name: getattr(ledger, name) for name in services.LEDGER_FIELDS} if ledger else {
        "secretary_name": organization.secretary_name}
    form = LedgerForm(request.POST if request.method == "POST" else None, initial=initial)
    response = submit(request, form, lambda data: services.guarantee_ledger_save(
        user=request.user, organization=organization, year=year, **data),
        success=_ledger_url(organization.pk, year), message=_("The guarantee ledger was saved."))
    return response or render_form(request, "cadres/guarantee/form.html", {
        "organization": organization, "year": year, "title": _("Venue and secretary's pay")}, form)


@login_required
@scoped_to(Organization)
def disbursement_add(request, pk):
    """Record an amount of the operating-fund subsidy paid to the organization."""
    organization = _organization_for_write(request, pk)
    year = _year(request)
    form = DisbursementForm(request.POST if request.method == "POST" else None)
    response = submit(request, form, lambda data: services.disbursement_record(
        user=request.user, organization=organization, year=year, **data),
        success=_ledger_url(organization.pk, year), message=_("The disbursement was recorded."))
    return response or render_form(request, "cadres/guarantee/form.html", {
        "organization": organization, "year": year, "title": _("Record a disbursement")}, form)


@login_required
@scoped_to(Disbursement)
def disbursement_delete(request, pk):
    """Remove a disbursement entered by mistake (kept in the audit trail)."""
    disbursement = scoped_object_or_404(Disbursement.objects.select_related("organization", "ledger"), request.user,
                                        pk=pk)
    write_gate(request.user, "guarantee", "change", disbursement)
    form = ConfirmForm.for_request(request)
    url = _ledger_url(disbursement.organization_id, disbursement.ledger.year)
    response = submit(request, form, lambda _data: services.disbursement_delete(
        user=request.user, disbursement=disbursement), success=url, message=_("The disbursement was removed."))
    return response or render_form(request, "cadres/guarantee/confirm.html", {
        "organization": disbursement.organization, "year": disbursement.ledger.year,
        "disbursement": disbursement, "cancel_url": url}, form)


@login_required
@scoped_to(Organization)
def presence_record(request, pk):
    """A month's days in the village of the first secretary and the work team (``?year=&month=``); a first
    secretary of the organization enters their own days only (the form lists them alone)."""
    organization = scoped_object_or_404(Organization.objects.select_related("township", "county"), request.user,
                                        pk=pk)
    write_gate(request.user, "guarantee", "days", organization)
    keeper = services.keeps_guarantee(request.user, organization)
    if not keeper and not services.own_first_secretaries(request.user, organization).exists():
        raise PermissionDenied  # a first secretary of another village, serving this one too: not their ledger
    year = _year(request)
    today = timezone.localdate()
    raw_month = request.POST.get("month") or request.GET.get("month") or ""
    default_month = today.month - 1 if year == today.year and today.month > 1 else 12
    month = int(raw_month) if raw_month.isascii() and raw_month.isdigit() and 1 <= int(raw_month) <= 12 else default_month
    people = _people(organization, year, month)
    if not keeper:
        people = [person for person in people if person[2] is not None and person[2].user_id == request.user.pk]
    entered = PresenceMonth.objects.filter(organization=organization, ledger__year=year, month=month).first()
    initial = {"month": month, "working_days": entered.working_days if entered else working_days(
        dt.date(year, month, 1), selectors.month_end(year, month))}
    form = PresenceForm(request.POST if request.method == "POST" else None, initial=initial, people=people)
    response = submit(request, form, lambda data: services.presence_record(
        user=request.user, organization=organization, year=year, month=data["month"],
        working_days=data["working_days"], entries=form.entries()),
        success=_ledger_url(organization.pk, year), message=_("The days in the village were recorded."))
    return response or render_form(request, "cadres/guarantee/presence.html", {
        "organization": organization, "year": year, "month": month, "people": people, "own_only": not keeper,
        "months": range(1, 13)}, form)


def _month_of(request, today: dt.date) -> tuple[int, int]:
    """``?year=&month=`` of a month that has ended; otherwise the previous month."""
    year = year_or_none(request.GET.get("year"))
    raw = request.GET.get("month") or ""
    month = int(raw) if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 12 else None
    if year is None or month is None or selectors.month_end(year, month) >= today:
        return selectors.previous_month(today)
    return year, month


@login_required
@scoped_to(FirstSecretary)
def days_missing(request):
    """The organizations whose first secretary's days in the village of a month (default: the previous one) are not
    entered: exactly the rows the home to-do line counts, each with the secretaries missing and the entry form."""
    today = timezone.localdate()
    year, month = _month_of(request, today)
    organizations = (selectors.days_not_entered(request.user, year=year, month=month)
                     .select_related("township").order_by("township__code", "division__code", "name", "pk"))
    paginator = Paginator(organizations, 100)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names: dict[int, list[str]] = {}
    for organization_id, name in (selectors.secretaries_without_days(year, month)
                                  .filter(organization_id__in=[o.pk for o in rows])
                                  .order_by("term_start", "pk").values_list("organization_id", "name")):
        names.setdefault(organization_id, []).append(name)
    writable_ids = set(writable(Organization.objects.filter(pk__in=[o.pk for o in rows]), request.user,
                                "guarantee", "change").values_list("pk", flat=True))
    params = request.GET.copy()
    params.pop("page", None)
    previous = dt.date(year, month, 1) - dt.timedelta(days=1)
    return render(request, "cadres/guarantee/days_missing.html", {
        "year": year, "month": month, "page_obj": page, "paginator": paginator, "querystring": params.urlencode(),
        "rows": [(organization, names.get(organization.pk, []), organization.pk in writable_ids)
                 for organization in rows],
        "earlier": (previous.year, previous.month),
        "later": selectors.previous_month(today) != (year, month) and (
            (year + (month == 12), month % 12 + 1)),
    })


class GuaranteeExportView(ScopedExportView):
    """The list's rows (same scope and filters) in the guarantee ledger layout."""

    model = GuaranteeLedger
    export_name = "guarantee_ledger"

    def export_response(self, queryset, obj):
        from django.utils import translation

        from ..exports.guarantee import guarantee_workbook

        with translation.override("zh-hans"):  # the official layout: Chinese whatever the page's language
            state = list_state(self.request)
            return guarantee_workbook(state["shown"], year=state["year"], user=self.request.user)
