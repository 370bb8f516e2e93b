"""Pages of the satisfaction evaluation (满意度测评).

Everyone in scope reads; county admins and evaluators open, count and close; county admins decide.
Out of scope is 404, in scope without the role is 403. The voting page is public: a one-time link
shows only the organization's name and the four answers; an unknown or used link says so (404/410).
"""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from organizations.history import history_entries
from organizations.permissions import can
from organizations.services import security_event_record
from organizations.web.base import ScopedListView, form_errors_from, scoped_to
from rectification.models import Designation

from ..exports import evaluations_export_response
from ..filters import EvaluationFilter
from ..models import Decision, Evaluation, EvaluationStatus, VoterGroup
from ..selectors import satisfaction as selectors
from ..services import satisfaction as services
from .satisfaction_forms import (
    BallotForm,
    DecideForm,
    EvaluationOpenForm,
    GroupCountsForm,
    LinksForm,
    VoteForm,
)


def _evaluation_for(request, pk) -> Evaluation:
    return get_object_or_404(selectors.evaluations_visible(request.user), pk=pk)


def _require(request, action: str, obj) -> None:
    if not can(request.user, "evaluation", action, obj):
        raise PermissionDenied


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
        context["may_open"] = can(self.request.user, "evaluation", "open")
        return context


@login_required
@scoped_to(Evaluation)
def evaluations_export(request):
    """The list's evaluations (scope and filters) as an Excel workbook, one row per evaluation."""
    if not can(request.user, "export", "run"):
        raise Http404
    queryset = Evaluation.objects.visible_to(request.user)
    filterset = EvaluationFilter(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound:
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    security_event_record(kind="export", user=request.user, request=request, what="evaluations",
                          query=request.GET.urlencode()[:500])
    return evaluations_export_response(queryset)


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


@login_required
@scoped_to(Designation)
def evaluation_open(request, pk):
    """Open the evaluation of an organization that applied for acceptance (or after "no decision")."""
    designation = get_object_or_404(Designation.objects.visible_to(request.user).select_related(
        "organization__division"), pk=pk)
    _require(request, "open", designation)
    form = EvaluationOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_create(user=request.user, designation=designation,
                                                    **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("The evaluation is open: enter the counts, single ballots or make "
                                        "voting links."))
            return redirect("evaluations:evaluation", pk=evaluation.pk)
    return render(request, "evaluations/satisfaction/open.html", {"designation": designation, "form": form},
                  status=400 if form.errors else 200)


@login_required
@scoped_to(VoterGroup)
def group_counts(request, pk):
    """Enter a voter group's aggregate counts from the paper tally (while voting is open)."""
    group = get_object_or_404(VoterGroup.objects.visible_to(request.user).select_related(
        "evaluation", "organization"), pk=pk)
    _require(request, "count", group)
    evaluation = group.evaluation
    form = GroupCountsForm(request.POST or None, initial={f: getattr(group, f) for f in (
        "size", "satisfied", "basically_satisfied", "dissatisfied", "abstained", "invalid")})
    if request.method == "POST" and form.is_valid():
        try:
            services.voter_group_counts(user=request.user, group=group, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("The counts of %(group)s have been saved.") % {"group": group})
            return redirect("evaluations:evaluation", pk=evaluation.pk)
    return render(request, "evaluations/satisfaction/counts.html", {
        "group": group, "evaluation": evaluation, "form": form,
        "is_open": evaluation.status == EvaluationStatus.OPEN}, status=400 if form.errors else 200)


@login_required
@scoped_to(Evaluation)
def ballot_enter(request, pk):
    """Enter single paper ballots one by one (the form stays on the page for the next one)."""
    evaluation = _evaluation_for(request, pk)
    _require(request, "count", evaluation)
    form = BallotForm(request.POST or None, evaluation=evaluation,
                      initial={"group": request.GET.get("group")})
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_enter(user=request.user, group=form.cleaned_data["group"],
                                  choice=form.cleaned_data["choice"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            messages.success(request, _("Ballot entered."))
            return redirect(reverse("evaluations:evaluation-ballot", args=[evaluation.pk])
                            + f"?group={form.cleaned_data['group'].pk}")
    panel = selectors.evaluation_panel(request.user, evaluation)
    return render(request, "evaluations/satisfaction/ballot.html", {
        "evaluation": evaluation, "form": form, "panel": panel}, status=400 if form.errors else 200)


def _qr_svg(url: str) -> str:
    return mark_safe(segno.make(url, error="m").svg_inline(scale=3, border=2))  # noqa: S308 - our SVG


@never_cache
@login_required
@scoped_to(VoterGroup)
def group_links(request, pk):
    """Make one-time voting links for a group; the printable page (QR codes) is shown once, right away."""
    group = get_object_or_404(VoterGroup.objects.visible_to(request.user).select_related(
        "evaluation", "organization"), pk=pk)
    _require(request, "count", group)
    evaluation = group.evaluation
    form = LinksForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tokens = services.ballot_links_create(user=request.user, group=group, count=form.cleaned_data["count"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            cards = []
            for token in tokens:
                url = request.build_absolute_uri(reverse("evaluations:vote", args=[token]))
                cards.append({"url": url, "qr": _qr_svg(url)})
            response = render(request, "evaluations/satisfaction/links_print.html", {
                "group": group, "evaluation": evaluation, "cards": cards})
            response["Cache-Control"] = "no-store"
            response["Referrer-Policy"] = "no-referrer"
            return response
    return render(request, "evaluations/satisfaction/links.html", {
        "group": group, "evaluation": evaluation, "form": form,
        "is_open": evaluation.status == EvaluationStatus.OPEN}, status=400 if form.errors else 200)


@login_required
@scoped_to(Evaluation)
def evaluation_close(request, pk):
    evaluation = _evaluation_for(request, pk)
    _require(request, "close", evaluation)
    if request.method == "POST":
        try:
            services.evaluation_close(user=request.user, evaluation=evaluation)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Voting is closed; the totals are frozen."))
        return redirect("evaluations:evaluation", pk=evaluation.pk)
    return render(request, "evaluations/satisfaction/confirm.html", {
        "evaluation": evaluation, "panel": selectors.evaluation_panel(request.user, evaluation),
        "action": "close"})


@login_required
@scoped_to(Evaluation)
def evaluation_decide(request, pk):
    """Decide a closed evaluation now (the threshold job does the same for those left undecided)."""
    evaluation = _evaluation_for(request, pk)
    _require(request, "decide", evaluation)
    form = DecideForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            decided = services.evaluation_decide(evaluation=evaluation, user=request.user,
                                                 new_deadline=form.cleaned_data["new_deadline"])
        except ValidationError as exc:
            form_errors_from(exc, form)
        else:
            if decided.applied:
                messages.success(request, decided.decision_note)
            else:
                messages.info(request, _("Nothing to decide: the evaluation is still open or already decided."))
            return redirect("evaluations:evaluation", pk=evaluation.pk)
    return render(request, "evaluations/satisfaction/confirm.html", {
        "evaluation": evaluation, "panel": selectors.evaluation_panel(request.user, evaluation),
        "action": "decide", "form": form}, status=400 if form.errors else 200)


# ------------------------------------------------------------------------------------------ public voting


def _public(response):
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
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
