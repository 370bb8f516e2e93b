"""Reads of the support of weak organizations: first secretaries, workloads, "four ones" coverage.

Every query starts from ``visible_to(user)``; the counts are bounded (a fixed number of queries whatever
the number of rows): policies are resolved in memory with ``organizations.policies.PolicyBook``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from organizations.policies import PolicyBook
from rectification.models import ContactVisit, Designation, DesignationStatus, Round, Task, TaskStatus

from ..models import ContactLeader, FirstSecretary, HelpingUnit, Pairing
from .four_ones import running_q, serving_q  # noqa: F401  (one rule for the coverage and the "four ones")

#: Days ahead in which a first secretary's term counts as ending soon (the list's default).
EXPIRING_DAYS = 60
#: Months before the current one whose visits the workload view counts.
VISIT_MONTHS_BACK = 3
#: The share of working days a first secretary is expected in the village (practice, shown for information).
DAYS_IN_VILLAGE_PRACTICE = (2, 3)

SERVING, UPCOMING, ENDED, RECALLED = "serving", "upcoming", "ended", "recalled"
STATE_LABELS = {SERVING: _("Serving"), UPCOMING: _("Not yet started"), ENDED: _("Term ended"),
                RECALLED: _("Recalled / ended")}

#: Designation statuses of the weak organizations a round is working on (coverage of the "four ones").
COVERED_STATUSES = [s for s in DesignationStatus.values
                    if s not in (DesignationStatus.PROPOSED, DesignationStatus.WITHDRAWN)]
MISSING_FIRST_SECRETARY, MISSING_CONTACT_LEADER, MISSING_HELPING_UNIT = (
    "first_secretary", "contact_leader", "helping_unit")
MISSING_CHOICES = [(MISSING_FIRST_SECRETARY, _("Without a first secretary")),
                   (MISSING_CONTACT_LEADER, _("Without a contact leader")),
                   (MISSING_HELPING_UNIT, _("Without a helping unit")),
                   ("any", _("Missing any of them"))]


# ----------------------------------------------------------------------------------- first secretaries


def state_of(first_secretary: FirstSecretary, today: dt.date) -> str:
    if first_secretary.recalled_on is not None:
        return RECALLED
    if first_secretary.term_start > today:
        return UPCOMING
    if first_secretary.term_end < today:
        return ENDED
    return SERVING


def expiring_q(today: dt.date, days: int = EXPIRING_DAYS) -> Q:
    """Not recalled, term end between today and ``days`` days ahead (both included)."""
    return Q(recalled_on__isnull=True, term_end__gte=today, term_end__lte=today + dt.timedelta(days=days))


def first_secretaries(user) -> QuerySet[FirstSecretary]:
    return FirstSecretary.objects.visible_to(user).select_related("organization", "township", "county")


def expiring_first_secretaries(user, *, today: dt.date, days: int = EXPIRING_DAYS) -> QuerySet[FirstSecretary]:
    return first_secretaries(user).filter(expiring_q(today, days)).order_by("term_end", "name")


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days from ``start`` to ``end`` (both included); 0 when end < start."""
    if end < start:
        return 0
    days = (end - start).days + 1
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    weekday = start.weekday()
    for offset in range(rest):
        if (weekday + offset) % 7 < 5:
            count += 1
    return count


@dataclass
class Attendance:
    """Days in the village against the working days of the term so far (display only)."""

    days: int
    working_days: int
    practice_num: int = DAYS_IN_VILLAGE_PRACTICE[0]
    practice_den: int = DAYS_IN_VILLAGE_PRACTICE[1]

    @property
    def share(self) -> int | None:
        if not self.working_days:
            return None
        return round(100 * self.days / self.working_days)

    @property
    def below_practice(self) -> bool:
        return bool(self.working_days) and self.days * self.practice_den < self.working_days * self.practice_num


def attendance(first_secretary: FirstSecretary, today: dt.date) -> Attendance:
    end = min(today, first_secretary.term_end, first_secretary.recalled_on or first_secretary.term_end)
    return Attendance(first_secretary.days_in_village, working_days(first_secretary.term_start, end))


def term_progress(first_secretary: FirstSecretary, today: dt.date) -> dict:
    total = (first_secretary.term_end - first_secretary.term_start).days or 1
    done = (min(today, first_secretary.term_end) - first_secretary.term_start).days
    return {"days_total": total, "days_done": max(0, done), "days_left": (first_secretary.term_end - today).days,
            "percent": max(0, min(100, round(100 * done / total)))}


# ------------------------------------------------------------------------------------- current rounds


def current_designations(user) -> QuerySet[Designation]:
    """Designations of the weak organizations in the current (latest) round of each county in scope."""
    latest = Round.objects.filter(county_id=OuterRef("county_id")).order_by("-year").values("pk")[:1]
    return Designation.objects.visible_to(user).filter(round_id=Subquery(latest), status__in=COVERED_STATUSES)


def with_coverage(designations: QuerySet[Designation], today: dt.date) -> QuerySet[Designation]:
    """Annotate ``has_first_secretary``, ``has_contact_leader``, ``has_helping_unit`` (one query)."""
    org = OuterRef("organization_id")
    serving = FirstSecretary.objects.filter(serving_q(today))
    # Stationed in the village, or serving it besides: two indexed lookups (on the secretary's organization,
    # on the many-to-many's), not an OR over a join that scans every secretary for each designation.
    stationed = Exists(serving.filter(organization_id=org))
    also_serving = Exists(serving.filter(other_villages=org))
    running = Pairing.objects.filter(running_q(today), organization_id=org)
    return designations.annotate(
        has_first_secretary=ExpressionWrapper(stationed | also_serving, output_field=BooleanField()),
        has_contact_leader=Exists(running.filter(contact_leader__isnull=False)),
        has_helping_unit=Exists(running.filter(helping_unit__isnull=False)),
    )


def coverage_filter(designations: QuerySet[Designation], missing: str | None) -> QuerySet[Designation]:
    if missing == MISSING_FIRST_SECRETARY:
        return designations.filter(has_first_secretary=False)
    if missing == MISSING_CONTACT_LEADER:
        return designations.filter(has_contact_leader=False)
    if missing == MISSING_HELPING_UNIT:
        return designations.filter(has_helping_unit=False)
    if missing == "any":
        return designations.filter(Q(has_first_secretary=False) | Q(has_contact_leader=False)
                                   | Q(has_helping_unit=False))
    return designations


def coverage_counts(user, today: dt.date, *, counties=None) -> dict[str, int]:
    """Weak organizations of the current rounds and how many lack each of the "four ones" (one query;
    ``counties``: only in these counties, by id)."""
    designations = current_designations(user)
    if counties is not None:
        designations = designations.filter(county_id__in=list(counties))
    rows = with_coverage(designations, today).aggregate(
        total=Count("pk"),
        first_secretary=Count("pk", filter=Q(has_first_secretary=False)),
        contact_leader=Count("pk", filter=Q(has_contact_leader=False)),
        helping_unit=Count("pk", filter=Q(has_helping_unit=False)),
        any=Count("pk", filter=Q(has_first_secretary=False) | Q(has_contact_leader=False)
                  | Q(has_helping_unit=False)),
    )
    return {key: value or 0 for key, value in rows.items()}


# ------------------------------------------------------------------------------------------- workload


def running_pairings(queryset: QuerySet[Pairing], today: dt.date) -> QuerySet[Pairing]:
    return queryset.filter(running_q(today))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


@dataclass
class WorkloadRow:
    pairing: Pairing
    organization: Organization
    designation: Designation | None
    overdue_tasks: int
    last_visit: dt.date | None
    visits_month: int | None
    visits_back: int | None
    required_month: int
    required_back: int

    @property
    def short_month(self) -> int:
        return max(0, self.required_month - (self.visits_month or 0)) if self.visits_month is not None else 0

    @property
    def short_back(self) -> int:
        return max(0, self.required_back - (self.visits_back or 0)) if self.visits_back is not None else 0

    def as_dict(self) -> dict:
        designation = self.designation
        return {
            "id": self.pairing.pk,
            "organization": self.organization.pk,
            "organization_name": self.organization.name,
            "township_name": self.organization.township.name if self.organization.township_id else "",
            "started_on": self.pairing.started_on,
            "designation_status": designation.status if designation else None,
            "designation_status_display": str(designation.get_status_display()) if designation else None,
            "overdue_tasks": self.overdue_tasks,
            "last_visit": self.last_visit,
            "visits_month": self.visits_month,
            "required_month": self.required_month,
            "visits_back": self.visits_back,
            "required_back": self.required_back,
        }


@dataclass
class Workload:
    holder: ContactLeader | HelpingUnit
    today: dt.date
    rows: list[WorkloadRow] = field(default_factory=list)
    logs_visits: bool = False  # a contact leader (their own account, or entered for them by the township)
    is_leader: bool = False
    month_first: dt.date | None = None
    back_first: dt.date | None = None
    back_last: dt.date | None = None
    policy: dict = field(default_factory=dict)

    @property
    def totals(self) -> dict:
        return {
            "villages": len(self.rows),
            "weak": sum(1 for r in self.rows if r.designation is not None),
            "overdue_tasks": sum(r.overdue_tasks for r in self.rows),
            "visits_month": sum(r.visits_month or 0 for r in self.rows),
            "required_month": sum(r.required_month for r in self.rows),
            "visits_back": sum(r.visits_back or 0 for r in self.rows),
            "required_back": sum(r.required_back for r in self.rows),
        }

    def as_dict(self) -> dict:
        return {
            "kind": "contact_leader" if self.is_leader else "helping_unit",
            "id": self.holder.pk,
            "name": self.holder.name,
            "today": self.today,
            "logs_visits": self.logs_visits,
            "month_from": self.month_first,
            "back_from": self.back_first,
            "back_to": self.back_last,
            "policy": self.policy,
            "totals": self.totals,
            "results": [r.as_dict() for r in self.rows],
        }


def workload(user, holder: ContactLeader | HelpingUnit, *, today: dt.date | None = None) -> Workload:
    """The holder's running pairings in the user's scope: each village's status in its county's current
    round, overdue tasks, last visit and visits (this month; the previous three months) against the policy
    (``contact_visits_per_month``). Visits are the ledger's ContactVisit rows logged by the leader's own
    account; a leader without an account has no logged visits. Six queries whatever the size."""
    today = today or timezone.localdate()
    is_leader = isinstance(holder, ContactLeader)
    pairings = running_pairings(Pairing.objects.visible_to(user), today).filter(
        **({"contact_leader": holder} if is_leader else {"helping_unit": holder}))
    return _workload_of(user, holder, list(pairings.select_related("organization__township").order_by(
        "organization__division__code", "pk")), today=today, is_leader=is_leader)


def visits_of_leader(leader: ContactLeader) -> Q:
    """The leader's visits: entered for their record (``leader_key``, most leaders have no account) or, before
    the record was known, logged by their own account."""
    q = Q(leader_key=leader.pk)
    if leader.user_id:
        q |= Q(leader_key__isnull=True, leader_id=leader.user_id)
    return q


def _workload_of(user, holder, pairings: list[Pairing], *, today: dt.date, is_leader: bool) -> Workload:
    month_first = month_start(today)
    back_first = month_first - relativedelta(months=VISIT_MONTHS_BACK)
    back_last = month_first - dt.timedelta(days=1)
    result = Workload(holder=holder, today=today, is_leader=is_leader, month_first=month_first,
                      back_first=back_first, back_last=back_last,
                      logs_visits=is_leader)
    org_ids = [p.organization_id for p in pairings]
    if not org_ids:
        return result
    designations = {d.organization_id: d for d in current_designations(user).filter(organization_id__in=org_ids)}
    overdue = dict(Task.objects.visible_to(user).filter(
        organization_id__in=org_ids, plan__designation__in=[d.pk for d in designations.values()],
        deadline__lt=today).exclude(status=TaskStatus.DONE).values("organization_id").annotate(
        n=Count("pk")).values_list("organization_id", "n"))
    visits: dict[int, dict] = {}
    if result.logs_visits:
        visits = {row["organization_id"]: row for row in ContactVisit.objects.visible_to(user).filter(
            visits_of_leader(holder), organization_id__in=org_ids).values("organization_id").annotate(
            last=Max("visited_on"),
            month=Count("pk", filter=Q(visited_on__gte=month_first, visited_on__lte=today)),
            back=Count("pk", filter=Q(visited_on__gte=back_first, visited_on__lte=back_last)))}
    book = PolicyBook(["contact_visits_per_month"])
    for pairing in pairings:
        organization = pairing.organization
        per_month = int(book.for_organization(organization)["contact_visits_per_month"]) if is_leader else 0
        result.policy = {"contact_visits_per_month": per_month} if is_leader else {}
        # Months of the look-back window during which the pairing was already running.
        months_back = sum(1 for k in range(VISIT_MONTHS_BACK)
                          if pairing.started_on <= back_first + relativedelta(months=k + 1) - dt.timedelta(days=1))
        seen = visits.get(organization.pk, {})
        result.rows.append(WorkloadRow(
            pairing=pairing, organization=organization, designation=designations.get(organization.pk),
            overdue_tasks=overdue.get(organization.pk, 0),
            last_visit=seen.get("last") if result.logs_visits else None,
            visits_month=seen.get("month", 0) if result.logs_visits else None,
            visits_back=seen.get("back", 0) if result.logs_visits else None,
            required_month=per_month, required_back=per_month * months_back,
        ))
    return result


def own_holders(user) -> tuple[list[ContactLeader], list[HelpingUnit]]:
    """The contact leaders and helping units linked to ``user``'s own account (their own workload)."""
    if not user.is_authenticated:
        return [], []
    return (list(ContactLeader.objects.filter(user=user).order_by("pk")),
            list(HelpingUnit.objects.filter(user=user).order_by("pk")))


def own_workloads(user, *, today: dt.date | None = None) -> list[Workload]:
    """Workloads of the account's own leader/unit records: only pairings visible to the account."""
    today = today or timezone.localdate()
    leaders, units = own_holders(user)
    return [workload(user, holder, today=today) for holder in [*leaders, *units]]


def leaders_with_counts(user, today: dt.date) -> QuerySet[ContactLeader]:
    running = running_q(today, "pairings__")
    return ContactLeader.objects.visible_to(user).select_related("division", "user").annotate(
        villages=Count("pairings", filter=running, distinct=True)).order_by("division__code", "name", "pk")


def units_with_counts(user, today: dt.date) -> QuerySet[HelpingUnit]:
    running = running_q(today, "pairings__")
    return HelpingUnit.objects.visible_to(user).select_related("division", "user").annotate(
        villages=Count("pairings", filter=running, distinct=True)).order_by("division__code", "name", "pk")


def pairings(user) -> QuerySet[Pairing]:
    return Pairing.objects.visible_to(user).select_related(
        "organization__township", "contact_leader", "helping_unit").order_by(
        "organization__division__code", "contact_leader", "pk")
