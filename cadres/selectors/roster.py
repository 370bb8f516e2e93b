"""Reads of the cadre roster that need the user: the scoped list, an organization's two committees, flags."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When

from organizations.models import Organization
from organizations.models.orgs import OrganizationCategory

from ..models import SECRETARY_POSTS, Cadre, Post

#: Display order of the posts in a roster (secretary first).
POST_ORDER = [Post.SECRETARY_DIRECTOR, Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.DIRECTOR, Post.COMMITTEE_MEMBER,
              Post.FIRST_SECRETARY, Post.STUDENT_OFFICIAL, Post.TOWNSHIP_ORGANIZER]
#: Organizations that have two committees (村"两委"): villages and communities.
VILLAGE_CATEGORIES = (OrganizationCategory.VILLAGE, OrganizationCategory.COMMUNITY)


def post_rank():
    return Case(*[When(post=p, then=Value(i)) for i, p in enumerate(POST_ORDER)], default=Value(99),
                output_field=IntegerField())


def cadre_queryset(user):
    """The cadres the user may see, with what a list row shows (no query per row)."""
    return (Cadre.objects.visible_to(user)
            .select_related("organization", "township")
            .annotate(post_rank=post_rank()))


def roster_list(user):
    """The list page order: by township, organization, post, name."""
    return cadre_queryset(user).order_by("township__code", "organization__division__code", "organization__name",
                                         "post_rank", "name", "pk")


@dataclass
class OrganizationRoster:
    organization: Organization
    current: list[Cadre] = field(default_factory=list)
    former: list[Cadre] = field(default_factory=list)

    @property
    def secretary(self) -> Cadre | None:
        return next((c for c in self.current if c.post in SECRETARY_POSTS), None)

    @property
    def director(self) -> Cadre | None:
        return next((c for c in self.current if c.post in (Post.DIRECTOR, Post.SECRETARY_DIRECTOR)), None)

    @property
    def no_secretary(self) -> bool:
        return self.secretary is None

    @property
    def combined(self) -> bool:
        """一肩挑: the Party secretary is also the villagers' committee director."""
        secretary = self.secretary
        return secretary is not None and secretary.post == Post.SECRETARY_DIRECTOR

    @property
    def two_committees(self) -> list[Cadre]:
        return [c for c in self.current if c.post in (Post.SECRETARY_DIRECTOR, Post.SECRETARY,
                                                        Post.DEPUTY_SECRETARY, Post.DIRECTOR,
                                                        Post.COMMITTEE_MEMBER)]

    @property
    def others(self) -> list[Cadre]:
        members = {c.pk for c in self.two_committees}
        return [c for c in self.current if c.pk not in members]


def organization_roster(user, organization: Organization) -> OrganizationRoster:
    """The organization's current two committees (and other posts) and its former holders: one query."""
    rows = list(cadre_queryset(user).filter(organization=organization).order_by("post_rank", "name", "pk"))
    roster = OrganizationRoster(organization=organization)
    for cadre in rows:
        (roster.current if cadre.is_current else roster.former).append(cadre)
    roster.former.sort(key=lambda c: c.post_ended_on, reverse=True)
    return roster


def organizations_without_secretary(user, queryset=None):
    """Village and community organizations in scope with no current Party secretary (one query)."""
    queryset = queryset if queryset is not None else Organization.objects.visible_to(user)
    has_secretary = Cadre.objects.filter(organization=OuterRef("pk"), post__in=SECRETARY_POSTS,
                                         post_ended_on__isnull=True)
    return (queryset.filter(category__in=VILLAGE_CATEGORIES, is_active=True)
            .annotate(has_secretary=Exists(has_secretary)).filter(has_secretary=False)
            .select_related("township").order_by("division__code"))


def roster_counts(user) -> dict[str, int]:
    """Headline numbers of the roster page: current cadres, 一肩挑 secretaries, villages without a secretary."""
    current = Cadre.objects.visible_to(user).filter(post_ended_on__isnull=True)
    return {
        "current": current.count(),
        "combined": current.filter(post=Post.SECRETARY_DIRECTOR).count(),
        "no_secretary": organizations_without_secretary(user).count(),
    }
