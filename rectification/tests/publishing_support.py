"""Test data for the publishing area (export, summary, board, dashboard): a separate round, built directly."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rectification.models import (
    Category,
    ContactVisit,
    Designation,
    DesignationStatus,
    Measure,
    PeriodReport,
    Plan,
    PlanCycle,
    PlanStatus,
    ProgressEntry,
    ReportStatus,
    Round,
    Task,
    TaskStatus,
)


def make_round(county, year: int) -> Round:
    return Round.objects.get_or_create(county=county, year=year, defaults={"name": f"{county.name}{year}测试批次"})[0]


def add_four_ones(organization, *, contact_leader=None, first_secretary=None, helping_unit=None,
                  since=dt.date(2020, 1, 1)) -> None:
    """The cadres records of an organization's "four ones" (the one truth the ledger reads):
    ``contact_leader=(name, post)`` (or a User: its full name and post, linked), ``first_secretary=(name,
    dispatching unit)``, ``helping_unit=name``; each paired or stationed from ``since`` (serving today)."""
    from cadres.models import ContactLeader, FirstSecretary, HelpingUnit, Pairing, UnitKind

    scope = {"organization": organization, "county_id": organization.county_id,
             "township_id": organization.township_id}
    if contact_leader is not None:
        user = None
        if not isinstance(contact_leader, tuple):
            user, contact_leader = contact_leader, (contact_leader.full_name, contact_leader.post)
        leader, _created = ContactLeader.objects.get_or_create(
            division_id=organization.county_id, name=contact_leader[0],
            defaults={"post": contact_leader[1], "user": user})
        Pairing.objects.create(contact_leader=leader, started_on=since, **scope)
    if helping_unit is not None:
        unit, _created = HelpingUnit.objects.get_or_create(division_id=organization.county_id, name=helping_unit,
                                                           defaults={"kind": UnitKind.DEPARTMENT})
        Pairing.objects.create(helping_unit=unit, started_on=since, **scope)
    if first_secretary is not None:
        FirstSecretary.objects.create(name=first_secretary[0], dispatching_unit=first_secretary[1], term_start=since,
                                      term_end=dt.date(2099, 12, 31), **scope)


def make_designation(round_, organization, *, status=DesignationStatus.RECTIFYING, codes=("RSHS01",),
                     problems="班子配备不齐。", plan_status=PlanStatus.APPROVED, with_plan=True,
                     deadline=dt.date(2026, 12, 31), contact_leader=None, first_secretary=None, helping_unit=None,
                     **plan_fields) -> Designation:
    """A designation (and its plan with ``plan_fields``); ``contact_leader``, ``first_secretary`` and
    ``helping_unit`` are made cadres records (``add_four_ones``), the plan does not keep them."""
    add_four_ones(organization, contact_leader=contact_leader, first_secretary=first_secretary,
                  helping_unit=helping_unit)
    designation = Designation(round=round_, organization=organization, problems=problems, status=status,
                              confirmed_at=timezone.now())
    designation.copy_scope()
    designation.save()
    designation.categories.set(Category.objects.filter(code__in=codes).filter(county__isnull=True))
    if with_plan:
        plan = Plan(designation=designation, status=plan_status, deadline=deadline, **plan_fields)
        plan.copy_scope_from(designation)
        plan.save()
        cycle = PlanCycle(plan=plan, number=1, started_on=dt.date(2026, 3, 1), deadline=deadline)
        cycle.copy_scope_from(plan)
        cycle.save()
    return designation


def add_measure(plan, title, tasks=()) -> Measure:
    cycle = plan.cycles.order_by("-number").first()
    measure = Measure(plan=plan, cycle=cycle, title=title, sort_order=plan.measures.count() + 1)
    measure.copy_scope_from(plan)
    measure.save()
    for task_title, owner, deadline, status in tasks:
        task = Task(measure=measure, plan=plan, cycle=cycle, title=task_title, owner_name=owner, deadline=deadline,
                    status=status, completed_on=deadline if status == TaskStatus.DONE else None,
                    progress=100 if status == TaskStatus.DONE else 0)
        task.copy_scope_from(plan)
        task.save()
    return measure


def add_entry(plan, day, content) -> ProgressEntry:
    entry = ProgressEntry(plan=plan, happened_on=day, content=content)
    entry.copy_scope_from(plan)
    entry.save()
    return entry


def add_report(plan, start, end, *, due, submitted_on=None) -> PeriodReport:
    report = PeriodReport(plan=plan, period_start=start, period_end=end, due_on=due,
                          status=ReportStatus.SUBMITTED if submitted_on else ReportStatus.DRAFT,
                          submitted_at=timezone.make_aware(dt.datetime.combine(submitted_on, dt.time(10)))
                          if submitted_on else None)
    report.copy_scope_from(plan)
    report.save()
    return report


def add_visit(plan, leader, day, solved=0) -> ContactVisit:
    visit = ContactVisit(plan=plan, leader=leader, visited_on=day, discussed="研究整顿工作", problems_solved_count=solved)
    visit.copy_scope_from(plan)
    visit.save()
    return visit


def organizations_of(demo, division, n, *, category=None, exclude=()):
    from organizations.models import Organization

    queryset = Organization.objects.filter(**{f"{division.level}_id": division.pk}).exclude(pk__in=exclude)
    if category:
        queryset = queryset.filter(category=category)
    return list(queryset.order_by("division__code", "pk")[:n])
