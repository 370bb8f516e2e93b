"""Pages of recognition: advanced models and experiences (with the county's public page), commendation lists
drawn from the member star ratings, and the 共产党员户 plaque list.

Writes follow the kernel's write path (``organizations.web.base``): out of scope is 404, in scope without
the role is 403, a refused POST is a 400 with the form shown again. Exports are ``ScopedExportView`` pages.
The public page shows published items of one county only and nothing about a person beyond the name.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from organizations.history import history_entries
from organizations.models import Organization
from organizations.permissions import can
from organizations.scoping import constant_in_scope
from organizations.web.base import (
    ScopedExportView,
    ScopedListView,
    ScopedWriteView,
    render_form,
    scoped_object_or_404,
    scoped_to,
    submit,
    write_gate,
)

from ..exports.recognition import (
    commendation_list_export_response,
    exemplars_export_response,
    plaques_export_response,
)
from ..filters.recognition import CommendationListFilter, ExemplarFilter, PlaqueFilter
from ..models import CommendationList, Exemplar, MemberPlaque
from ..selectors import recognition as selectors
from ..services import recognition as services
from .recognition_forms import (
    CommendationDecideForm,
    CommendationEntryForm,
    CommendationProposeForm,
    ExemplarActionForm,
    ExemplarForm,
    PlaqueHangForm,
    PlaqueRemoveForm,
)

# ------------------------------------------------------------------------------ models and experiences


class ExemplarListView(ScopedListView):
    """Advanced models and experiences in the user's scope; filters; Excel export; a new one."""

    model = Exemplar
    filterset_class = ExemplarFilter
    template_name = "evaluations/recognition/exemplar_list.html"
    select_related = ("organization", "township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["one_township"] = constant_in_scope(Exemplar, self.request.user, "township_id")
        context["may_write"] = can(self.request.user, "exemplar", "change")
        context["public_counties"] = _public_counties(self.request.user)
        return context


def _public_counties(user):
    from organizations.models import Division
    from organizations.roles import Level

    return list(Division.objects.visible_to(user).filter(level=Level.COUNTY).order_by("code")[:20])


class ExemplarExportView(ScopedExportView):
    model = Exemplar
    filterset_class = ExemplarFilter
    export_name = "advanced models and experiences"

    def export_response(self, queryset, obj):
        return exemplars_export_response(queryset.select_related("organization", "township", "county"),
                                         self.request.user)


class ExemplarAddView(ScopedWriteView):
    model = Exemplar  # what the page creates (no pk: the organization is chosen in the form)
    resource, action = "exemplar", "change"
    form_class = ExemplarForm
    template_name = "evaluations/recognition/exemplar_form.html"
    success_message = gettext_lazy("Saved as a draft.")

    def get_form(self, obj):
        return self.form_class(**self.get_form_kwargs(obj), user=self.request.user)

    def perform(self, form, obj):
        data = form.cleaned_data
        return services.exemplar_create(user=self.request.user, organization=data["organization"],
                                        **{f: data[f] for f in services.EXEMPLAR_FIELDS})

    def success_url(self, result) -> str:
        return reverse("evaluations:exemplar", args=[result.pk])

    def get_context_data(self, obj, form) -> dict:
        return {"exemplar": None}


class ExemplarEditView(ScopedWriteView):
    model = Exemplar
    select_related = ("organization",)
    resource, action = "exemplar", "change"
    form_class = ExemplarForm
    template_name = "evaluations/recognition/exemplar_form.html"
    success_message = gettext_lazy("Saved.")

    def get_form(self, obj):
        kwargs = self.get_form_kwargs(obj)
        kwargs["initial"] = {f: getattr(obj, f) for f in services.EXEMPLAR_FIELDS}
        return self.form_class(**kwargs, user=self.request.user, with_organization=False)

    def perform(self, form, obj):
        return services.exemplar_update(user=self.request.user, exemplar=obj,
                                        **{f: form.cleaned_data[f] for f in services.EXEMPLAR_FIELDS})

    def success_url(self, result) -> str:
        return reverse("evaluations:exemplar", args=[result.pk])

    def get_context_data(self, obj, form) -> dict:
        return {"exemplar": obj}


@login_required
@scoped_to(Exemplar)
def exemplar_detail(request, pk):
    """One item with its workflow: the actions the user may take now (submit, return, approve, publish...)."""
    exemplar = get_object_or_404(selectors.exemplars_visible(request.user), pk=pk)
    form = ExemplarActionForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in services.EXEMPLAR_ACTIONS:
            return HttpResponseBadRequest()
        write_gate(request.user, "exemplar", services.EXEMPLAR_ACTIONS[action][1], exemplar)
        done = submit(request, form, lambda data: services.exemplar_act(
            user=request.user, exemplar=exemplar, action=data["action"], comment=data.get("comment") or ""),
            success=reverse("evaluations:exemplar", args=[exemplar.pk]), message=_("Saved."))
        if done:
            return done
        exemplar.refresh_from_db()
    actions = services.exemplar_actions_allowed(request.user, exemplar)
    labels = dict(ExemplarActionForm.base_fields["action"].choices)
    return render_form(request, "evaluations/recognition/exemplar_detail.html", {
        "exemplar": exemplar,
        "actions": [(name, labels[name]) for name in actions],
        "may_edit": exemplar.is_editable and can(request.user, "exemplar", "change", exemplar),
        "public_url": reverse("evaluations:recognition-public", args=[exemplar.county.code]),
        "history": history_entries(exemplar),
    }, form)


# ------------------------------------------------------------------------------------- commendations


class CommendationListView(ScopedListView):
    """The commendation lists (七一, year end) of the user's townships and county."""

    model = CommendationList
    filterset_class = CommendationListFilter
    template_name = "evaluations/recognition/commendation_list.html"

    def get_queryset(self):
        return selectors.with_counts(super().get_queryset()).order_by("-year", "occasion", "division__code")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_propose"] = can(self.request.user, "commendation", "propose")
        return context


class CommendationProposeView(ScopedWriteView):
    model = CommendationList  # what the page creates (no pk: the area is chosen in the form)
    resource, action = "commendation", "propose"
    form_class = CommendationProposeForm
    template_name = "evaluations/recognition/commendation_propose.html"
    success_message = gettext_lazy("The list is proposed from the star ratings.")

    def get_form(self, obj):
        return self.form_class(**self.get_form_kwargs(obj), user=self.request.user)

    def perform(self, form, obj):
        data = form.cleaned_data
        return services.commendation_list_propose(
            user=self.request.user, division=data["division"], year=data["year"], occasion=data["occasion"],
            honour=data.get("honour") or "", ratings_year=data.get("ratings_year"))

    def success_url(self, result) -> str:
        return reverse("evaluations:commendation", args=[result.pk])


@login_required
@scoped_to(CommendationList)
def commendation_detail(request, pk):
    """A list with its members; while proposed, keep or leave off each one, then decide it."""
    commendations = scoped_object_or_404(CommendationList.objects.select_related("division", "decided_by"),
                                         request.user, pk=pk)
    entry_form = CommendationEntryForm(request.POST if request.POST.get("step") == "entry" else None,
                                       prefix="entry")
    decide_form = CommendationDecideForm(request.POST if request.POST.get("step") == "decide" else None,
                                         prefix="decide", initial={"decided_on": timezone.localdate()})
    if request.method == "POST":
        step = request.POST.get("step")
        here = reverse("evaluations:commendation", args=[commendations.pk])
        if step == "entry":
            write_gate(request.user, "commendation", "propose", commendations)

            def perform(data):
                entry = get_object_or_404(selectors.commendation_entries(request.user, commendations),
                                          pk=data["entry"])
                return services.commendation_set_included(user=request.user, entry=entry,
                                                          included=data["included"], remark=data.get("remark"))

            done = submit(request, entry_form, perform, success=here, message=_("Saved."))
        elif step == "decide":
            write_gate(request.user, "commendation", "decide", commendations)
            done = submit(request, decide_form, lambda data: services.commendation_list_decide(
                user=request.user, commendations=commendations, decided_on=data["decided_on"],
                decision_number=data["decision_number"]), success=here, message=_("The list is decided."))
        else:
            return HttpResponseBadRequest()
        if done:
            return done
        commendations.refresh_from_db()
    entries = list(selectors.commendation_entries(request.user, commendations))
    may_change = not commendations.is_decided and can(request.user, "commendation", "propose", commendations)
    bound = entry_form if entry_form.is_bound else decide_form
    return render(request, "evaluations/recognition/commendation_detail.html", {
        "commendations": commendations, "entries": entries, "may_change": may_change,
        "commended": sum(1 for e in entries if e.included),
        "may_decide": not commendations.is_decided and can(request.user, "commendation", "decide", commendations),
        "entry_form": entry_form, "decide_form": decide_form,
        "history": history_entries(commendations),
    }, status=400 if bound.is_bound and bound.errors else 200)


class CommendationExportView(ScopedExportView):
    """One list (the rows the user may see) as a workbook: the commendation table for the decision."""

    model = CommendationList
    one_object = True
    export_name = "commendation list"

    def export_response(self, queryset, obj):
        return commendation_list_export_response(obj, selectors.commendation_entries(self.request.user, obj),
                                                 self.request.user)


# -------------------------------------------------------------------------------------------- plaques


class PlaqueListView(ScopedListView):
    """The 共产党员户 plaques of the scope: hung and removed, by organization; Excel export."""

    model = MemberPlaque
    filterset_class = PlaqueFilter
    template_name = "evaluations/recognition/plaque_list.html"
    select_related = ("member", "organization", "township")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["one_township"] = constant_in_scope(MemberPlaque, self.request.user, "township_id")
        return context


class PlaqueExportView(ScopedExportView):
    model = MemberPlaque
    filterset_class = PlaqueFilter
    export_name = "party member household plaques"

    def export_response(self, queryset, obj):
        return plaques_export_response(queryset.select_related("member", "organization", "township", "county"),
                                       self.request.user)


@login_required
@scoped_to(Organization)
def organization_plaques(request, pk):
    """An organization's plaques; the branch or township hangs a new one here."""
    organization = get_object_or_404(Organization.objects.visible_to(request.user).select_related("division"),
                                     pk=pk)
    form = PlaqueHangForm(request.POST if request.method == "POST" else None,
                          members=selectors.members_without_plaque(organization),
                          initial={"hung_on": timezone.localdate()})
    if request.method == "POST":
        write_gate(request.user, "plaque", "change", organization)
        done = submit(request, form, lambda data: services.plaque_hang(
            user=request.user, member=data["member"], hung_on=data["hung_on"], number=data.get("number") or "",
            note=data.get("note") or ""), success=reverse("evaluations:organization-plaques", args=[organization.pk]),
            message=_("The plaque is recorded."))
        if done:
            return done
    may_change = can(request.user, "plaque", "change", organization)
    return render_form(request, "evaluations/recognition/organization_plaques.html", {
        "organization": organization,
        "plaques": selectors.plaques_visible(request.user).filter(organization=organization),
        "may_change": may_change,
    }, form)


class PlaqueRemoveView(ScopedWriteView):
    model = MemberPlaque
    select_related = ("member", "organization")
    resource, action = "plaque", "change"
    form_class = PlaqueRemoveForm
    template_name = "evaluations/recognition/plaque_remove.html"
    success_message = gettext_lazy("The plaque is recorded as removed.")

    def get_form_kwargs(self, obj) -> dict:
        return {**super().get_form_kwargs(obj), "initial": {"removed_on": timezone.localdate()}}

    def perform(self, form, obj):
        return services.plaque_remove(user=self.request.user, plaque=obj,
                                      removed_on=form.cleaned_data["removed_on"], reason=form.cleaned_data["reason"])

    def success_url(self, result) -> str:
        return reverse("evaluations:organization-plaques", args=[result.organization_id])

    def get_context_data(self, obj, form) -> dict:
        return {"plaque": obj}


# --------------------------------------------------------------------------------------------- public


@require_GET
def recognition_public(request, code):
    """A county's public recognition page, for everyone: published advanced models and experiences and decided
    commendation lists, names only. Nothing unapproved, nothing of another county."""
    county = selectors.public_county(code)
    if county is None:
        raise Http404
    response = render(request, "evaluations/recognition/public.html", selectors.public_recognition(county))
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
