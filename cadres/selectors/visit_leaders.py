"""The contact-leader directory the visit log reads (``organizations.leaders``): registered in
``CadresConfig.ready()``. Not scoped to a user: callers ask about organizations and leaders they already
show (a plan in the user's scope), and the answer holds names, posts and the account id only."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from organizations.leaders import LeaderRef

from ..models import ContactLeader, Pairing

FIELDS = ("pk", "name", "post", "user_id")


def _running(on: dt.date) -> Q:
    return Q(started_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


def _ref(pk, name, post, user_id) -> LeaderRef:
    return LeaderRef(key=pk, name=name, post=post, user_id=user_id)


class CadresLeaderDirectory:
    def paired_with(self, organization_id: int, on: dt.date) -> list[LeaderRef]:
        ids = Pairing.objects.filter(_running(on), organization_id=organization_id,
                                     contact_leader__isnull=False).values("contact_leader_id")
        return [_ref(*row) for row in ContactLeader.objects.filter(pk__in=ids).order_by("name", "pk")
                .values_list(*FIELDS)]

    def of_user(self, user_id: int) -> list[LeaderRef]:
        return [_ref(*row) for row in ContactLeader.objects.filter(user_id=user_id).order_by("pk")
                .values_list(*FIELDS)]

    def get(self, keys: list[int]) -> dict[int, LeaderRef]:
        return {row[0]: _ref(*row) for row in ContactLeader.objects.filter(pk__in=list(keys)).values_list(*FIELDS)}

    def organizations_of(self, key: int, on: dt.date) -> list[int]:
        return list(Pairing.objects.filter(_running(on), contact_leader_id=key).order_by()
                    .values_list("organization_id", flat=True).distinct())


directory = CadresLeaderDirectory()
