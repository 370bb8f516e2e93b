"""The township organizer shortfall page (seed 000: at least one township organization officer per township)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from organizations.models import Division
from organizations.permissions import can
from organizations.web.base import scoped_to

from ..selectors.organizers import township_organizer_rows


def may_see_organizer_shortfall(user) -> bool:
    """Those who grant roles (the county organization department) see which townships lack an officer."""
    return can(user, "role_assignment", "create")


@scoped_to(Division)
@login_required
def township_organizers(request):
    """Townships without enough active township organization officers (policy ``township_organizers_min``)."""
    if not may_see_organizer_shortfall(request.user):
        raise Http404
    show_all = request.GET.get("all") == "1"
    rows = township_organizer_rows(request.user, short_only=not show_all)
    return render(request, "cadres/organizers.html", {
        "rows": rows, "show_all": show_all, "short": sum(1 for r in rows if r.missing)})
