"""Reads of the ledger pages and API; each starts from ``visible_to(user)``.

The overdue rule is defined once here (``overdue_tasks_q``) and reused by the filter, the
ledger rows, the county's overdue queue and the API: a task is overdue when it is not done,
its deadline has passed and it belongs to the plan's open cycle (an earlier cycle, closed by a
re-rectification, is history and no longer counts).
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from organizations.models import Organization
from organizations.roles import Role

from ..models import (
    Category,
    Designation,
    DesignationStatus,
    ProgressEntry,
    Round,
    StatusChange,
    Task,
    TaskStatus,
)

#: The ledger's order (page, export, API): latest round first, then township and village by code.
LEDGER_ORDER = ("-round__year", "township__code", "organization__division__code", "pk")
TOWNSHIP_ROLES = frozenset({Role.TOWNSHIP_ORGANIZER, Role.TOWNSHIP_SECRETARY})
VILLAGE_ROLES = frozenset({Role.VILLAGE_SECRETARY, Role.FIRST_SECRETARY})


def open_tasks_q(prefix: str = "") -> Q:
    """Tasks not done, in the plan's open cycle."""
    return ~Q(**{f"{prefix}status": TaskStatus.DONE}) & Q(**{f"{prefix}cycle__closed_on__isnull": True})


def overdue_tasks_q(today: dt.date | None = None, prefix: str = "") -> Q:
    """Tasks overdue on ``today``: open (see ``open_tasks_q``) with a deadline before today."""
    today = today or timezone.localdate()
    return open_tasks_q(prefix) & Q(**{f"{prefix}deadline__lt": today})


def has_overdue_task(today: dt.date | None = None) -> Exists:
    """For a Designation queryset: does its plan have an overdue task?"""
    return Exists(Task.objects.filter(overdue_tasks_q(today), plan__designation_id=OuterRef("pk")))


def _scalar(queryset, aggregate, output_field=None):
    """A correlated subquery returning one aggregate over ``queryset`` (grouped by nothing)."""
    return Subquery(queryset.order_by().values("plan_id").annotate(v=aggregate).values("v")[:1],
                    output_field=output_field)


def with_ledger_columns(queryset: QuerySet[Designation], today: dt.date | None = None) -> QuerySet[Designation]:
    """Annotate the ledger's columns without per-row queries: next deadline, overdue tasks, last progress,
    earlier rounds of the same organization (a repeat listing)."""
    today = today or timezone.localdate()
    # Correlate on the plan id (indexed on both tables), not through a join to plan.
    tasks = Task.objects.filter(plan_id=OuterRef("plan__id"))
    earlier = Designation.objects.filter(organization_id=OuterRef("organization_id"),
                                         round__year__lt=OuterRef("round__year"))
    return (queryset
            .select_related("round", "organization", "organization__division", "township", "plan")
            .prefetch_related("categories")
            .annotate(
                next_deadline=_scalar(tasks.filter(open_tasks_q()), Min("deadline")),
                overdue_count=Coalesce(_scalar(tasks.filter(overdue_tasks_q(today)), Count("pk"),
                                               IntegerField()), Value(0)),
                last_progress_on=Subquery(ProgressEntry.objects.filter(plan_id=OuterRef("plan__id"))
                                          .order_by("-happened_on").values("happened_on")[:1]),
                earlier_count=Coalesce(Subquery(earlier.order_by().values("organization_id")
                                                .annotate(n=Count("pk")).values("n")[:1],
                                                output_field=IntegerField()), Value(0)),
            ))


def ledger_rows(user, today: dt.date | None = None) -> QuerySet[Designation]:
    return with_ledger_columns(Designation.objects.visible_to(user), today)


def rounds_visible(user) -> QuerySet[Round]:
    """Rounds the user sees: those of their county grants and those of the counties their organizations
    are in (a township or village user works inside their county's round)."""
    if user.is_superuser:
        return Round.objects.select_related("county")
    counties = Organization.objects.visible_to(user).order_by().values("county_id")
    return (Round.objects.filter(Q(pk__in=Round.objects.visible_to(user).values("pk")) | Q(county_id__in=counties))
            .select_related("county"))


def rounds_for_proposal(user) -> QuerySet[Round]:
    """Rounds in which the user may propose organizations (of the counties they may propose in)."""
    from organizations.permissions import writable

    counties = writable(Organization.objects.all(), user, "designation", "propose").order_by().values("county_id")
    return Round.objects.filter(county_id__in=counties).select_related("county")


def proposable_organizations(user, round_: Round | None = None) -> QuerySet[Organization]:
    from organizations.permissions import writable

    queryset = writable(Organization.objects.all(), user, "designation", "propose").filter(is_active=True)
    if round_ is not None:
        queryset = queryset.filter(county_id=round_.county_id)
    return queryset.select_related("division", "township").order_by("division__code", "name")


def earlier_designations(user, designation: Designation) -> QuerySet[Designation]:
    """The same organization's designations in earlier rounds (a repeat listing), in scope."""
    return (Designation.objects.visible_to(user).filter(organization_id=designation.organization_id,
                                                         round__year__lt=designation.round.year)
            .select_related("round").order_by("-round__year"))


def status_history(user, designation: Designation) -> QuerySet[StatusChange]:
    return StatusChange.objects.visible_to(user).filter(designation=designation).select_related("user")


def overdue_tasks(user, today: dt.date | None = None, roles=None) -> QuerySet[Task]:
    """Overdue tasks across the user's scope, oldest deadline first (the county's overdue queue)."""
    return (Task.objects.visible_to(user, roles=roles).filter(overdue_tasks_q(today))
            .select_related("plan", "organization", "township", "measure").order_by("deadline", "pk"))


def county_queues(user) -> dict[str, QuerySet]:
    """The county admin's work: plans awaiting approval, proposals awaiting confirmation, overdue tasks."""
    county = frozenset({Role.COUNTY_ADMIN})
    designations = Designation.objects.visible_to(user, roles=county).select_related(
        "organization", "township", "round", "plan", "proposed_by").order_by("updated_at", "pk")
    return {
        "plans_to_approve": designations.filter(status=DesignationStatus.PLAN_REVIEW),
        "proposals": designations.filter(status=DesignationStatus.PROPOSED),
        "overdue": overdue_tasks(user, roles=county),
    }


def categories_visible(user):
    """The national categories and those of the counties inside the user's scope."""
    from organizations.models import Division

    counties = Division.objects.visible_to(user).filter(level="county").values("pk")
    own = Q(county__in=counties) | Q(county__in=rounds_visible(user).values("county_id"))
    return Category.objects.filter(Q(county__isnull=True) | own).select_related("county").order_by(
        "county__code", "sort_order", "code")
