"""The main menu and the home page's to-do list, built per user from one declarative table.

Each menu entry (``registry.NavEntry``) says which roles see it, in the bar or under "More" (更多, a
``<details>`` that works without script), in which words for which role, and which pages make it current.
The kernel declares its own entries here; rectification, evaluations and cadres register theirs from their
``AppConfig.ready()`` (the kernel never imports them). The roles' sets below name who is who, so the table
reads as the issue's role list: a village secretary sees its own ledger, reports, stars and reserve cadres;
a county leader the leader dashboard first; a contact leader its villages and the visit log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .caching import Figures, person_figures
from .permissions import can
from .registry import NavEntry, TodoItem, nav_entries, register_nav_entry, todo_sources
from .roles import Role
from .scoping import grants_for

R = Role
COUNTY = frozenset({R.COUNTY_ADMIN})
LEADERS = frozenset({R.COUNTY_LEADER, R.REVIEWER})
TOWNSHIP = frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY})
VILLAGE = frozenset({R.VILLAGE_SECRETARY, R.FIRST_SECRETARY})
CONTACT = frozenset({R.CONTACT_LEADER})
HELPING = frozenset({R.HELPING_UNIT})
EVALUATOR = frozenset({R.EVALUATOR})
ALL_ROLES = frozenset(Role.values)

#: The order in which a user's roles choose an entry's words (the broadest role first).
ROLE_PRIORITY = (R.COUNTY_ADMIN, R.REVIEWER, R.COUNTY_LEADER, R.EVALUATOR, R.TOWNSHIP_SECRETARY,
                 R.TOWNSHIP_ORGANIZER, R.VILLAGE_SECRETARY, R.FIRST_SECRETARY, R.CONTACT_LEADER, R.HELPING_UNIT)

#: The kernel's entries (home, organizations, imports, background jobs, API docs).
KERNEL_ENTRIES = (
    NavEntry("home", _("Home"), "home", everyone=True, active=("home",), order=0),
    NavEntry("organizations", _("Party organizations"), "organizations:list", roles=TOWNSHIP,
             more=COUNTY | LEADERS, active=("organizations:list", "organizations:detail", "organizations:edit",
                                            "organizations:create", "organizations:division", "organizations:policy"),
             order=80),
    NavEntry("imports", _("Imports"), "organizations:import-list", more=COUNTY,
             active=("organizations:import*",), order=110),
    # "任务" are the plan's tasks; the background jobs are "后台作业".
    NavEntry("jobs", pgettext_lazy("menu", "Background jobs"), "organizations:jobs", more=COUNTY,
             active=("organizations:jobs*",), order=120),
    NavEntry("api_docs", _("API"), "api-docs", more=COUNTY | frozenset({R.REVIEWER}), active=("api-docs",),
             order=130),
)


def register_kernel_entries() -> None:
    for entry in KERNEL_ENTRIES:
        register_nav_entry(entry)


register_kernel_entries()


@dataclass(frozen=True)
class MenuItem:
    name: str
    label: str
    url: str
    active: bool = False


@dataclass(frozen=True)
class Menu:
    main: tuple[MenuItem, ...] = ()
    more: tuple[MenuItem, ...] = ()

    @property
    def more_active(self) -> bool:
        return any(item.active for item in self.more)

    def names(self) -> list[str]:
        return [item.name for item in (*self.main, *self.more)]


def _placement(entry: NavEntry, user, roles: set[str]) -> str | None:
    """"main", "more" or None (not shown) for this user."""
    if user.is_superuser:
        return "more" if entry.more and not entry.roles and not entry.everyone else "main"
    if entry.everyone or roles & entry.roles:
        return "main"
    if entry.permission is not None and can(user, *entry.permission):
        return "main"
    if roles & entry.more:
        return "more"
    return None


def _label(entry: NavEntry, roles: set[str]) -> str:
    words = dict(entry.labels)
    for role in ROLE_PRIORITY:
        if role in roles and role in words:
            return str(words[role])
    return str(entry.label)


def _match(entry: NavEntry, view_name: str) -> int:
    """How specifically ``view_name`` matches one of the entry's patterns (0: not at all)."""
    best = 0
    for pattern in entry.active:
        if pattern == view_name:
            best = max(best, 1000 + len(pattern))
        elif pattern.endswith("*") and view_name.startswith(pattern[:-1]):
            best = max(best, len(pattern))
    return best


def menu_for(user, view_name: str = "") -> Menu:
    """The menu of ``user`` on the page ``view_name``: the entries their roles see, in their words, in order
    (an entry in ``first_for`` of one of their roles leads); no query beyond the user's grants."""
    if user is None or not user.is_authenticated:
        return Menu()
    roles = grants_for(user).roles()
    placed: list[tuple[tuple, str, NavEntry, str]] = []
    for entry in nav_entries():
        where = _placement(entry, user, roles)
        if where is None:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:  # an app that is not installed
            continue
        lead = 0 if roles & entry.first_for else 1
        placed.append(((lead, entry.order), where, entry, url + (f"?{entry.query}" if entry.query else "")))
    placed.sort(key=lambda row: row[0])
    scores = {entry.name: _match(entry, view_name) for _key, _where, entry, _url in placed}
    top = max(scores.values(), default=0)
    current = next((name for name in scores if top and scores[name] == top), None)
    main, more = [], []
    for _key, where, entry, url in placed:
        item = MenuItem(entry.name, _label(entry, roles), url, active=entry.name == current)
        (main if where == "main" else more).append(item)
    return Menu(tuple(main), tuple(more))


# ---------------------------------------------------------------------------------------------- to-do list


def todo_for(user, today: dt.date | None = None) -> list[TodoItem]:
    """What waits for ``user``: every registered source's items with something to do (count above 0)."""
    from django.utils import timezone

    if user is None or not user.is_authenticated:
        return []
    today = today or timezone.localdate()
    found: list[TodoItem] = []
    for source in todo_sources():
        found.extend(item for item in source.items(user, today) if item.count)
    return found


def cached_todo_for(user) -> Figures:
    """``todo_for`` as the home page shows it: kept a minute per person, afresh after their own writes
    (``organizations.caching``); ``computed_at`` is when the counts were taken."""
    return person_figures(user, "todo", lambda: [replace(item, label=str(item.label)) for item in todo_for(user)])
