"""Reads of star management that need the user: every query starts from ``visible_to(user)``."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery

from organizations.models import Organization
from organizations.policies import PolicyBook

from ..models import (
    Aspect,
    AssessmentKind,
    AssessmentStatus,
    MemberAssessment,
    MemberCommitment,
    OrganizationRating,
    PartyMember,
    RatingStep,
)
from ..rules.star_rating import change_against, lagging_threshold, member_cap

#: Members with a final year-end rating of this many stars or more are reserve cadre candidates (seed 004).
RESERVE_CANDIDATE_STARS = 9


def ratings_queryset(user):
    return OrganizationRating.objects.visible_to(user).select_related(
        "organization", "organization__division", "township", "county")


@dataclass
class HistoryRow:
    rating: OrganizationRating
    change: int | None = None


def rating_history(user, organization) -> list[HistoryRow]:
    """The organization's ratings across years (newest first) with the change against the previous year."""
    ratings = list(ratings_queryset(user).filter(organization=organization).order_by("year"))
    rows = []
    previous = None
    for rating in ratings:
        stars = rating.stars if rating.step == RatingStep.APPROVED else None
        rows.append(HistoryRow(rating, change_against(previous, stars)))
        if stars is not None:
            previous = stars
    return list(reversed(rows))


def previous_stars(ratings) -> dict[tuple[int, int], int]:
    """(organization id, year) → approved stars of the year before, for a page or an export of ratings."""
    ratings = list(ratings)
    keys = {(r.organization_id, r.year - 1) for r in ratings}
    if not keys:
        return {}
    found = OrganizationRating.objects.filter(
        organization_id__in={k[0] for k in keys}, year__in={k[1] for k in keys}, step=RatingStep.APPROVED,
    ).values_list("organization_id", "year", "stars")
    return {(org, year + 1): stars for org, year, stars in found}


@dataclass
class ScreeningRow:
    organization: Organization
    rating: OrganizationRating
    below: int


def screening_candidates(user, *, county=None, township=None, query: str = "") -> list[ScreeningRow]:
    """Organizations whose latest approved rating is below their division's ``organization_star_screening_below``:
    candidates for next year's screening."""
    latest = OrganizationRating.objects.filter(organization=OuterRef("organization"),
                                               step=RatingStep.APPROVED).order_by("-year").values("year")[:1]
    ratings = ratings_queryset(user).filter(step=RatingStep.APPROVED, year=Subquery(latest)).select_related(
        "organization__division")
    if county is not None:
        ratings = ratings.filter(county=county)
    if township is not None:
        ratings = ratings.filter(township=township)
    if query:
        ratings = ratings.filter(organization__name__icontains=query)
    ratings = list(ratings.order_by("organization__division__code"))
    book = PolicyBook(["organization_star_screening_below"])
    below = {r.pk: int(book.value(r.organization.division, "organization_star_screening_below")) for r in ratings}
    return [ScreeningRow(r.organization, r, below[r.pk]) for r in ratings
            if r.stars is not None and r.stars < below[r.pk]]


# -------------------------------------------------------------------------------------------- members


@dataclass
class MemberRow:
    member: PartyMember
    cap: int
    commitment: MemberCommitment | None = None
    latest: MemberAssessment | None = None
    reserve_candidate: bool = False
    households: int = 0


def members_of(user, organization, *, year: int, policy) -> list[MemberRow]:
    """An organization's members with their cap, the year's commitment and their latest final stars."""
    from django.db.models import Count

    members = list(PartyMember.objects.visible_to(user).filter(organization=organization)
                   .annotate(household_count=Count("households")).order_by("-is_active", "name", "pk"))
    commitments = {c.member_id: c for c in MemberCommitment.objects.filter(organization=organization, year=year)}
    latest = {}
    for a in MemberAssessment.objects.filter(organization=organization, kind=AssessmentKind.YEAR_END,
                                             status=AssessmentStatus.FINAL).order_by("year"):
        latest[a.member_id] = a
    rows = []
    for m in members:
        final = latest.get(m.pk)
        rows.append(MemberRow(m, member_cap(policy, m.category), commitments.get(m.pk), final,
                              bool(final and final.final_stars is not None
                                   and final.final_stars >= RESERVE_CANDIDATE_STARS),
                              m.household_count))
    return rows


def with_latest_final(members) -> None:
    """Set ``latest`` (the newest final year-end assessment) and ``reserve_candidate`` on each member of a page."""
    members = list(members)
    latest = {}
    for a in MemberAssessment.objects.filter(member_id__in=[m.pk for m in members], kind=AssessmentKind.YEAR_END,
                                             status=AssessmentStatus.FINAL).order_by("year"):
        latest[a.member_id] = a
    for m in members:
        m.latest = latest.get(m.pk)
        m.reserve_candidate = bool(m.latest and m.latest.final_stars is not None
                                   and m.latest.final_stars >= RESERVE_CANDIDATE_STARS)


def member_commitments(member) -> list[MemberCommitment]:
    """A member's commitments, newest year first, each with ``goal_list``: (aspect label, stars) pairs."""
    commitments = list(MemberCommitment.objects.filter(member=member).order_by("-year"))
    for c in commitments:
        c.goal_list = [(label, (c.goals or {}).get(value, 0)) for value, label in Aspect.choices]
    return commitments


def commitment_board(user, organization, *, year: int) -> list[MemberCommitment]:
    """The commitments of an organization's members in ``year``, each with ``goal_list``: stars per aspect."""
    commitments = list(MemberCommitment.objects.visible_to(user).filter(
        organization=organization, year=year).select_related("member").order_by("member__name"))
    for c in commitments:
        c.goal_list = [(c.goals or {}).get(value, 0) for value in Aspect.values]
    return commitments


def is_reserve_candidate(member) -> bool:
    """Latest final year-end rating at 9 stars or more (the reserve-cadre pool offers such members)."""
    latest = MemberAssessment.objects.filter(member=member, kind=AssessmentKind.YEAR_END,
                                             status=AssessmentStatus.FINAL).order_by("-year").first()
    return bool(latest and latest.final_stars is not None and latest.final_stars >= RESERVE_CANDIDATE_STARS)


@dataclass
class SheetRow:
    index: int
    member: PartyMember
    assessment: MemberAssessment | None
    cap: int
    previous: int | None = None
    change: int | None = None
    lagging: bool = False
    aspects: list = field(default_factory=list)


def sheet_default_year(organization) -> int:
    """The year a rating sheet opens on: the latest year-end assessment's, else this year."""
    from django.utils import timezone

    latest = MemberAssessment.objects.filter(organization=organization, kind=AssessmentKind.YEAR_END).order_by(
        "-year").values_list("year", flat=True).first()
    return latest or timezone.localdate().year


def sheet_members(organization) -> list[PartyMember]:
    """The members a sheet's buttons act on: active and not exempt."""
    return list(PartyMember.objects.filter(organization=organization, is_active=True, exempt=False))


def sheet_rows(organization, *, year: int, kind: str, policy, members=None) -> list[SheetRow]:
    """One row per member (exempt members last): the assessment of ``year``/``kind`` and last year's final."""
    members = list(members if members is not None else PartyMember.objects.filter(
        organization=organization, is_active=True).order_by("exempt", "name", "pk"))
    ids = [m.pk for m in members]
    current = {a.member_id: a for a in MemberAssessment.objects.filter(member_id__in=ids, year=year, kind=kind)}
    before = dict(MemberAssessment.objects.filter(member_id__in=ids, year=year - 1, kind=AssessmentKind.YEAR_END,
                                                  status=AssessmentStatus.FINAL).values_list("member_id",
                                                                                             "final_stars"))
    rows = []
    for index, m in enumerate(members, start=1):
        a = current.get(m.pk)
        cap = a.star_cap if a else member_cap(policy, m.category)
        stars = a.final_stars if a and a.final_stars is not None else None
        rows.append(SheetRow(index, m, a, cap, before.get(m.pk), change_against(before.get(m.pk), stars),
                             aspects=[(a.aspect_stars or {}).get(x) if a else None for x in Aspect.values]))
    finals = [r.assessment.final_stars for r in rows if r.assessment and r.assessment.final_stars is not None
              and not r.member.exempt]
    threshold = lagging_threshold(finals)
    if threshold is not None:
        for r in rows:
            if r.assessment and r.assessment.final_stars is not None and not r.member.exempt:
                r.lagging = r.assessment.final_stars <= threshold
    return rows


def organizations_with_members(user, *, township=None, query: str = ""):
    """Organizations in scope that keep Party members in star management."""
    orgs = Organization.objects.visible_to(user).filter(
        pk__in=PartyMember.objects.visible_to(user).values("organization_id"))
    if township is not None:
        orgs = orgs.filter(township=township)
    if query:
        orgs = orgs.filter(name__icontains=query)
    return orgs.select_related("division", "township").order_by("division__code")
