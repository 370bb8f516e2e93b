"""Reads of the reserve cadre pool: shortfall against the policy (2-3 per village), candidates from star ratings.

Bounded in queries whatever the scale: the villages in scope (one query), the pool counted per
village (one GROUP BY), the policy values (one query, resolved in memory per distinct division
chain, nearest ancestor wins — organizations.policies.PolicyBook).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from organizations.models import Division, Organization
from organizations.models.orgs import OrganizationCategory
from organizations.policies import ORGANIZATION_CHAIN_FIELDS, PolicyBook

from ..models import ReserveCadre, ReserveStatus, ReserveType

#: Organizations that keep a reserve pool: village and community Party organizations.
POOL_CATEGORIES = (OrganizationCategory.VILLAGE, OrganizationCategory.COMMUNITY)
#: Policy keys the shortfall uses (shown with each row).
SHORTFALL_POLICY_KEYS = ["reserve_cadres_min", "reserve_cadres_max"]

#: Flags a village row may carry (filter values of the shortfall page and API).
SHORT, ABOVE_MAX, NO_STUDENT = "short", "above_max", "no_student"


@dataclass
class VillageRow:
    organization_id: int
    name: str
    county_id: int | None
    county: str
    township_id: int | None
    township: str
    in_pool: int
    students: int
    minimum: int
    maximum: int

    @property
    def missing(self) -> int:
        return max(0, self.minimum - self.in_pool)

    @property
    def is_short(self) -> bool:
        return self.in_pool < self.minimum

    @property
    def is_above_max(self) -> bool:
        return self.in_pool > self.maximum

    @property
    def has_no_student(self) -> bool:
        return self.students == 0

    def flags(self) -> list[str]:
        return [flag for flag, on in ((SHORT, self.is_short), (ABOVE_MAX, self.is_above_max),
                                      (NO_STUDENT, self.has_no_student)) if on]

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(missing=self.missing, short=self.is_short, above_max=self.is_above_max,
                    no_student=self.has_no_student)
        return data


@dataclass
class Tally:
    """Counts of one township, county or the whole scope."""

    id: int | None = None
    name: str = ""
    county_id: int | None = None
    county: str = ""
    villages: int = 0
    pool_size: int = 0
    short: int = 0
    missing: int = 0
    above_max: int = 0
    no_student: int = 0
    ids: list[int] = field(default_factory=list, repr=False)

    def add(self, row: VillageRow) -> None:
        self.villages += 1
        self.pool_size += row.in_pool
        self.short += row.is_short
        self.missing += row.missing
        self.above_max += row.is_above_max
        self.no_student += row.has_no_student

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("ids")
        return data


def _division_id(value) -> int | None:
    if value is None or value == "":
        return None
    return value.pk if isinstance(value, Division) else int(value)


def pool_organizations(user, *, county=None, township=None, counties=None):
    """Village and community organizations in the user's scope (active ones; ``counties``: only in these
    counties, by id)."""
    queryset = Organization.objects.visible_to(user).filter(category__in=POOL_CATEGORIES, is_active=True)
    if (county_id := _division_id(county)) is not None:
        queryset = queryset.filter(county_id=county_id)
    if counties is not None:
        queryset = queryset.filter(county_id__in=list(counties))
    if (township_id := _division_id(township)) is not None:
        queryset = queryset.filter(township_id=township_id)
    return queryset


def village_rows(user, *, county=None, township=None, organizations=None) -> list[VillageRow]:
    """Every village/community organization in scope with its in-pool count, students and policy (3 queries)."""
    if organizations is None:
        organizations = pool_organizations(user, county=county, township=township)
    orgs = list(organizations.order_by("county__code", "township__code", "division__code", "name").values(
        "id", "name", "county_id", "county__name", "township_id", "township__name", *ORGANIZATION_CHAIN_FIELDS))
    counts = {
        row["organization_id"]: row
        for row in ReserveCadre.objects.visible_to(user).filter(
            status=ReserveStatus.IN_POOL, organization_id__in=organizations.values("id"),
        ).values("organization_id").annotate(
            n=Count("id"), students=Count("id", filter=Q(reserve_type=ReserveType.STUDENT_OFFICIAL)))
    }
    book = PolicyBook(SHORTFALL_POLICY_KEYS)
    by_chain: dict[tuple, dict] = {}
    rows = []
    for org in orgs:
        chain = tuple(org[name] for name in ORGANIZATION_CHAIN_FIELDS)
        policy = by_chain.get(chain)
        if policy is None:
            policy = by_chain[chain] = book.for_chain(chain)
        count = counts.get(org["id"], {})
        rows.append(VillageRow(
            organization_id=org["id"], name=org["name"], county_id=org["county_id"],
            county=org["county__name"] or "", township_id=org["township_id"], township=org["township__name"] or "",
            in_pool=count.get("n", 0), students=count.get("students", 0),
            minimum=int(policy["reserve_cadres_min"]), maximum=int(policy["reserve_cadres_max"]),
        ))
    return rows


def filter_rows(rows: list[VillageRow], flag: str | None) -> list[VillageRow]:
    if flag == SHORT:
        return [r for r in rows if r.is_short]
    if flag == ABOVE_MAX:
        return [r for r in rows if r.is_above_max]
    if flag == NO_STUDENT:
        return [r for r in rows if r.has_no_student]
    return rows


def tally(rows: list[VillageRow]) -> tuple[Tally, list[Tally], list[Tally]]:
    """Totals, per county and per township, in the order of ``rows``."""
    total = Tally(name="")
    counties: dict[int | None, Tally] = {}
    townships: dict[int | None, Tally] = {}
    for row in rows:
        total.add(row)
        counties.setdefault(row.county_id, Tally(id=row.county_id, name=row.county)).add(row)
        townships.setdefault(row.township_id, Tally(id=row.township_id, name=row.township,
                                                     county_id=row.county_id, county=row.county)).add(row)
    return total, list(counties.values()), list(townships.values())


def shortfall_summary(user, *, county=None) -> dict:
    """The dashboard's reserve-pool figures: totals and one row per county and township (3 queries).

    ``{"totals": {villages, pool_size, short, missing, above_max, no_student},
       "counties": [{id, name, ...same counts}], "townships": [{id, name, county_id, county, ...}]}``
    ``short``: villages whose in-pool count is below the policy minimum; ``no_student``: villages whose
    pool has no university-student village official; ``missing``: reserve cadres needed to reach the minima.
    """
    total, counties, townships = tally(village_rows(user, county=county))
    totals = {key: value for key, value in total.as_dict().items() if key not in ("id", "name", "county_id", "county")}
    return {"totals": totals | {"without_student": total.no_student},
            "counties": [c.as_dict() for c in counties],
            "townships": [t.as_dict() for t in townships]}


def shortfall_totals(user, *, county=None, counties=None) -> dict:
    """``shortfall_summary(...)["totals"]`` in SQL: the villages in scope grouped by their in-pool and student
    counts and by the divisions whose policy applies (a handful of rows whatever the number of villages),
    then the rule (``VillageRow``) per group. Two queries."""
    in_pool = ReserveCadre.objects.visible_to(user).filter(
        status=ReserveStatus.IN_POOL, organization_id=OuterRef("pk")).order_by().values("organization_id")
    book = PolicyBook(SHORTFALL_POLICY_KEYS)
    chain = book.chain_expressions()
    groups = pool_organizations(user, county=county, counties=counties).order_by().annotate(
        in_pool=Coalesce(Subquery(in_pool.annotate(n=Count("id")).values("n")), 0),
        students=Coalesce(Subquery(in_pool.filter(reserve_type=ReserveType.STUDENT_OFFICIAL).annotate(
            n=Count("id")).values("n")), 0),
        **chain).values("in_pool", "students", *chain).annotate(villages=Count("pk"))
    total = Tally()
    for group in groups:
        policy = book.for_chain([group[name] for name in chain])
        row = VillageRow(organization_id=0, name="", county_id=None, county="", township_id=None, township="",
                         in_pool=group["in_pool"], students=group["students"],
                         minimum=int(policy["reserve_cadres_min"]), maximum=int(policy["reserve_cadres_max"]))
        n = group["villages"]
        total.villages += n
        total.pool_size += row.in_pool * n
        total.short += row.is_short * n
        total.missing += row.missing * n
        total.above_max += row.is_above_max * n
        total.no_student += row.has_no_student * n
    totals = {key: value for key, value in total.as_dict().items() if key not in ("id", "name", "county_id", "county")}
    return totals | {"without_student": total.no_student}


# ------------------------------------------------------------------------------------------ candidates

#: Members with a final year-end rating of this many stars or more may be proposed for the pool.
CANDIDATE_MIN_STARS = 9


def star_candidates(user, *, year: int | None = None, county=None, township=None, organization=None):
    """Party members in scope rated 9 stars or more (final year-end assessment) and not in the pool.

    Returns MemberAssessment rows (one per member and year, newest first) with ``member`` and
    ``organization`` loaded: one query.
    """
    from evaluations.models.members import AssessmentKind, AssessmentStatus, MemberAssessment

    in_pool = ReserveCadre.objects.filter(
        source_member_id=OuterRef("member_id"),
        status__in=[ReserveStatus.IN_POOL, ReserveStatus.ENTERED_COMMITTEE])
    queryset = MemberAssessment.objects.visible_to(user).filter(
        kind=AssessmentKind.YEAR_END, status=AssessmentStatus.FINAL, final_stars__gte=CANDIDATE_MIN_STARS,
        member__is_active=True, organization__category__in=POOL_CATEGORIES,
    ).exclude(Exists(in_pool))
    if year:
        queryset = queryset.filter(year=year)
    if (county_id := _division_id(county)) is not None:
        queryset = queryset.filter(county_id=county_id)
    if (township_id := _division_id(township)) is not None:
        queryset = queryset.filter(township_id=township_id)
    if organization is not None:
        queryset = queryset.filter(organization=organization)
    return queryset.select_related("member", "organization", "township").order_by(
        "-year", "township__code", "organization__name", "member__name")
