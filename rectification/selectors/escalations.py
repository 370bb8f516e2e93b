"""Reads of the escalation ladder, each starting from ``visible_to(user)``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.navigation import COUNTY, TOWNSHIP, VILLAGE
from organizations.permissions import can
from organizations.registry import TodoItem
from organizations.scoping import grants_for

from ..models import RUNG_ORDER, Circular, Escalation, Instruction, Rung
from ..models.escalations import rung_index


def escalation_queryset(user):
    return Escalation.objects.visible_to(user).select_related("organization", "township", "designation")


def open_by_rung(user, *, today: dt.date, queryset=None) -> dict:
    """Open escalations per rung and past their deadline (one query): ``{rung: n, ..., "past_deadline": n,
    "open": n}``."""
    rows = (queryset if queryset is not None else Escalation.objects.visible_to(user)).filter(
        resolved_on__isnull=True)
    found = rows.aggregate(open=Count("pk"), past_deadline=Count("pk", filter=Q(deadline__lt=today)),
                           **{rung: Count("pk", filter=Q(rung=rung)) for rung in RUNG_ORDER})
    return found


def escalation_detail(user, escalation: Escalation) -> dict:
    """What the escalation page shows and offers the user."""
    steps = list(escalation.steps.select_related("entered_by", "circular").order_by("taken_on", "pk"))
    instructions = list(Instruction.objects.visible_to(user).filter(escalation=escalation).select_related(
        "written_by"))
    return {
        "steps": steps, "instructions": instructions,
        "may_escalate": escalation.is_open and rung_index(escalation.rung) < len(RUNG_ORDER) - 1
        and can(user, "escalation", "escalate", escalation),
        "may_resolve": escalation.is_open and can(user, "escalation", "resolve", escalation),
        "may_instruct": can(user, "instruction", "create", escalation),
        "may_circulate": escalation.is_open and rung_index(escalation.rung) < rung_index(Rung.CIRCULAR)
        and can(user, "circular", "issue"),
    }


def circulable(user, county_id: int | None = None):
    """Open escalations a circular may list: below the circular rung, in the user's scope (one county)."""
    rows = escalation_queryset(user).filter(resolved_on__isnull=True, rung__in=RUNG_ORDER[:rung_index(
        Rung.CIRCULAR)]).order_by("township__code", "organization__division__code", "pk")
    return rows.filter(county_id=county_id) if county_id else rows


def circular_rows(circular: Circular):
    """The circular's organizations with their reasons, in tree order."""
    return circular.steps.select_related("escalation", "organization", "township").order_by(
        "township__code", "organization__division__code", "pk")


def organization_escalations(user, organization) -> dict:
    """The organization page's panel: its escalations (open first), the leaders' instructions on it, and what the
    user may do there (send a reminder, write an instruction)."""
    return {
        "organization": organization,
        "escalations": list(escalation_queryset(user).filter(organization=organization).order_by(
            F("resolved_on").desc(nulls_first=True), "-opened_on", "-pk")[:20]),
        "instructions": list(Instruction.objects.visible_to(user).filter(
            organization=organization, escalation__isnull=True).select_related("written_by")[:20]),
        "may_remind": can(user, "escalation", "create", organization),
        "may_instruct": can(user, "instruction", "create", organization),
    }


#: The to-do lines of the escalations, ``(key, label, list filter, urgent)``: each count is the row count of the
#: escalations page with that filter (``EscalationFilter``), from one aggregate (``open_by_rung``).
TODO_LINES = (
    ("escalations_reminder", _("Reminders open"), "state=open&rung=reminder", Rung.REMINDER, False),
    ("escalations_supervision", _("Listed for supervision (挂牌督办)"), "state=open&rung=supervision",
     Rung.SUPERVISION, True),
    ("escalations_interview", _("Interviews to follow up"), "state=open&rung=interview", Rung.INTERVIEW, True),
    ("escalations_circular", _("Circulated, to rectify"), "state=open&rung=circular", Rung.CIRCULAR, True),
    ("escalations_accountability", _("Held accountable, still open"), "state=open&rung=accountability",
     Rung.ACCOUNTABILITY, True),
)


def escalation_todo_items(user, today: dt.date) -> list[TodoItem]:
    """The open escalations by rung on the home page of the county, township and village people (one query)."""
    if not (user.is_superuser or grants_for(user).roles() & (COUNTY | TOWNSHIP | VILLAGE)):
        return []
    counts = open_by_rung(user, today=today)
    url = reverse("rectification:escalations")
    return [TodoItem(key, label, counts[rung], f"{url}?{query}", urgent=urgent)
            for key, label, query, rung, urgent in TODO_LINES]
