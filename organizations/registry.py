"""What the apps above the kernel add to it, registered from their ``AppConfig.ready()``.

The kernel (organizations) never imports rectification, evaluations or cadres. An upper app
contributes through this registry, the way ``django.contrib.admin`` is autodiscovered:

- **jobs**: background jobs of the jobs page, the scheduler and ``run_job`` (``register_job``);
- **demo seeders**: ``seed_demo`` builds the kernel's city, then runs each app's seeder in order
  (``register_demo_seeder``);
- **province parts**: ``generate_province`` builds the tree, then each registered part (the ledger...);
  ``delete_province`` lets each part remove its bulk rows first (``register_province_part``);
- **panels**: a template rendered in a named slot of a kernel page, with the context its function
  computes for the acting user (``register_panel``; slots: ``home.division`` — the figures of one
  division block on the home page —, ``organization.detail`` and ``designation.actions``).

Entries are kept in registration order within their ``order`` (lower first); registering the same
name twice replaces the entry, so ``ready()`` may run more than once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Job:
    name: str
    label: Any
    #: Dotted path of ``fn(county_id=..., today=...) -> dict``, imported when the job runs.
    function: str
    description: Any
    #: Dotted path of ``fn() -> list[int]``: the counties the scheduler runs the job for.
    counties: str = "organizations.selectors.tree.county_ids_with_organizations"


@dataclass(frozen=True)
class DemoSeeder:
    name: str
    #: ``fn(county, *, accounts)``: adds the app's demo data to the demo county (idempotent).
    seed: Callable
    order: int = 100


@dataclass(frozen=True)
class ProvincePart:
    """A part of the synthetic province an upper app generates (e.g. the ledger)."""

    name: str
    #: ``fn(parser)``: adds the part's options to ``generate_province``.
    add_arguments: Callable
    #: ``fn(province, options, *, default_size, stdout, style)``: generates the part (or does nothing).
    generate: Callable
    #: ``fn(province) -> dict[str, int]``: deletes the part's rows of a generated province in bulk.
    delete: Callable | None = None
    order: int = 100


@dataclass(frozen=True)
class Panel:
    slot: str
    name: str
    template: str
    #: ``fn(user, obj) -> dict | None``: the panel's context; None leaves the panel out.
    context: Callable
    order: int = 100


@dataclass
class Registry:
    jobs: dict[str, Job] = field(default_factory=dict)
    demo_seeders: dict[str, DemoSeeder] = field(default_factory=dict)
    province_parts: dict[str, ProvincePart] = field(default_factory=dict)
    panels: dict[tuple[str, str], Panel] = field(default_factory=dict)


registry = Registry()


def register_job(job: Job) -> None:
    registry.jobs[job.name] = job


def register_demo_seeder(seeder: DemoSeeder) -> None:
    registry.demo_seeders[seeder.name] = seeder


def register_province_part(part: ProvincePart) -> None:
    registry.province_parts[part.name] = part


def register_panel(panel: Panel) -> None:
    registry.panels[(panel.slot, panel.name)] = panel


def jobs() -> dict[str, Job]:
    return registry.jobs


def demo_seeders() -> list[DemoSeeder]:
    return sorted(registry.demo_seeders.values(), key=lambda s: s.order)


def province_parts() -> list[ProvincePart]:
    return sorted(registry.province_parts.values(), key=lambda p: p.order)


def panels(slot: str) -> list[Panel]:
    return sorted((p for (s, _n), p in registry.panels.items() if s == slot), key=lambda p: p.order)
