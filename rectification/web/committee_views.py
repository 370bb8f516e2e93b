"""Pages of the Party committee study (党委专题研究): the study of each county and township against the policy,
the meetings, the disorderly villages without the township secretary's contact and the contacts; the forms to
record a meeting, correct it, record and end a contact; the workbook. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.exports.excel import SheetWriter, file_response, letterhead_for, new_workbook
from organizations.history import history_entries
from organizations.models import Division, Organization
from organizations.permissions import can, writable
from organizations.web.base import (
    ScopedDetailView,
    ScopedExportView,
    ScopedListView,
    render_form,
    scoped_object_or_404,
    scoped_to,
    submit,
    write_gate,
)

from ..models import CommitteeMeeting, Designation, SecretaryContact
from ..periods import period_label
from ..selectors import committee as selectors
from ..services import committee as services
from .committee_forms import CommitteeMeetingForm, ContactEndForm, SecretaryContactForm

TEMPLATES = "rectification/committee/"


def _posted(request):
    return request.POST if request.method == "POST" else None


class CommitteeStudyView(ScopedListView):
    """党委专题研究: the figures of the study and of the disorderly villages (each a link to its list), the
    township secretaries' contact villages and the meetings of the scope."""

    model = CommitteeMeeting
    template_name = TEMPLATES + "study.html"
    select_related = ("division", "entered_by")
    paginate_by = 30

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, today = self.request.user, timezone.localdate()
        context.update({
            "counts": selectors.study_counts(user, today=today),
            "contacts": list(selectors.contacts_visible(user).filter(
                pk__in=selectors.active_contacts(today).values("pk"))),
            "may_record": can(user, "committee_meeting", "create"),
            "may_contact": can(user, "secretary_contact", "change"),
        })
        return context


class StudyListView(ScopedListView):
    """Each county and township against the study policy; ``?study=missed`` (no meeting in the previous
    period) or ``?study=due`` (none yet in this one) keeps those rows."""

    model = CommitteeMeeting
    template_name = TEMPLATES + "study_rows.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.study_rows(self.request.user, today=timezone.localdate(),
                                    flag=self.request.GET.get("study", ""))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        flag = self.request.GET.get("study", "")
        context["study_flag"] = flag if flag in selectors.STUDY_FLAGS else ""
        return context


class WithoutContactListView(ScopedListView):
    """The disorderly organizations in rectification that no township Party secretary contacts."""

    model = Designation
    template_name = TEMPLATES + "without_contact.html"
    paginate_by = 100

    def get_queryset(self):
        return selectors.without_secretary_contact(self.request.user, today=timezone.localdate())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_contact"] = can(self.request.user, "secretary_contact", "change")
        context["disorder_codes"] = "、".join(selectors.DISORDER_CODES)
        return context


class CommitteeMeetingDetailView(ScopedDetailView):
    model = CommitteeMeeting
    template_name = TEMPLATES + "meeting.html"

    def get_queryset(self):
        return super().get_queryset().select_related("division", "entered_by").prefetch_related("organizations")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_change"] = can(self.request.user, "committee_meeting", "change", self.object)
        context["history"] = history_entries(self.object)
        return context


def _meeting_divisions(user):
    return writable(Division.objects.filter(level__in=services.STUDY_LEVELS), user, "committee_meeting",
                    "create").order_by("code")


def _discussable(user, division=None):
    """Organizations a meeting may name: the weak ones of the scope (current round), within the division."""
    from ..selectors.counting import counted

    ids = counted(Designation.objects.visible_to(user)).values("organization_id")
    organizations = Organization.objects.visible_to(user).filter(pk__in=ids)
    if division is not None:
        column = "county_id" if division.level == "county" else "township_id"
        organizations = organizations.filter(**{column: division.pk})
    return organizations.select_related("division").order_by("division__code")


def _meeting_url(meeting) -> str:
    return reverse("rectification:committee-meeting", args=[meeting.pk])


@scoped_to(CommitteeMeeting)
@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request):
    write_gate(request.user, "committee_meeting", "create")
    form = CommitteeMeetingForm(_posted(request), divisions=_meeting_divisions(request.user),
                                organizations=_discussable(request.user),
                                initial={"held_on": timezone.localdate()})
    done = submit(request, form, lambda data: services.committee_meeting_record(user=request.user, **data),
                  success=_meeting_url, message=_("The meeting has been recorded."))
    return done or render_form(request, TEMPLATES + "form.html", {"title": _("Record a Party committee meeting")},
                               form)


@scoped_to(CommitteeMeeting)
@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = scoped_object_or_404(CommitteeMeeting.objects.select_related("division"), request.user, pk=pk)
    write_gate(request.user, "committee_meeting", "change", meeting)
    initial = {name: getattr(meeting, name) for name in ("held_on", "attendees", "topics", "decisions")}
    initial["organizations"] = list(meeting.organizations.values_list("pk", flat=True))
    form = CommitteeMeetingForm(_posted(request), divisions=None, fixed_division=True, initial=initial,
                                organizations=_discussable(request.user, meeting.division))
    done = submit(request, form, lambda data: services.committee_meeting_update(user=request.user, meeting=meeting,
                                                                                **data),
                  success=_meeting_url, message=_("The meeting record has been corrected."))
    return done or render_form(request, TEMPLATES + "form.html", {"title": _("Correct the meeting record"),
                                                                  "meeting": meeting}, form)


def _study_url(anchor: str = "") -> str:
    return reverse("rectification:committee") + anchor


@scoped_to(SecretaryContact)
@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request):
    """Record a township Party secretary's contact village (``?organization=`` chooses it first)."""
    write_gate(request.user, "secretary_contact", "change")
    organizations = (writable(Organization.objects.filter(township__isnull=False, is_active=True), request.user,
                              "secretary_contact", "change").filter(category__in=("village", "community"))
                     .select_related("division").order_by("division__code"))
    asked = request.GET.get("organization", "")
    initial = {"started_on": timezone.localdate()}
    if asked.isascii() and asked.isdigit() and organizations.filter(pk=int(asked)).exists():
        initial["organization"] = int(asked)
    form = SecretaryContactForm(_posted(request), organizations=organizations, initial=initial)
    done = submit(request, form, lambda data: services.secretary_contact_record(user=request.user, **data),
                  success=lambda _contact: _study_url("#contacts"), message=_("The contact village has been recorded."))
    return done or render_form(request, TEMPLATES + "form.html", {"title": _("Township secretary's contact village")},
                               form)


@scoped_to(SecretaryContact)
@login_required
@require_http_methods(["GET", "POST"])
def contact_end(request, pk):
    contact = scoped_object_or_404(SecretaryContact.objects.select_related("organization"), request.user, pk=pk)
    write_gate(request.user, "secretary_contact", "change", contact)
    form = ContactEndForm(_posted(request), initial={"ended_on": timezone.localdate()})
    done = submit(request, form, lambda data: services.secretary_contact_end(user=request.user, contact=contact,
                                                                             **data),
                  success=_study_url("#contacts"), message=_("The contact has ended."))
    return done or render_form(request, TEMPLATES + "form.html", {
        "title": _("End the contact of %(name)s with %(organization)s") % {
            "name": contact.secretary_name, "organization": contact.organization.name}}, form)


class CommitteeWorkbookView(ScopedExportView):
    """The study of each division against the policy and the meetings of the scope."""

    model = CommitteeMeeting
    export_name = "committee_meetings"

    def export_response(self, queryset, obj):
        user, today = self.request.user, timezone.localdate()

        def write(handle):
            workbook = new_workbook(handle)
            study = SheetWriter(workbook, _("Study against the policy"), [
                (_("Area"), 16), (_("Every (months)"), 10), (_("This period"), 24), (_("Meetings this period"), 10),
                (_("Previous period"), 24), (_("Meetings in the previous period"), 10), (_("Last meeting"), 14)],
                letterhead=letterhead_for(user, _("Party committee study of the rectification")), wrap=True)
            for row in selectors.study_rows(user, today=today):
                study.write((row.division.name, row.interval, period_label(row.period_start, row.period_end), row.this_period,
                             period_label(row.previous_start, row.previous_end), row.previous_period,
                             row.last_held_on))
            meetings = SheetWriter(workbook, _("Meetings"), [
                (_("Party committee of"), 14), (_("Meeting date"), 14), (_("Attendees"), 28), (_("Topics"), 36),
                (_("Decisions"), 36), (_("Organizations discussed"), 28)],
                letterhead=letterhead_for(user, _("Party committee meetings on rectification")), wrap=True,
                key_columns=2)
            for meeting in queryset.order_by("division__code", "held_on"):
                meetings.write((meeting.division.name, meeting.held_on, meeting.attendees, meeting.topics,
                                meeting.decisions, "、".join(o.name for o in meeting.organizations.all())))
            workbook.close()

        return file_response(_("Party committee study of the rectification"), write)
