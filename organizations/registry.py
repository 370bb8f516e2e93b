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
  division block on the home page —, ``organization.detail``, ``designation.actions`` and
  ``dashboard.figures`` — figures of the leader dashboard, with the county it shows or None —);
- **the "four ones" provider**: who supports each weak organization — its first secretary (with the
  dispatching unit), county contact leader(s) and paired helping unit(s) — on a date, read in bulk from the
  app that keeps those records (cadres) by the ledger, its export, the disclosure board and the plan gate
  (``register_four_ones_provider``; read with ``four_ones``). The township leader (乡镇领导包村) is not
  part of it: it is written in the plan (rectification);
- **export columns**: columns an upper app adds to an export a lower app writes, filled per chunk of rows
  (``register_export_columns``; slot ``ledger``: the satisfaction evaluation's date, rate and conclusion in
  the consolidated ledger);
- **menu entries**: the items of the main menu an app's pages add, each saying which roles see it, in which
  words and where (``register_nav_entry``; built per user by ``organizations.navigation``);
- **to-do sources**: what waits for the person on the home page (plans to approve, reports to submit...),
  each a count and a link to the page whose rows it counts (``register_todo_source``);
- **summary figures**: columns an upper app adds to the upward statistical summary (rectification's
  statistical form, domain practice §3a), computed per designated organization for a year
  (``register_summary_figures``; cadres: secretary vacancies at the start of the year and filled during it,
  secretaries trained at county level or above, resident cadres).

Entries are kept in registration order within their ``order`` (lower first); registering the same
name twice replaces the entry, so ``ready()`` may run more than once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
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
    #: ``((result key, label), ...)``: how the jobs page names what ``function`` returns (no raw keys shown).
    result_labels: tuple = ()


@dataclass(frozen=True)
class BackgroundExport:
    """An export a worker writes when it is too large to answer at once (``organizations.exports.background``)."""

    name: str
    label: Any
    #: Dotted path of ``fn(*, user, params, target, progress) -> int``: writes the workbook of ``user``'s scope and
    #: ``params`` (the list page's filters) to the binary file ``target``, calls ``progress(rows_written)`` now
    #: and then, returns the rows written. Imported when the run runs.
    function: str
    #: Dotted path of ``fn(*, user, params) -> str``: the file's name.
    filename: str


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


#: The kinds of person of the "four ones" a provider answers for (the township leader is the plan's own).
FOUR_ONES_KINDS = ("contact_leader", "first_secretary", "helping_unit")


@dataclass(frozen=True)
class FourOnesPerson:
    """One of the "four ones" as the record that keeps it names it (names and posts only, never contacts)."""

    kind: str  # one of FOUR_ONES_KINDS
    #: The record's id in the providing app (identity: the same leader of two villages is one person).
    key: int
    name: str
    #: The post (contact leader) or the dispatching unit (first secretary); "" for a helping unit.
    detail: str = ""
    #: URL name and arguments of the page where the record is kept (reversed only when shown).
    url_name: str = ""
    url_args: tuple = ()

    @property
    def label(self) -> str:
        """"name（post or dispatching unit）", as the ledger and the board print it."""
        return f"{self.name}（{self.detail}）" if self.detail else self.name

    @property
    def url(self) -> str:
        if not self.url_name:
            return ""
        from django.urls import NoReverseMatch, reverse

        try:
            return reverse(self.url_name, args=self.url_args)
        except NoReverseMatch:
            return ""


@dataclass(frozen=True)
class FourOnes:
    """The first secretaries, contact leaders and helping units of one organization on a date."""

    first_secretaries: tuple[FourOnesPerson, ...] = ()
    contact_leaders: tuple[FourOnesPerson, ...] = ()
    helping_units: tuple[FourOnesPerson, ...] = ()

    def of(self, kind: str) -> tuple[FourOnesPerson, ...]:
        return {"contact_leader": self.contact_leaders, "first_secretary": self.first_secretaries,
                "helping_unit": self.helping_units}[kind]

    def text(self, kind: str, separator: str = "；") -> str:
        """The labels of one kind joined by "；" (posts contain "、"), e.g. "陈国栋（县委常委、组织部部长）"; "" when
        there is none."""
        return separator.join(person.label for person in self.of(kind))

    def missing(self) -> list[str]:
        """The kinds (of FOUR_ONES_KINDS) nobody fills."""
        return [kind for kind in FOUR_ONES_KINDS if not self.of(kind)]


NO_FOUR_ONES = FourOnes()

@dataclass(frozen=True)
class ExportColumns:
    """Columns an upper app adds to an export a lower app writes (``slot``, e.g. "ledger": the consolidated
    ledger, rows by designation id). ``columns``: ``((json key, header, width), ...)``; ``values(ids)``: for the
    row ids of one chunk, ``{id: tuple of values}`` in a fixed number of queries (a missing id: blanks)."""

    slot: str
    name: str
    columns: tuple
    values: Callable[[list[int]], dict[int, tuple]]
    order: int = 100


@dataclass(frozen=True)
class NavEntry:
    """One item of the main menu (``organizations.navigation`` builds the menu of a user from these).

    A user sees the entry when one of their roles is in ``roles`` (in the bar) or ``more`` (under "More"), or,
    with ``permission`` = (resource, action), when the permission table lets them (in the bar); ``everyone``:
    every signed-in user. ``labels``: ``((role, label), ...)``, the entry's words for a role (the first of the
    user's roles found wins, else ``label``). ``active``: view names that make it the current page
    (``"namespace:*"`` or ``"namespace:prefix*"`` match a prefix; the longest match wins). ``first_for``:
    roles for whom it leads the bar (a leader's dashboard)."""

    name: str
    label: Any
    url_name: str
    roles: frozenset = frozenset()
    more: frozenset = frozenset()
    permission: tuple[str, str] | None = None
    everyone: bool = False
    labels: tuple = ()
    active: tuple = ()
    first_for: frozenset = frozenset()
    query: str = ""
    order: int = 100


@dataclass(frozen=True)
class TodoItem:
    """One line of the home page's to-do list: ``count`` things at ``url`` (the filtered page listing exactly
    those rows). ``urgent`` marks it red (late, overdue)."""

    key: str
    label: Any
    count: int
    url: str
    urgent: bool = False


@dataclass(frozen=True)
class TodoSource:
    name: str
    #: ``fn(user, today) -> list[TodoItem]``: a fixed number of queries whatever the data; counts from the
    #: selectors of the pages linked to (one counting rule).
    items: Callable
    order: int = 100


@dataclass(frozen=True)
class SummaryFigures:
    """Columns an upper app adds to the upward statistical summary. ``columns``: ``((key, label), ...)``;
    ``values(organization_ids, year, on)``: ``{organization id: {key: value}}`` for the designated organizations
    of the year (``on``: the last day of the year, or today in the current year), in a fixed number of queries
    whatever the number of ids. A value is a number (summed over a row's organizations) or a set of keys of
    people (counted once per row: a person serving two villages of a township counts once there); an id or
    key left out counts 0."""

    name: str
    columns: tuple
    values: Callable[[list[int], int, dt.date], dict[int, dict[str, Any]]]
    order: int = 100


#: ``fn(organization_ids: list[int], on: date) -> dict[int, FourOnes]``: bulk, a fixed number of queries
#: whatever the number of ids; an organization without any record may be left out of the answer.
FourOnesProvider = Callable[[list[int], dt.date], dict[int, FourOnes]]


@dataclass
class Registry:
    jobs: dict[str, Job] = field(default_factory=dict)
    demo_seeders: dict[str, DemoSeeder] = field(default_factory=dict)
    province_parts: dict[str, ProvincePart] = field(default_factory=dict)
    panels: dict[tuple[str, str], Panel] = field(default_factory=dict)
    four_ones_provider: FourOnesProvider | None = None
    #: The contact leaders' directory for the visit log (``organizations.leaders``).
    leader_directory: Any = None
    export_columns: dict[tuple[str, str], ExportColumns] = field(default_factory=dict)
    summary_figures: dict[str, SummaryFigures] = field(default_factory=dict)
    nav_entries: dict[str, NavEntry] = field(default_factory=dict)
    todo_sources: dict[str, TodoSource] = field(default_factory=dict)
    background_exports: dict[str, BackgroundExport] = field(default_factory=dict)


registry = Registry()


def register_background_export(export: BackgroundExport) -> None:
    registry.background_exports[export.name] = export


def register_job(job: Job) -> None:
    registry.jobs[job.name] = job


def register_demo_seeder(seeder: DemoSeeder) -> None:
    registry.demo_seeders[seeder.name] = seeder


def register_province_part(part: ProvincePart) -> None:
    registry.province_parts[part.name] = part


def register_panel(panel: Panel) -> None:
    registry.panels[(panel.slot, panel.name)] = panel


def register_nav_entry(entry: NavEntry) -> None:
    registry.nav_entries[entry.name] = entry


def nav_entries() -> list[NavEntry]:
    return sorted(registry.nav_entries.values(), key=lambda e: e.order)


def register_todo_source(source: TodoSource) -> None:
    registry.todo_sources[source.name] = source


def todo_sources() -> list[TodoSource]:
    return sorted(registry.todo_sources.values(), key=lambda s: s.order)


def register_export_columns(columns: ExportColumns) -> None:
    registry.export_columns[(columns.slot, columns.name)] = columns


def export_columns(slot: str) -> list[ExportColumns]:
    """The columns registered for an export, in their order (then registration order)."""
    return sorted((c for (s, _name), c in registry.export_columns.items() if s == slot), key=lambda c: c.order)


def export_column_values(slot: str, ids: list[int]) -> dict[int, tuple]:
    """For one chunk of rows: every registered column's values per id (blanks where a provider has none)."""
    found: dict[int, tuple] = {pk: () for pk in ids}
    for columns in export_columns(slot):
        values = columns.values(ids) if ids else {}
        blank = ("",) * len(columns.columns)
        for pk in ids:
            found[pk] = (*found[pk], *values.get(pk, blank))
    return found


def register_summary_figures(figures: SummaryFigures) -> None:
    registry.summary_figures[figures.name] = figures


def summary_figures() -> list[SummaryFigures]:
    """The registered summary figures, in their order (then registration order)."""
    return sorted(registry.summary_figures.values(), key=lambda f: f.order)


def register_four_ones_provider(provider: FourOnesProvider | None) -> None:
    """The app that keeps the "four ones" records answers for them (one provider; the last one wins)."""
    registry.four_ones_provider = provider


def four_ones(organization_ids: Iterable[int], on: dt.date) -> dict[int, FourOnes]:
    """Each organization's "four ones" on ``on``: every id asked is in the answer (empty when nobody is
    recorded, or when no app provides them). The provider's fixed number of queries, none for no ids."""
    ids = list(dict.fromkeys(organization_ids))
    provider = registry.four_ones_provider
    found = provider(ids, on) if ids and provider is not None else {}
    return {pk: found.get(pk, NO_FOUR_ONES) for pk in ids}


def jobs() -> dict[str, Job]:
    return registry.jobs


def demo_seeders() -> list[DemoSeeder]:
    return sorted(registry.demo_seeders.values(), key=lambda s: s.order)


def province_parts() -> list[ProvincePart]:
    return sorted(registry.province_parts.values(), key=lambda p: p.order)


def panels(slot: str) -> list[Panel]:
    return sorted((p for (s, _n), p in registry.panels.items() if s == slot), key=lambda p: p.order)
