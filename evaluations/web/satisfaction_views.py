"""Pages of the satisfaction evaluation (满意度测评).

Everyone in scope reads; county admins and evaluators open, count and close; county admins decide.
Writes follow the kernel's write path (``organizations.web.base``): out of scope is 404, in scope without
the role is 403, a refused POST is a 400 with the form shown again. The export is a ``ScopedExportView``.
The voting page is public: a one-time link shows only the organization's name and the four answers; an
unknown or used link says so (404/410).
"""

from __future__ import annotations

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from organizations.history import history_entries
from organizations.permissions import can
from organizations.web.base import (
    ScopedExportView,
    ScopedListView,
    ScopedWriteView,
    form_errors_from,
    render_form,
    scoped_to,
)
from rectification.models import Designation, DesignationStatus
from rectification.services.check_gates import open_evaluation_refusals

from ..exports.satisfaction import evaluations_export_response
from ..filters.satisfaction import EvaluationFilter
from ..models import Decision, Evaluation, EvaluationStatus, VoterGroup
from ..selectors import satisfaction as selectors
from ..services import satisfaction as services
from ..services.satisfaction import MAX_LINKS_PER_CALL
from .satisfaction_forms import (
    BallotForm,
    DecideForm,
    EvaluationOpenForm,
    GroupCountsForm,
    LinksForm,
    VoteForm,
)

#: The pages that carry raw tokens (the voting page's URL, the printed links) send no referrer to another
#: site, but keep it (and so a real ``Origin``) on their own POSTs: "no-referrer" made the browser post
#: ``Origin: null``, which Django's CSRF check refuses (issue 12), so that every ballot through a link
#: was lost.
REFERRER_POLICY = "same-origin"


def _evaluation_for(request, pk) -> Evaluation:
    return get_object_or_404(selectors.evaluations_visible(request.user), pk=pk)


# ----------------------------------------------------------------------------------------------- lists


class EvaluationListView(ScopedListView):
    """Evaluations in the user's scope with their rate and decision; filters; Excel export."""

    model = Evaluation
    filterset_class = EvaluationFilter
    template_name = "evaluations/satisfaction/list.html"
    select_related = ("organization__division", "township", "county")
    paginate_by = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_open"] = can(self.request.user, "evaluation", "open")
        return context


class AwaitingListView(ScopedListView):
    """Organizations that applied for acceptance (or are under evaluation): open their evaluation here."""

    model = Designation
    template_name = "evaluations/satisfaction/awaiting.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = selectors.designations_awaiting(self.request.user)
        query = (self.request.GET.get("q") or "").strip()
        if query:
            queryset = queryset.filter(organization__name__icontains=query)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        may_open = can(self.request.user, "evaluation", "open")
        rows = list(context["object_list"])
        # The acceptance meeting of each one's cycle must have passed (two queries for the page).
        gates = open_evaluation_refusals(rows) if may_open else {}
        for designation in rows:
            designation.may_open = may_open and services.evaluation_may_open(
                designation, undecided=designation.open_evaluations, acceptance_refusal=gates.get(designation.pk))
            designation.waits_for_acceptance = designation.status == DesignationStatus.ACCEPTANCE_REQUESTED and \
                bool(gates.get(designation.pk))
        return context


class EvaluationExportView(ScopedExportView):
    """The list's evaluations (scope and filters) as an Excel workbook, one row per evaluation."""

    model = Evaluation
    filterset_class = EvaluationFilter
    export_name = "evaluations"

    def export_response(self, queryset, obj):
        return evaluations_export_response(queryset, self.request.user)


# ------------------------------------------------------------------------------------------- one evaluation


@login_required
@scoped_to(Evaluation)
def evaluation_detail(request, pk):
    evaluation = _evaluation_for(request, pk)
    panel = selectors.evaluation_panel(request.user, evaluation)
    return render(request, "evaluations/satisfaction/detail.html", {
        "evaluation": evaluation, "panel": panel, "designation": evaluation.designation,
        "ballot_form": BallotForm(evaluation=evaluation) if panel.may_count else None,
        "links_form": LinksForm() if panel.may_count else None,
        "decide_form": DecideForm() if panel.may_decide else None,
        "may_reopen": (evaluation.decision == Decision.NO_DECISION and can(request.user, "evaluation", "open",
                                                                          evaluation.designation)
                       and services.evaluation_reopen_allowed(evaluation)),
        "history": history_entries(evaluation),
    })


class EvaluationOpenView(ScopedWriteView):
    """Open the evaluation of an organization that applied for acceptance (or after "no decision")."""

    model = Designation
    select_related = ("organization__division",)
    resource, action = "evaluation", "open"
    form_class = EvaluationOpenForm
    template_name = "evaluations/satisfaction/open.html"

    def get_success_message(self, result) -> str:
        return _("The evaluation is open: enter the counts, single ballots or make voting links.")

    def perform(self, form, obj):
        return services.evaluation_create(user=self.request.user, designation=obj, **form.cleaned_data)

    def success_url(self, result) -> str:
        return reverse("evaluations:evaluation", args=[result.pk])

    def get_context_data(self, obj, form) -> dict:
        return {"designation": obj, "refusal": services.evaluation_open_refusal(obj)}


class _EvaluationWriteView(ScopedWriteView):
    """A write page on one evaluation, or on one of its voter groups (``model = VoterGroup``)."""

    model = Evaluation
    resource = "evaluation"

    def get_object(self):
        if self.model is Evaluation:
            return _evaluation_for(self.request, self.kwargs["pk"])
        return get_object_or_404(VoterGroup.objects.visible_to(self.request.user).select_related(
            "evaluation", "organization"), pk=self.kwargs["pk"])

    def get_form_kwargs(self, obj) -> dict:
        # A POST is always bound, even without fields (closing, deciding without a new deadline).
        return {"data": self.request.POST if self.request.method == "POST" else None}


class VoterGroupCountsView(_EvaluationWriteView):
    """Enter a voter group's aggregate counts from the paper tally (while voting is open)."""

    model = VoterGroup
    action = "count"
    form_class = GroupCountsForm
    template_name = "evaluations/satisfaction/counts.html"

    def get_form_kwargs(self, obj) -> dict:
        return {**super().get_form_kwargs(obj), "initial": {f: getattr(obj, f) for f in GroupCountsForm.base_fields}}

    def perform(self, form, obj):
        return services.voter_group_counts(user=self.request.user, group=obj, **form.cleaned_data)

    def get_success_message(self, result) -> str:
        return _("The counts of %(group)s have been saved.") % {"group": result}

    def success_url(self, result) -> str:
        return reverse("evaluations:evaluation", args=[result.evaluation_id])

    def get_context_data(self, obj, form) -> dict:
        evaluation = obj.evaluation
        return {"group": obj, "evaluation": evaluation, "is_open": evaluation.status == EvaluationStatus.OPEN}


class BallotEnterView(_EvaluationWriteView):
    """Enter single paper ballots one by one (the form stays on the page for the next one)."""

    action = "count"
    form_class = BallotForm
    template_name = "evaluations/satisfaction/ballot.html"
    success_message = gettext_lazy("Ballot entered.")

    def get_form_kwargs(self, obj) -> dict:
        return {**super().get_form_kwargs(obj), "evaluation": obj,
                "initial": {"group": self.request.GET.get("group")}}

    def perform(self, form, obj):
        return services.ballot_enter(user=self.request.user, group=form.cleaned_data["group"],
                                     choice=form.cleaned_data["choice"])

    def success_url(self, result) -> str:
        return reverse("evaluations:evaluation-ballot", args=[result.evaluation_id]) + f"?group={result.group_id}"

    def get_context_data(self, obj, form) -> dict:
        return {"evaluation": obj, "panel": selectors.evaluation_panel(self.request.user, obj)}


def _qr_svg(url: str) -> str:
    return mark_safe(segno.make(url, error="m").svg_inline(scale=3, border=2))  # noqa: S308 - our SVG


@method_decorator(never_cache, name="dispatch")
class VoterGroupLinksView(_EvaluationWriteView):
    """Make one-time voting links for a group; the printable page (QR codes) is shown once, right away.

    The one write page whose success is not a redirect: the raw tokens exist only in this response
    (only their hashes are stored), so the print page is rendered from the service's result.
    """

    model = VoterGroup
    action = "count"
    form_class = LinksForm
    template_name = "evaluations/satisfaction/links.html"

    def get_form_kwargs(self, obj) -> dict:
        seats = services.group_seats(obj)
        return {**super().get_form_kwargs(obj), "initial": {"count": max(1, min(seats.left, MAX_LINKS_PER_CALL))}}

    def get_context_data(self, obj, form) -> dict:
        evaluation = obj.evaluation
        return {"group": obj, "evaluation": evaluation, "is_open": evaluation.status == EvaluationStatus.OPEN,
                "seats": services.group_seats(obj)}

    def post(self, request, *args, **kwargs):
        group = self.object
        form = self.get_form(group)
        if form.is_valid():
            try:
                tokens = services.ballot_links_create(user=request.user, group=group,
                                                      count=form.cleaned_data["count"])
            except ValidationError as exc:
                form_errors_from(exc, form)
            else:
                return self._print_page(group, tokens)
        return render_form(request, self.template_name, self.get_context_data(group, form), form)

    def _print_page(self, group, tokens):
        cards = []
        for token in tokens:
            url = self.request.build_absolute_uri(reverse("evaluations:vote", args=[token]))
            cards.append({"url": url, "qr": _qr_svg(url)})
        response = render(self.request, "evaluations/satisfaction/links_print.html", {
            "group": group, "evaluation": group.evaluation, "cards": cards})
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = REFERRER_POLICY
        return response


class CloseForm(forms.Form):
    """Closing the voting: the box confirms closing while some invited voters have not voted."""

    confirm_shortfall = forms.BooleanField(
        label=gettext_lazy("Close anyway: I know that not every invited voter has voted."), required=False)


class EvaluationCloseView(_EvaluationWriteView):
    action = "close"
    form_class = CloseForm
    template_name = "evaluations/satisfaction/confirm.html"
    success_message = gettext_lazy("Voting is closed; the totals are frozen.")

    def perform(self, form, obj):
        return services.evaluation_close(user=self.request.user, evaluation=obj,
                                         shortfall_confirmed=form.cleaned_data["confirm_shortfall"])

    def success_url(self, result) -> str:
        return reverse("evaluations:evaluation", args=[result.pk])

    def get_context_data(self, obj, form) -> dict:
        turnout = services.evaluation_turnout(obj)
        shortfall = any(row.short for row in turnout)
        return {"evaluation": obj, "panel": selectors.evaluation_panel(self.request.user, obj), "action": "close",
                "turnout": turnout, "shortfall": shortfall,
                "shortfall_forbidden": shortfall and not services.closing_with_missing_voters_allowed(obj)}


class EvaluationDecideView(_EvaluationWriteView):
    """Decide a closed evaluation now (the threshold job does the same for those left undecided)."""

    action = "decide"
    form_class = DecideForm
    template_name = "evaluations/satisfaction/confirm.html"

    def perform(self, form, obj):
        return services.evaluation_decide(evaluation=obj, user=self.request.user,
                                          new_deadline=form.cleaned_data["new_deadline"])

    def get_success_message(self, result) -> str:
        if result.applied:
            return result.decision_note
        return _("Nothing to decide: the evaluation is still open or already decided.")

    def success_url(self, result) -> str:
        return reverse("evaluations:evaluation", args=[result.pk])

    def get_context_data(self, obj, form) -> dict:
        return {"evaluation": obj, "panel": selectors.evaluation_panel(self.request.user, obj), "action": "decide"}


# ------------------------------------------------------------------------------------------ public voting


def _public(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


@never_cache
@csrf_protect
def vote(request, token):
    """The anonymous ballot through a one-time link: no login, the organization's name and four answers."""
    row = services.ballot_token_lookup(token)
    try:
        services.check_token_usable(row)
    except services.BallotLinkError as exc:
        return _public(render(request, "evaluations/satisfaction/vote_unavailable.html", {
            "message": exc.message, "code": exc.code}, status=404 if exc.code == "unknown" else 410))
    form = VoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_cast_anonymous(token=token, choice=form.cleaned_data["choice"])
        except services.BallotLinkError as exc:
            return _public(render(request, "evaluations/satisfaction/vote_unavailable.html", {
                "message": exc.message, "code": exc.code}, status=404 if exc.code == "unknown" else 410))
        return _public(render(request, "evaluations/satisfaction/vote_thanks.html", {
            "organization_name": row.organization.name}))
    return _public(render(request, "evaluations/satisfaction/vote.html", {
        "organization_name": row.organization.name, "form": form}, status=400 if form.errors else 200))
