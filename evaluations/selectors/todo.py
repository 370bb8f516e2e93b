"""What the satisfaction evaluation puts on a person's to-do list (home page): organizations awaiting their
evaluation, evaluations to close, closed ones to decide. Each number is the row count of the page it links to,
computed by that page's own selector or filter conditions (one counting rule; tests/test_navigation.py compares
them). Two queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.permissions import can
from organizations.registry import TodoItem

from ..models import EvaluationStatus
from .satisfaction import designations_awaiting, evaluations_visible


def evaluation_counts(user) -> dict[str, int]:
    """The evaluation list's row counts for ``?status=open`` and ``?status=closed`` (its filter's field), in one
    query over the evaluations the list shows."""
    return evaluations_visible(user).aggregate(
        open=Count("pk", filter=Q(status=EvaluationStatus.OPEN)),
        closed=Count("pk", filter=Q(status=EvaluationStatus.CLOSED)))


def todo_items(user, today: dt.date) -> list[TodoItem]:
    items: list[TodoItem] = []
    if can(user, "evaluation", "open"):
        items.append(TodoItem("evaluations_to_open", _("Organizations awaiting their satisfaction evaluation"),
                              designations_awaiting(user).count(), reverse("evaluations:evaluation-awaiting")))
    listing = reverse("evaluations:evaluation-list")
    may_close, may_decide = can(user, "evaluation", "close"), can(user, "evaluation", "decide")
    counts = evaluation_counts(user) if may_close or may_decide else {}
    if may_close:
        items.append(TodoItem("evaluations_to_close", _("Evaluations voting (to close)"), counts["open"],
                              f"{listing}?status={EvaluationStatus.OPEN}"))
    if may_decide:
        items.append(TodoItem("evaluations_to_decide", _("Closed evaluations awaiting a decision"), counts["closed"],
                              f"{listing}?status={EvaluationStatus.CLOSED}", urgent=True))
    return items
