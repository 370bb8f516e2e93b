"""Reads of training: village Party secretaries not yet trained the policy's number of times this year.

The current village Party secretaries (posts in SECRETARY_POSTS, still in post) of village and
community organizations in scope, each with the number of trainings completed in the year (one
annotated query), compared in memory with ``secretary_trainings_per_year`` resolved per distinct
division chain (one policy query).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, Q

from organizations.models import Division
from organizations.policies import ORGANIZATION_CHAIN_FIELDS, PolicyBook

from ..models import SECRETARY_POSTS, Cadre, TrainingAttendance, TrainingEvent
from .reserve import POOL_CATEGORIES

TRAINING_POLICY_KEYS = ["secretary_trainings_per_year"]


def _division_id(value) -> int | None:
    if value is None or value == "":
        return None
    return value.pk if isinstance(value, Division) else int(value)


def current_secretaries(user, *, county=None, township=None):
    """Current village Party secretaries in the user's scope (village and community organizations)."""
    queryset = Cadre.objects.visible_to(user).filter(
        post__in=SECRETARY_POSTS, post_ended_on__isnull=True, organization__category__in=POOL_CATEGORIES,
        organization__is_active=True)
    if (county_id := _division_id(county)) is not None:
        queryset = queryset.filter(county_id=county_id)
    if (township_id := _division_id(township)) is not None:
        queryset = queryset.filter(township_id=township_id)
    return queryset


@dataclass
class SecretaryRow:
    cadre_id: int
    name: str
    post: str
    organization_id: int
    organization: str
    county_id: int | None
    county: str
    township_id: int | None
    township: str
    trainings: int
    required: int

    @property
    def is_untrained(self) -> bool:
        return self.trainings < self.required

    def as_dict(self) -> dict:
        return asdict(self) | {"untrained": self.is_untrained}


def secretary_rows(user, year: int, *, county=None, township=None) -> list[SecretaryRow]:
    """Every current village secretary in scope with trainings completed in ``year`` (2 queries)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    in_year = Q(trainings__passed=True, trainings__event__held_on__gte=start, trainings__event__held_on__lte=end)
    chain_fields = [f"organization__{name}" for name in ORGANIZATION_CHAIN_FIELDS]
    rows = current_secretaries(user, county=county, township=township).annotate(
        done=Count("trainings", filter=in_year)).order_by(
        "county__code", "township__code", "organization__division__code", "organization__name", "name").values(
        "id", "name", "post", "organization_id", "organization__name", "county_id", "county__name",
        "township_id", "township__name", "done", *chain_fields)
    book = PolicyBook(TRAINING_POLICY_KEYS)
    by_chain: dict[tuple, int] = {}
    result = []
    for row in rows:
        chain = tuple(row[name] for name in chain_fields)
        if chain not in by_chain:
            by_chain[chain] = int(book.for_chain(chain)["secretary_trainings_per_year"])
        result.append(SecretaryRow(
            cadre_id=row["id"], name=row["name"], post=row["post"], organization_id=row["organization_id"],
            organization=row["organization__name"], county_id=row["county_id"], county=row["county__name"] or "",
            township_id=row["township_id"], township=row["township__name"] or "", trainings=row["done"],
            required=by_chain[chain]))
    return result


def matches(row: SecretaryRow, query: str) -> bool:
    """The search of the untrained lists: the secretary's or the organization's name contains ``query``."""
    return not query or query in row.name or query in row.organization


def pick_untrained(rows: list[SecretaryRow], *, query: str = "", everyone: bool = False) -> list[SecretaryRow]:
    """THE untrained-secretaries rule applied to computed rows: trained fewer times than the policy asks
    (``everyone``: trained or not), matching ``query``."""
    return [row for row in rows if (everyone or row.is_untrained) and matches(row, query)]


def untrained_secretaries(user, year: int, *, county=None, township=None, query: str = "",
                          everyone: bool = False) -> list[SecretaryRow]:
    """Current village secretaries in scope trained fewer times in ``year`` than the policy asks.

    The one selector of the untrained page, its Excel export and the ``untrained-secretaries`` API.
    """
    return pick_untrained(secretary_rows(user, year, county=county, township=township), query=query,
                          everyone=everyone)


@dataclass
class UntrainedPage:
    """The untrained page: the listed rows and the counts per township of every secretary in the filter."""

    year: int
    rows: list[SecretaryRow]
    townships: list[dict]
    total: dict

    @classmethod
    def empty(cls, year: int) -> UntrainedPage:
        """Nothing listed (an invalid filter)."""
        return cls(year=year, rows=[], townships=[], total={"secretaries": 0, "untrained": 0})


def untrained_page(user, year: int, *, county=None, township=None, query: str = "") -> UntrainedPage:
    """``untrained_secretaries`` plus the secretaries and untrained counts per township (2 queries)."""
    rows = secretary_rows(user, year, county=county, township=township)
    counts: dict = {}
    for row in rows:
        entry = counts.setdefault(row.township_id, {"name": row.township, "county": row.county,
                                                    "secretaries": 0, "untrained": 0})
        entry["secretaries"] += 1
        entry["untrained"] += row.is_untrained
    return UntrainedPage(
        year=year, rows=pick_untrained(rows, query=query), townships=list(counts.values()),
        total={"secretaries": len(rows), "untrained": sum(1 for r in rows if r.is_untrained)})


def untrained_summary(user, year: int, *, county=None) -> dict:
    """The dashboard's training figures for ``year``: totals and one row per county and township (2 queries).

    ``{"year": 2026, "totals": {secretaries, trained, untrained},
       "counties": [{id, name, secretaries, trained, untrained}], "townships": [{id, name, county_id, county, ...}]}``
    """
    totals = {"secretaries": 0, "trained": 0, "untrained": 0}
    counties: dict[int | None, dict] = {}
    townships: dict[int | None, dict] = {}
    for row in secretary_rows(user, year, county=county):
        county_row = counties.setdefault(row.county_id, {"id": row.county_id, "name": row.county, "secretaries": 0,
                                                         "trained": 0, "untrained": 0})
        township_row = townships.setdefault(row.township_id, {
            "id": row.township_id, "name": row.township, "county_id": row.county_id, "county": row.county,
            "secretaries": 0, "trained": 0, "untrained": 0})
        for target in (totals, county_row, township_row):
            target["secretaries"] += 1
            target["untrained" if row.is_untrained else "trained"] += 1
    return {"year": year, "totals": totals, "counties": list(counties.values()),
            "townships": list(townships.values())}


def events_in_scope(user):
    """Trainings the user may see: kept by their county or township (or one above them)."""
    return TrainingEvent.objects.visible_to(user)


def attendance_counts(user, event_ids) -> dict[int, dict]:
    """Attendance and completions per event, of the attendees the user may see (one GROUP BY)."""
    return {row["event_id"]: row for row in TrainingAttendance.objects.visible_to(user).filter(
        event_id__in=list(event_ids)).values(
        "event_id").annotate(attended=Count("id"), completed=Count("id", filter=Q(passed=True)))}
