"""Designation pages: propose, the designation page with its history and actions, transitions, import.

Writes take the kernel's path (organizations.web.base): the gate (out of scope 404, a page the role cannot use
404, a visible designation the role may not change 403), the form, the service, its errors back on the form
(a refused POST is a 400 with the form shown again).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from organizations.filters import is_id
from organizations.permissions import can, roles_allowed
from organizations.web.base import render_form, scoped_object_or_404, scoped_to, submit, write_gate

from .. import services
from ..imports.designations import designation_import
from ..lifecycle import allowed_transitions, may_act, may_record_acceptance_exception, transition_for
from ..models import Designation, DesignationStatus, Plan, Round
from ..rules.plan_gates import current_cycle, open_tasks
from ..selectors import ledger as selectors
from .ledger_forms import DesignationImportForm, ProposeForm, TransitionForm


def _designation(request, pk) -> Designation:
    return scoped_object_or_404(
        Designation.objects.select_related(
            "round", "organization", "organization__division", "township", "proposed_by", "confirmed_by"),
        request.user, pk=pk)


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def designation_propose(request):
    user = request.user
    write_gate(user, "designation", "propose")
    rounds = selectors.rounds_for_proposal(user).order_by("-year", "county__code")
    round_id = request.POST.get("round") or request.GET.get("round")
    chosen = rounds.filter(pk=round_id).first() if is_id(round_id) else rounds.first()
    organizations = selectors.proposable_organizations(user, chosen)
    form = ProposeForm(request.POST or None, rounds=rounds, organizations=organizations,
                       initial={"round": chosen, "organization": request.GET.get("organization")
                                if is_id(request.GET.get("organization")) else None})
    done = submit(request, form, lambda data: services.designation_propose(user=user, **data),
                  success=lambda designation: reverse("rectification:designation", args=[designation.pk]),
                  message=lambda designation: _("%(name)s has been proposed; the county will confirm it.")
                  % {"name": designation.organization.name})
    return done or render_form(request, "rectification/ledger/propose.html", {"chosen_round": chosen}, form)


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def designation_detail(request, pk):
    """The designation with its history; POST "Write the plan" creates the plan (on first use) and opens it."""
    designation = _designation(request, pk)
    user = request.user
    form = forms.Form(request.POST if request.method == "POST" else None)  # a button: an empty form
    if request.method == "POST":
        write_gate(user, "plan", "change", designation)
        done = submit(request, form, lambda _data: services.plan_ensure(user=user, designation=designation),
                      success=lambda plan: reverse("rectification:plan", args=[plan.pk]))
        if done:
            return done
    plan = Plan.objects.filter(designation=designation).first()
    return render_form(request, "rectification/ledger/designation.html", {
        **_acceptance_context(user, designation, plan),
        "designation": designation,
        "categories": list(designation.categories.all()),
        "plan": plan,
        "history": selectors.status_history(user, designation),
        "earlier": list(selectors.earlier_designations(user, designation)),
        "later": list(Designation.objects.visible_to(user).filter(
            organization_id=designation.organization_id, round__year__gt=designation.round.year)
            .select_related("round").order_by("round__year")),
        "transitions": allowed_transitions(user, designation),
        "can_write_plan": plan is None and can(user, "plan", "change", designation)
        and designation.status in ("designated", "rectifying"),
    }, form)


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def designation_transition(request, pk):
    """GET: the form of one action (``?action=``); POST: take it. The lifecycle table (rectification/lifecycle.py)
    decides; a refused action (state, role, missing reason) comes back as the form with the reason (400)."""
    designation = _designation(request, pk)
    user = request.user
    if request.method == "POST" and not may_act(user, designation):
        raise PermissionDenied  # a read-only role (leader, reviewer, village...) never changes a designation
    action = request.POST.get("action") or request.GET.get("action") or ""
    still_open = _open_at_application(designation, action)
    if request.method == "POST" and still_open and not request.POST.get("confirmed"):
        # Applying for acceptance with tasks open (the county's exception allows it) is not undone by the township:
        # the first tap shows what is still open and asks again (a page, so it works without JavaScript).
        form = TransitionForm(initial={"action": action, "comment": request.POST.get("comment", "")})
        return render_form(request, "rectification/ledger/transition.html", {
            "designation": designation, "transition": transition_for(designation.status, action),
            "open_tasks": still_open, "open_task_count": len(still_open)}, form)
    form = TransitionForm(request.POST or None, initial={"action": action})
    done_label = transition_for(designation.status, action)
    done = submit(request, form, lambda data: services.designation_transition(
        user=user, designation=designation, action=data["action"], comment=data["comment"]),
        success=reverse("rectification:designation", args=[designation.pk]),
        message=_("Done: %(action)s.") % {"action": done_label.label if done_label else action})
    if done:
        return done
    allowed = {t.action: t for t in allowed_transitions(user, designation)}
    return render_form(request, "rectification/ledger/transition.html", {
        "designation": designation, "transition": allowed.get(action), "transitions": list(allowed.values()),
        "open_tasks": still_open, "open_task_count": len(still_open),
    }, form)


def _open_at_application(designation: Designation, action: str) -> list:
    """The open tasks of the current cycle when ``action`` applies for acceptance with the county's exception
    (what the confirmation names); empty otherwise (nothing to confirm, or the service refuses anyway)."""
    if action != "request_acceptance" or designation.status != DesignationStatus.RECTIFYING:
        return []
    plan = Plan.objects.filter(designation=designation).first()
    cycle = current_cycle(plan) if plan is not None else None
    if cycle is None or cycle.acceptance_exception_at is None:
        return []
    return list(open_tasks(plan).select_related("measure"))


class AcceptanceExceptionForm(forms.Form):
    reason = forms.CharField(label=_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


def _acceptance_context(user, designation: Designation, plan: Plan | None) -> dict:
    """The current cycle's open tasks and the county's exception for the acceptance application, if any."""
    cycle = current_cycle(plan) if plan is not None else None
    if cycle is None:
        return {"cycle": None, "open_task_count": 0, "may_except": False}
    count = open_tasks(plan).count() if designation.status == DesignationStatus.RECTIFYING else 0
    return {"cycle": cycle, "open_task_count": count,
            "may_except": bool(count) and cycle.acceptance_exception_at is None
            and may_record_acceptance_exception(user, designation)}


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def designation_acceptance_exception(request, pk):
    """The county records why acceptance may be applied for while tasks of the current cycle are open."""
    designation = _designation(request, pk)
    user = request.user
    if not may_record_acceptance_exception(user, designation):
        raise PermissionDenied
    form = AcceptanceExceptionForm(request.POST or None)
    done = submit(request, form, lambda data: services.acceptance_exception_record(
        user=user, designation=designation, reason=data["reason"]),
        success=reverse("rectification:designation", args=[designation.pk]),
        message=_("The exception is recorded: acceptance may be applied for with tasks still open."))
    if done:
        return done
    plan = Plan.objects.filter(designation=designation).first()
    return render_form(request, "rectification/ledger/acceptance_exception.html", {
        "designation": designation, **_acceptance_context(user, designation, plan),
        "open_tasks": list(open_tasks(plan)[:50]) if plan is not None else [],
    }, form)


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def designation_import_view(request):
    user = request.user
    write_gate(user, "designation", "import")
    rounds = Round.objects.visible_to(user, roles=roles_allowed("designation", "import")).select_related(
        "county").order_by("-year")
    form = DesignationImportForm(request.POST or None, request.FILES or None, rounds=rounds,
                                 initial={"round": rounds.first()})
    outcome = {}

    def perform(data):
        try:
            outcome["result"] = result = designation_import(user=user, round=data["round"], upload=data["file"])
        except ValidationError as exc:  # the file itself (type, size, unreadable): the file field's error
            raise ValidationError({"file": exc.messages}) from exc
        if not result.ok:  # row errors: nothing was written; the rows are listed under the form
            raise ValidationError(_("Nothing was imported. Correct these rows and upload the file again:"))
        return data["round"]

    done = submit(request, form, perform,
                  success=lambda round_: reverse("rectification:ledger") + f"?round={round_.pk}",
                  message=lambda round_: _("%(count)s organizations were added to the list of %(round)s.")
                  % {"count": len(outcome["result"].created), "round": round_.name})
    return done or render_form(request, "rectification/ledger/import.html", {"result": outcome.get("result")}, form)
