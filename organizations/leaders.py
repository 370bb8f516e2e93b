"""County contact leaders as the app that keeps their records (cadres) names them, for the apps below it.

The visit log (rectification) records visits of contact leaders, most of whom have no portal account:
a township organizer or the county admin enters the visit and chooses the leader among those paired with
the village. rectification may not import cadres, so cadres registers a directory here in
``CadresConfig.ready()`` (the kernel registry pattern of ``organizations.registry``) and rectification asks
it. Without a registered directory no leader is known (a leader's own account still logs its visits).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LeaderRef:
    """A contact leader's record: ``key`` is its id in the providing app (stable identity)."""

    key: int
    name: str
    post: str = ""
    #: The leader's portal account, when there is one.
    user_id: int | None = None

    @property
    def label(self) -> str:
        return f"{self.name}（{self.post}）" if self.post else self.name


class LeaderDirectory(Protocol):
    def paired_with(self, organization_id: int, on: dt.date) -> list[LeaderRef]:
        """The leaders whose pairing with the organization runs on ``on``."""

    def of_user(self, user_id: int) -> list[LeaderRef]:
        """The leader records linked to a portal account."""

    def get(self, keys: list[int]) -> dict[int, LeaderRef]:
        """Leaders by key (unknown keys left out)."""

    def organizations_of(self, key: int, on: dt.date) -> list[int]:
        """The organizations the leader is paired with on ``on``."""


class _NoDirectory:
    def paired_with(self, organization_id, on):
        return []

    def of_user(self, user_id):
        return []

    def get(self, keys):
        return {}

    def organizations_of(self, key, on):
        return []


def register_leader_directory(directory: LeaderDirectory) -> None:
    """Kept in the kernel's one registry, beside the "four ones" provider the same app registers."""
    from .registry import registry

    registry.leader_directory = directory


def leader_directory() -> LeaderDirectory:
    from .registry import registry

    return registry.leader_directory or _NoDirectory()
