"""The county Standing Committee decision behind a round's list: recorded on its own page, shown on the rounds page."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from organizations.permissions import can
from organizations.web.base import render_form, scoped_to, submit

from ..models import Round
from ..selectors.ledger import rounds_visible
from ..services.rounds import round_decision_record


class RoundDecisionForm(forms.Form):
    meeting_on = forms.DateField(label=gettext_lazy("Standing Committee meeting date"),
                                 widget=forms.DateInput(attrs={"type": "date"}))
    document = forms.CharField(label=gettext_lazy("Document number"), max_length=60,
                               help_text=gettext_lazy("e.g. 仙委〔2026〕12号"))


@scoped_to(Round)
@login_required
@require_http_methods(["GET", "POST"])
def round_decision(request, pk):
    """The county Organization Department records the Standing Committee meeting and document of the list."""
    round_ = get_object_or_404(rounds_visible(request.user), pk=pk)  # the rounds page's own scope
    if not can(request.user, "round", "create", round_.county):
        raise PermissionDenied  # the round is visible (else 404 above): 403
    form = RoundDecisionForm(request.POST or None, initial={
        "meeting_on": round_.standing_committee_on, "document": round_.standing_committee_document})
    done = submit(request, form, lambda data: round_decision_record(
        user=request.user, round=round_, meeting_on=data["meeting_on"], document=data["document"]),
        success=reverse("rectification:rounds"),
        message=lambda r: _("The Standing Committee decision on “%(name)s” is recorded.") % {"name": r.name})
    if done:
        return done
    return render_form(request, "rectification/ledger/round_decision.html", {"round": round_}, form)
