"""Pages of the check records, reached from the designation page: enter a six-monthly check, the year-end
acceptance meeting, a follow-up review (回头看), and correct each (with its audit trail shown); and the list of
closed-out organizations under tracking.

Writes take the kernel's path: the gate (out of scope 404; a visible designation the role may not change 403),
the form, the service (which re-checks the role and the state), its errors back on the form (400).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from organizations.history import history_entries
from organizations.web.base import render_form, scoped_object_or_404, scoped_to, submit, write_gate

from ..models import AcceptanceReview, Designation, FollowUpReview, Measure, SixMonthlyCheck
from ..selectors.checks import tracked_organizations
from ..services import checks as services
from .check_forms import AcceptanceForm, CheckForm, FollowUpForm

TEMPLATE = "rectification/checks/form.html"


def _designation(request, pk) -> Designation:
    return scoped_object_or_404(Designation.objects.select_related("round", "organization__division", "township"),
                                request.user, pk=pk)


def _back(designation):
    return reverse("rectification:designation", args=[designation.pk])


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def check_create(request, pk):
    designation = _designation(request, pk)
    user = request.user
    write_gate(user, "check", "create", designation)
    measures = list(Measure.objects.visible_to(user).filter(plan__designation=designation, cycle__closed_on__isnull=True)
                    .order_by("sort_order", "pk"))
    form = CheckForm(request.POST or None, measures=measures)
    done = submit(request, form, lambda _data: services.check_record(
        user=user, designation=designation, **form.service_arguments()),
        success=_back(designation), message=_("The six-monthly check has been recorded."))
    return done or render_form(request, TEMPLATE, {
        "designation": designation, "title": _("Record the six-monthly check"),
        "measure_fields": form.measure_bound_fields()}, form)


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def acceptance_create(request, pk):
    designation = _designation(request, pk)
    user = request.user
    write_gate(user, "acceptance", "create", designation)
    form = AcceptanceForm(request.POST or None)
    done = submit(request, form, lambda data: services.acceptance_record(user=user, designation=designation, **data),
                  success=_back(designation), message=_("The year-end acceptance meeting has been recorded."))
    return done or render_form(request, TEMPLATE, {
        "designation": designation, "title": _("Record the year-end acceptance")}, form)


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def follow_up_create(request, pk):
    designation = _designation(request, pk)
    user = request.user
    write_gate(user, "follow_up", "create", designation)
    form = FollowUpForm(request.POST or None)
    messages = {"relapse": _("Relapse recorded: the organization is back in rectification (a new plan cycle)."),
                "proposed": _("Relapse recorded: the organization has been proposed for the next round."),
                "listed": _("Relapse recorded: the organization is already on another round's list.")}
    done = submit(request, form, lambda data: services.follow_up_record(user=user, designation=designation, **data),
                  success=_back(designation),
                  message=lambda review: messages.get(review.outcome, _("The follow-up review has been recorded.")))
    return done or render_form(request, TEMPLATE, {
        "designation": designation, "title": _("Record a follow-up review")}, form)


# ---------------------------------------------------------------------------------------------- corrections
# A record is corrected by a role that may enter it, through the service (which re-checks the role and the
# state); the page shows the record's audit trail, so every earlier version stays readable.


def _record(request, model, pk):
    return scoped_object_or_404(model.objects.select_related(
        "designation__round", "designation__organization__division", "designation__township"), request.user, pk=pk)


def _edit_page(request, record, form, title):
    return render_form(request, TEMPLATE, {"designation": record.designation, "title": title,
                                           "measure_fields": getattr(form, "measure_bound_fields", list)(),
                                           "history": history_entries(record), "record": record,
                                           "refusal": services.correction_refusal(record)}, form)


@scoped_to(SixMonthlyCheck)
@login_required
@require_http_methods(["GET", "POST"])
def check_edit(request, pk):
    record = _record(request, SixMonthlyCheck, pk)
    user = request.user
    write_gate(user, "check", "change", record)
    findings = {f.measure_id: f.finding for f in record.measure_findings.all()}
    measures = list(Measure.objects.visible_to(user).filter(plan__designation=record.designation).filter(
        Q(cycle__closed_on__isnull=True) | Q(pk__in=list(findings))).order_by("sort_order", "pk"))
    initial = {name: getattr(record, name) for name in CheckForm.base_fields}
    initial.update({f"measure_{pk}": text for pk, text in findings.items()})
    form = CheckForm(request.POST or None, measures=measures, initial=initial)
    done = submit(request, form, lambda _data: services.check_update(
        user=user, record=record, **form.service_arguments()),
        success=_back(record.designation), message=_("The six-monthly check has been corrected."))
    return done or _edit_page(request, record, form, _("Correct the six-monthly check"))


def _correct(request, pk, model, resource, form_class, service, *, message, title):
    """The correction page of a record whose form fields are the service's arguments."""
    record = _record(request, model, pk)
    user = request.user
    write_gate(user, resource, "change", record)
    form = form_class(request.POST or None, initial={name: getattr(record, name) for name in form_class.base_fields})
    done = submit(request, form, lambda data: service(user=user, review=record, **data),
                  success=_back(record.designation), message=message)
    return done or _edit_page(request, record, form, title)


@scoped_to(AcceptanceReview)
@login_required
@require_http_methods(["GET", "POST"])
def acceptance_edit(request, pk):
    return _correct(request, pk, AcceptanceReview, "acceptance", AcceptanceForm, services.acceptance_update,
                    message=_("The year-end acceptance meeting has been corrected."),
                    title=_("Correct the year-end acceptance"))


@scoped_to(FollowUpReview)
@login_required
@require_http_methods(["GET", "POST"])
def follow_up_edit(request, pk):
    return _correct(request, pk, FollowUpReview, "follow_up", FollowUpForm, services.follow_up_update,
                    message=_("The follow-up review has been corrected."), title=_("Correct the follow-up review"))


@scoped_to(Designation)
@login_required
@require_GET
def tracking_list(request):
    """Closed-out organizations under tracking (销号后跟踪管理), with their follow-up reviews."""
    rows = tracked_organizations(request.user)
    query = (request.GET.get("q") or "").strip()
    if query:
        rows = [r for r in rows if query in r.organization.name]
    return render(request, "rectification/checks/tracking.html", {"rows": rows, "q": query})
