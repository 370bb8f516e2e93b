"""Pages of training: events (kept by a county or township), attendance, untrained village secretaries."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.history import history_entries
from organizations.permissions import can
from organizations.web.base import ScopedListView, form_errors_from, scoped_to

from ..models import Cadre, TrainingAttendance, TrainingEvent
from ..reserve_filters import TrainingEventFilter, YearForm
from ..selectors import training as selectors
from ..services.training import (
    attendance_add,
    attendance_add_township_secretaries,
    attendance_remove,
    training_event_create,
    training_event_update,
)
from .reserve_forms import AttendanceForm, BulkAttendanceForm, TrainingEventForm


def _event_for(request, pk):
    return get_object_or_404(TrainingEvent.objects.visible_to(request.user).select_related("division"), pk=pk)


class TrainingListView(ScopedListView):
    model = TrainingEvent
    filterset_class = TrainingEventFilter
    template_name = "cadres/training/list.html"
    select_related = ("division",)
    paginate_by = 30

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = list(context["object_list"])
        counts = selectors.attendance_counts(self.request.user, [e.pk for e in events])
        for event in events:
            count = counts.get(event.pk, {})
            event.attended = count.get("attended", 0)
            event.completed = count.get("completed", 0)
        context["events"] = events
        context["may_add"] = can(self.request.user, "training", "change")
        return context


@login_required
@scoped_to(TrainingEvent)
def training_add(request):
    if not can(request.user, "training", "change"):
        raise Http404
    form = TrainingEventForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            event = training_event_create(user=request.user, **data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("The training has been recorded."))
            return redirect("cadres:training-detail", pk=event.pk)
    return render(request, "cadres/training/form.html", {"form": form, "event": None},
                  status=400 if form.errors else 200)


@login_required
@scoped_to(TrainingEvent)
def training_edit(request, pk):
    event = _event_for(request, pk)
    if not can(request.user, "training", "change", event):
        raise PermissionDenied
    form = TrainingEventForm(request.POST or None, instance=event, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            training_event_update(user=request.user, event=event, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("The training has been saved."))
            return redirect("cadres:training-detail", pk=event.pk)
    return render(request, "cadres/training/form.html", {"form": form, "event": event},
                  status=400 if form.errors else 200)


@login_required
@scoped_to(TrainingEvent)
def training_detail(request, pk):
    """An event with its attendance (the attendees the user may see); forms to add attendees."""
    event = _event_for(request, pk)
    may_change = can(request.user, "training", "change", event)
    attendance = TrainingAttendance.objects.visible_to(request.user).filter(event=event).select_related(
        "organization", "township", "cadre").order_by("township__code", "organization__name", "name")
    page = Paginator(attendance, 100).get_page(request.GET.get("page"))
    return render(request, "cadres/training/detail.html", {
        "event": event, "page_obj": page, "attendance": page.object_list, "may_change": may_change,
        "form": AttendanceForm(user=request.user) if may_change else None,
        "bulk_form": BulkAttendanceForm(user=request.user) if may_change else None,
        "history": history_entries(event),
    })


@login_required
@scoped_to(TrainingEvent)
def attendance_add_view(request, pk):
    """Add roster cadres to the event (POST); GET shows the form."""
    event = _event_for(request, pk)
    if not can(request.user, "training", "change", event):
        raise PermissionDenied
    form = AttendanceForm(request.POST or None, user=request.user)
    bulk = BulkAttendanceForm(request.POST or None, user=request.user)
    if request.method == "POST":
        target = bulk if request.POST.get("township") else form
        if target.is_valid():
            data = target.cleaned_data
            try:
                if target is bulk:
                    made = attendance_add_township_secretaries(user=request.user, event=event,
                                                               township=data["township"], passed=data["passed"])
                else:
                    made = attendance_add(user=request.user, event=event, cadres=list(data["cadres"]),
                                          passed=data["passed"])
            except ValidationError as exc:
                form_errors_from(exc, target)
            else:
                messages.success(request, _("%(count)s attendees have been added.") % {"count": len(made)})
                return redirect("cadres:training-detail", pk=event.pk)
    return render(request, "cadres/training/attendance_form.html", {
        "event": event, "form": form, "bulk_form": bulk},
        status=400 if (form.errors or bulk.errors) and request.method == "POST" else 200)


@login_required
@scoped_to(TrainingAttendance)
def attendance_remove_view(request, pk):
    row = get_object_or_404(TrainingAttendance.objects.visible_to(request.user).select_related("event"), pk=pk)
    if not can(request.user, "training", "change", row):
        raise PermissionDenied
    if request.method == "POST":
        event_pk = row.event_id
        attendance_remove(user=request.user, attendance=row)
        messages.success(request, _("The attendee has been removed."))
        return redirect("cadres:training-detail", pk=event_pk)
    return render(request, "cadres/training/attendance_remove.html", {"row": row})


# ------------------------------------------------------------------------------------------ untrained


def _year_and_scope(request):
    form = YearForm(request.GET or None, request=request)
    year = timezone.localdate().year
    county = township = None
    query = ""
    valid = True
    if form.is_bound:
        valid = form.is_valid()
        if valid:
            year = form.cleaned_data["year"] or year
            county, township = form.cleaned_data["county"], form.cleaned_data["township"]
            query = form.cleaned_data["q"].strip()
    return form, valid, year, county, township, query


@login_required
@scoped_to(Cadre)
def untrained(request):
    """Current village Party secretaries trained fewer times this year than the policy asks."""
    form, valid, year, county, township, query = _year_and_scope(request)
    rows = selectors.secretary_rows(request.user, year, county=county, township=township) if valid else []
    counts: dict = {}
    for row in rows:
        entry = counts.setdefault(row.township_id, {"name": row.township, "county": row.county,
                                                    "secretaries": 0, "untrained": 0})
        entry["secretaries"] += 1
        entry["untrained"] += row.is_untrained
    shown = [r for r in rows if r.is_untrained]
    if query:
        shown = [r for r in shown if query in r.name or query in r.organization]
    page = Paginator(shown, 100).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "cadres/training/untrained.html", {
        "form": form, "year": year, "townships": list(counts.values()), "page_obj": page, "rows": page.object_list,
        "total": {"secretaries": len(rows), "untrained": sum(1 for r in rows if r.is_untrained)},
        "querystring": params.urlencode(),
    })


@login_required
@scoped_to(Cadre)
def untrained_export(request):
    from ..exports.training import untrained_response

    form, valid, year, county, township, query = _year_and_scope(request)
    rows = selectors.untrained_secretaries(request.user, year, county=county, township=township) if valid else []
    if query:
        rows = [r for r in rows if query in r.name or query in r.organization]
    return untrained_response(rows, year)
