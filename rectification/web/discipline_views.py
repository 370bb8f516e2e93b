"""The page that records a violation of discipline or law investigated in a designated organization (reached
from the designation page; the statistical form counts the cases of the year). The kernel's write path: the
gate (out of scope 404; a visible designation the role may not change 403), the form, the service."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from organizations.web.base import render_form, scoped_object_or_404, scoped_to, submit, write_gate

from ..models import Designation
from ..services.discipline import discipline_case_record
from .check_forms import DisciplineCaseForm


@scoped_to(Designation)
@login_required
@require_http_methods(["GET", "POST"])
def discipline_case_create(request, pk):
    designation = scoped_object_or_404(Designation.objects.select_related("round", "organization"),
                                       request.user, pk=pk)
    write_gate(request.user, "discipline_case", "create", designation)
    form = DisciplineCaseForm(request.POST if request.method == "POST" else None)
    done = submit(request, form, lambda data: discipline_case_record(user=request.user, designation=designation,
                                                                     **data),
                  success=reverse("rectification:designation", args=[designation.pk]) + "#discipline-cases",
                  message=_("The case has been recorded."))
    return done or render_form(request, "rectification/checks/form.html", {
        "designation": designation, "title": _("Record a violation investigated")}, form)
