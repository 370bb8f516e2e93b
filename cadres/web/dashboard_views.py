"""The county cadre dashboard page (routed from support_urls.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from organizations.caching import person_page
from organizations.replica import reads_from_replica
from organizations.web.base import scoped_to

from ..models import FirstSecretary
from ..selectors.dashboard import cadre_dashboard


@login_required
@scoped_to(FirstSecretary)
@person_page
@reads_from_replica
def dashboard(request):
    """Reserve shortfall, untrained secretaries, expiring first-secretary terms and the "four ones" coverage
    of the weak organizations, in the user's scope; each number links to the list it counts (read from the
    replica when there is one). Above the county, the figures counted over every organization come from the
    counties' precomputed figures and the page shows their refresh time."""
    today = timezone.localdate()
    from .organizer_views import may_see_organizer_shortfall

    result = cadre_dashboard(request.user, today=today)
    return render(request, "cadres/dashboard.html", {"sections": result.sections, "figures_as_of": result.as_of,
                                                     "today": today,
                                                     "may_see_organizers": may_see_organizer_shortfall(request.user)})
