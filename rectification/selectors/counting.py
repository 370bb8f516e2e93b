"""The one counting rule for "weak and lax organizations this round" (issue 11 item 7).

Counted: the designations of the **current round of each county** — the county's round of the latest year
not after today (a round already opened for next year does not replace it until that year; a county with
only future rounds counts its earliest one) — that the county confirmed: proposals not yet confirmed and
withdrawn designations are left out. An organization counts once: a repeat listing (the same organization
on last year's list) belongs to last year's round and so is not counted again, and within a round an
organization is designated once at most.

Used by the home page panel, the leader dashboard (page and API: without a round filter it shows the
current round of each county, and says so), the upward statistical summary and its export. Each starts
from its own scoped queryset (``visible_to(user)``) and narrows it here.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import RECTIFIED_STATUSES, Designation, DesignationStatus, Round

#: Designations that are not (or no longer) a weak organization of the round.
NOT_COUNTED = (DesignationStatus.PROPOSED, DesignationStatus.WITHDRAWN)


def current_round_ids(*, today: dt.date | None = None) -> QuerySet[Round]:
    """The current round of every county, as a subquery of round ids: correlated within the small round table
    (each round against its own county's rounds), never per designation, so that the planner sees a short
    list of rounds (a per-designation subquery made it expect a handful of rows and nest loops over the
    whole province: 4.7 s instead of 0.37 s for the overdue tasks by county)."""
    year = (today or timezone.localdate()).year
    rounds = Round.objects.filter(county=OuterRef("county"))
    past = rounds.filter(year__lte=year).order_by("-year").values("pk")[:1]
    future = rounds.order_by("year").values("pk")[:1]
    return Round.objects.filter(pk=Coalesce(Subquery(past), Subquery(future))).values("pk")


def counted(designations: QuerySet[Designation], *, today: dt.date | None = None,
            current_round: bool = True) -> QuerySet[Designation]:
    """``designations`` narrowed to the ones that count: confirmed, not withdrawn and, unless
    ``current_round`` is False (a round or year was chosen), in the current round of their county."""
    designations = designations.exclude(status__in=NOT_COUNTED)
    if current_round:
        designations = designations.filter(round_id__in=current_round_ids(today=today))
    return designations


def weak_counts(designations: QuerySet[Designation]) -> dict[str, int]:
    """Distinct organizations among ``designations`` (already ``counted``): total, closed out, still open."""
    values = designations.order_by().aggregate(
        total=Count("organization", distinct=True),
        rectified=Count("organization", distinct=True, filter=Q(status__in=RECTIFIED_STATUSES)))
    return {"total": values["total"], "rectified": values["rectified"],
            "open": values["total"] - values["rectified"]}


def current_round_years(designations: QuerySet[Designation], *, today: dt.date | None = None) -> list[int]:
    """The years of the current rounds the counted ``designations`` belong to (one, usually)."""
    return sorted(set(counted(designations, today=today).order_by().values_list("round__year", flat=True)
                      .distinct()))


_TODAYS_YEAR = object()


def current_year(designations: QuerySet[Designation], *, today: dt.date | None = None, default=_TODAYS_YEAR):
    """The latest year among the current rounds of ``designations``' counties (``default`` when none, by default
    today's year)."""
    today = today or timezone.localdate()
    years = (designations.filter(round_id__in=current_round_ids(today=today)).order_by()
             .values_list("round__year", flat=True).distinct())
    return max(years, default=today.year if default is _TODAYS_YEAR else default)
