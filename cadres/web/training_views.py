"""Pages of training: events (kept by a county or township), attendance, untrained village secretaries."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.history import history_entries
from organizations.permissions import can
from organizations.web.base import (
    ScopedExportView,
    ScopedListView,
    render_form,
    scoped_to,
    submit,
    write_gate,
)

from ..exports.training import untrained_response
from ..filters.training import TrainingEventFilter, YearForm
from ..models import Cadre, TrainingAttendance, TrainingEvent
from ..selectors import training as selectors
from ..services.training import (
    attendance_add,
    attendance_add_township_secretaries,
    attendance_remove,
    training_event_create,
    training_event_update,
)
from .common import ConfirmForm
from .training_forms import AttendanceForm, BulkAttendanceForm, TrainingEventForm


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
    write_gate(request.user, "training", "change")
    form = TrainingEventForm(request.POST or None, user=request.user)
    done = submit(request, form, lambda data: training_event_create(user=request.user, **data),
                  success=lambda event: reverse("cadres:training-detail", args=[event.pk]),
                  message=_("The training has been recorded."))
    return done or render_form(request, "cadres/training/form.html", {"event": None}, form)


@login_required
@scoped_to(TrainingEvent)
def training_edit(request, pk):
    event = _event_for(request, pk)
    write_gate(request.user, "training", "change", event)
    form = TrainingEventForm(request.POST or None, instance=event, user=request.user)
    done = submit(request, form, lambda data: training_event_update(user=request.user, event=event, **data),
                  success=reverse("cadres:training-detail", args=[event.pk]),
                  message=_("The training has been saved."))
    return done or render_form(request, "cadres/training/form.html", {"event": event}, form)


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
    """Add roster cadres to the event, or every village secretary of a township (POST); GET shows the forms."""
    event = _event_for(request, pk)
    write_gate(request.user, "training", "change", event)
    bulk_post = request.method == "POST" and bool(request.POST.get("township"))
    form = AttendanceForm(request.POST if request.method == "POST" and not bulk_post else None, user=request.user)
    bulk = BulkAttendanceForm(request.POST if bulk_post else None, user=request.user)
    if bulk_post:
        target, perform = bulk, lambda data: attendance_add_township_secretaries(
            user=request.user, event=event, township=data["township"], passed=data["passed"])
    else:
        target, perform = form, lambda data: attendance_add(
            user=request.user, event=event, cadres=list(data["cadres"]), passed=data["passed"])
    done = submit(request, target, perform, success=reverse("cadres:training-detail", args=[event.pk]),
                  message=lambda made: _("%(count)s attendees have been added.") % {"count": len(made)})
    return done or render_form(request, "cadres/training/attendance_form.html", {
        "event": event, "form": form, "bulk_form": bulk}, target)


@login_required
@scoped_to(TrainingAttendance)
def attendance_remove_view(request, pk):
    row = get_object_or_404(TrainingAttendance.objects.visible_to(request.user).select_related("event"), pk=pk)
    write_gate(request.user, "training", "change", row)
    form = ConfirmForm.for_request(request)
    done = submit(request, form, lambda _data: attendance_remove(user=request.user, attendance=row),
                  success=reverse("cadres:training-detail", args=[row.event_id]),
                  message=_("The attendee has been removed."))
    return done or render_form(request, "cadres/training/attendance_remove.html", {"row": row}, form)


# ------------------------------------------------------------------------------------------ untrained


def _year_and_scope(request):
    """The filter of the page and its export: (form, valid, year, county, township, search text)."""
    form = YearForm(request.GET or None, request=request)
    valid = not form.is_bound or form.is_valid()
    county, township, query = form.scope() if valid else (None, None, "")
    return form, valid, form.year_value(), county, township, query


@login_required
@scoped_to(Cadre)
def untrained(request):
    """Current village Party secretaries trained fewer times this year than the policy asks."""
    form, valid, year, county, township, query = _year_and_scope(request)
    report = selectors.untrained_page(request.user, year, county=county, township=township, query=query) \
        if valid else selectors.UntrainedPage.empty(year)
    page = Paginator(report.rows, 100).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(request, "cadres/training/untrained.html", {
        "form": form, "year": year, "townships": report.townships, "page_obj": page, "rows": page.object_list,
        "total": report.total, "querystring": params.urlencode(),
    })


class UntrainedExportView(ScopedExportView):
    """The untrained page's rows (same selector, same filter) as a workbook: names only, no personal numbers."""

    model = Cadre
    export_name = "untrained secretaries"

    def export_response(self, queryset, obj):
        _form, valid, year, county, township, query = _year_and_scope(self.request)
        rows = selectors.untrained_secretaries(self.request.user, year, county=county, township=township,
                                               query=query) if valid else []
        return untrained_response(rows, year, self.request.user)
