"""Designation pages: propose, the designation page with its history and actions, transitions, import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.permissions import can
from organizations.web.base import form_errors_from, scoped_to

from .. import services
from ..imports.designations import designation_import
from ..lifecycle import allowed_transitions, transition_for
from ..models import Designation, Plan, Round
from ..selectors import ledger as selectors
from .ledger_forms import DesignationImportForm, ProposeForm, TransitionForm


def _designation(request, pk) -> Designation:
    return get_object_or_404(
        Designation.objects.visible_to(request.user).select_related(
            "round", "organization", "organization__division", "township", "proposed_by", "confirmed_by"),
        pk=pk)


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def designation_propose(request):
    user = request.user
    if not can(user, "designation", "propose"):
        raise Http404
    rounds = selectors.rounds_for_proposal(user).order_by("-year", "county__code")
    round_id = request.POST.get("round") or request.GET.get("round")
    chosen = rounds.filter(pk=round_id).first() if str(round_id or "").isdigit() else rounds.first()
    organizations = selectors.proposable_organizations(user, chosen)
    form = ProposeForm(request.POST or None, rounds=rounds, organizations=organizations,
                       initial={"round": chosen, "organization": request.GET.get("organization")})
    if request.method == "POST" and form.is_valid():
        try:
            designation = services.designation_propose(user=user, **form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(exc, form)
        except PermissionDenied as exc:
            form.add_error("organization", str(exc))
        else:
            messages.success(request, _("%(name)s has been proposed; the county will confirm it.")
                             % {"name": designation.organization.name})
            return redirect("rectification:designation", pk=designation.pk)
    return render(request, "rectification/ledger/propose.html", {"form": form, "chosen_round": chosen})


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def designation_detail(request, pk):
    designation = _designation(request, pk)
    user = request.user
    plan = Plan.objects.filter(designation=designation).first()
    if request.method == "POST":  # "Write the plan": the plan is created on first use
        try:
            plan = services.plan_ensure(user=user, designation=designation)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("rectification:designation", pk=designation.pk)
        return redirect("rectification:plan", pk=plan.pk)
    transitions = allowed_transitions(user, designation)
    return render(request, "rectification/ledger/designation.html", {
        "designation": designation,
        "categories": list(designation.categories.all()),
        "plan": plan,
        "history": selectors.status_history(user, designation),
        "earlier": list(selectors.earlier_designations(user, designation)),
        "later": list(Designation.objects.visible_to(user).filter(
            organization_id=designation.organization_id, round__year__gt=designation.round.year)
            .select_related("round").order_by("round__year")),
        "transitions": transitions,
        "can_write_plan": plan is None and can(user, "plan", "change", designation)
        and designation.status in ("designated", "rectifying"),
    })


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def designation_transition(request, pk):
    """GET: the form of one action (``?action=``); POST: take it. A refused action is a message, never a 500."""
    designation = _designation(request, pk)
    user = request.user
    action = request.POST.get("action") or request.GET.get("action") or ""
    form = TransitionForm(request.POST or None, initial={"action": action})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.designation_transition(user=user, designation=designation, action=action,
                                                comment=form.cleaned_data["comment"])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
                if transition_for(designation.status, action) and hasattr(exc, "error_dict") \
                        and "comment" in exc.error_dict:
                    return redirect(f"{request.path}?action={action}")
            except PermissionDenied as exc:
                messages.error(request, str(exc) or _("Your role may not do this."))
            else:
                done = transition_for(designation.status, action)
                messages.success(request, _("Done: %(action)s.") % {"action": done.label if done else action})
        return redirect("rectification:designation", pk=designation.pk)
    allowed = {t.action: t for t in allowed_transitions(user, designation)}
    return render(request, "rectification/ledger/transition.html", {
        "designation": designation, "form": form, "transition": allowed.get(action),
        "transitions": list(allowed.values()),
    })


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def designation_import_view(request):
    user = request.user
    if not can(user, "designation", "import"):
        raise Http404
    rounds = Round.objects.visible_to(user, roles=_import_roles()).select_related("county").order_by("-year")
    form = DesignationImportForm(request.POST or None, request.FILES or None, rounds=rounds,
                                 initial={"round": rounds.first()})
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = designation_import(user=user, round=form.cleaned_data["round"],
                                        upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            if result.ok:
                messages.success(request, _("%(count)s organizations were added to the list of %(round)s.") % {
                    "count": len(result.created), "round": form.cleaned_data["round"].name})
                return redirect(f"{_ledger_url()}?round={form.cleaned_data['round'].pk}")
    return render(request, "rectification/ledger/import.html", {"form": form, "result": result})


def _import_roles():
    from organizations.permissions import roles_allowed

    return roles_allowed("designation", "import")


def _ledger_url() -> str:
    from django.urls import reverse

    return reverse("rectification:ledger")
