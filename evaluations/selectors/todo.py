"""What the satisfaction evaluation puts on a person's to-do list (home page): organizations awaiting their
evaluation, evaluations to close, closed ones to decide. Each number is the row count of the page it links to,
computed by that page's own selector or filter (one counting rule)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.permissions import can
from organizations.registry import TodoItem

from ..filters.satisfaction import EvaluationFilter
from ..models import EvaluationStatus
from .satisfaction import designations_awaiting, evaluations_visible


def evaluation_count(user, params: dict) -> int:
    """The evaluation list's row count for ``params``."""
    filterset = EvaluationFilter(params, queryset=evaluations_visible(user), request=SimpleNamespace(user=user))
    return filterset.qs.count() if filterset.is_valid() else 0


def todo_items(user, today: dt.date) -> list[TodoItem]:
    items: list[TodoItem] = []
    if can(user, "evaluation", "open"):
        items.append(TodoItem("evaluations_to_open", _("Organizations awaiting their satisfaction evaluation"),
                              designations_awaiting(user).count(), reverse("evaluations:evaluation-awaiting")))
    listing = reverse("evaluations:evaluation-list")
    if can(user, "evaluation", "close"):
        items.append(TodoItem("evaluations_to_close", _("Evaluations voting (to close)"),
                              evaluation_count(user, {"status": EvaluationStatus.OPEN}),
                              f"{listing}?status={EvaluationStatus.OPEN}"))
    if can(user, "evaluation", "decide"):
        items.append(TodoItem("evaluations_to_decide", _("Closed evaluations awaiting a decision"),
                              evaluation_count(user, {"status": EvaluationStatus.CLOSED}),
                              f"{listing}?status={EvaluationStatus.CLOSED}", urgent=True))
    return items
