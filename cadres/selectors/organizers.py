"""Townships short of township organization officers (组织委员, seed 000: at least one per township).

A township counts the active users holding the township organizer role on it; the minimum is the
policy ``township_organizers_min`` of its area (default 1). Three queries whatever the scale: the
townships in scope, the role grants counted per township, the policy rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count

from organizations.models import Division, RoleAssignment
from organizations.policies import PolicyBook
from organizations.roles import Level, Role

POLICY_KEYS = ["township_organizers_min"]


@dataclass(frozen=True)
class TownshipRow:
    township: Division
    organizers: int
    minimum: int

    @property
    def missing(self) -> int:
        return max(0, self.minimum - self.organizers)


def township_organizer_rows(user, *, county=None, short_only: bool = True) -> list[TownshipRow]:
    """The townships in ``user``'s scope with their active organizers against the policy minimum."""
    townships = Division.objects.visible_to(user).filter(level=Level.TOWNSHIP)
    if county is not None:
        townships = townships.filter(county=county)
    townships = list(townships.select_related("county").order_by("code"))
    held = dict(RoleAssignment.objects.filter(
        role=Role.TOWNSHIP_ORGANIZER, division__in=[t.pk for t in townships], user__is_active=True,
    ).values("division_id").annotate(n=Count("user_id", distinct=True)).values_list("division_id", "n"))
    book = PolicyBook(POLICY_KEYS)
    rows = [TownshipRow(t, held.get(t.pk, 0), int(book.for_division(t)["township_organizers_min"]))
            for t in townships]
    return [r for r in rows if r.missing] if short_only else rows
