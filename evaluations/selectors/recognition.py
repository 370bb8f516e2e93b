"""Reads of recognition: what a user sees (always from ``visible_to``), what the public sees (published only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from organizations.models import Division
from organizations.personal_data import mask_free_text
from organizations.roles import Level

from ..models import (
    Commendation,
    CommendationList,
    CommendationListStatus,
    Exemplar,
    ExemplarStatus,
    MemberPlaque,
    PartyMember,
)


def exemplars_visible(user):
    return Exemplar.objects.visible_to(user).select_related("organization", "township")


def with_counts(queryset):
    """Commendation lists with their numbers of candidates and of members commended."""
    return queryset.select_related("division").annotate(
        commended=Count("entries", filter=Q(entries__included=True)), candidates=Count("entries"))


def commendation_lists_visible(user):
    return with_counts(CommendationList.objects.visible_to(user))


def commendation_entries(user, commendations: CommendationList):
    """The rows of a list the user may see (a township sees its own villages' rows of a county list)."""
    return (Commendation.objects.visible_to(user).filter(commendation_list=commendations)
            .select_related("member", "organization", "township"))


def plaques_visible(user):
    return MemberPlaque.objects.visible_to(user).select_related("member", "organization", "township")


def members_without_plaque(organization):
    """Active members of ``organization`` whose household has no hung plaque (the hang form's choices)."""
    hung = MemberPlaque.objects.filter(organization=organization, removed_on__isnull=True).values("member_id")
    return PartyMember.objects.filter(organization=organization, is_active=True).exclude(pk__in=hung).order_by("name")


# ---------------------------------------------------------------------------------------- the public


@dataclass(frozen=True)
class PublicExemplar:
    kind: str
    year: int
    title: str
    subject: str
    organization: str
    township: str
    summary: str
    published_on: object


@dataclass(frozen=True)
class PublicCommendation:
    name: str
    organization: str


@dataclass(frozen=True)
class PublicList:
    title: str
    area: str
    year: int
    occasion: str
    honour: str
    decided_on: object
    decision_number: str
    names: tuple


def public_county(code: str) -> Division | None:
    """The county of a public recognition page, by its 12-digit division code (None when there is none)."""
    if not (code.isascii() and code.isdigit() and len(code) == 12):
        return None
    return Division.objects.filter(code=code, level=Level.COUNTY).first()


def public_recognition(county: Division) -> dict:
    """What the county's public page shows: published advanced models and experiences (names only, free text
    masked) and the decided commendation lists (names and organizations only). Nothing else leaves."""
    exemplars = [
        PublicExemplar(kind=e.get_kind_display(), year=e.year, title=e.title, subject=e.subject,
                       organization=e.organization.name, township=e.township.name if e.township else "",
                       summary=mask_free_text(e.summary),
                       published_on=e.published_at.date() if e.published_at else None)
        for e in Exemplar.objects.filter(county=county, status=ExemplarStatus.PUBLISHED)
        .select_related("organization", "township").order_by("-published_at", "-pk")]
    lists = []
    decided = (CommendationList.objects.filter(Q(division=county) | Q(division__county=county),
                                               status=CommendationListStatus.DECIDED)
               .select_related("division").order_by("-year", "occasion", "division__code"))
    entries: dict[int, list] = {}
    for entry in (Commendation.objects.filter(commendation_list__in=decided, included=True)
                  .select_related("member", "organization").order_by("organization__division__code", "member__name")):
        entries.setdefault(entry.commendation_list_id, []).append(
            PublicCommendation(name=entry.member.name, organization=entry.organization.name))
    for item in decided:
        lists.append(PublicList(title=str(item), area=item.division.name, year=item.year,
                                occasion=item.get_occasion_display(), honour=item.honour,
                                decided_on=item.decided_on, decision_number=item.decision_number,
                                names=tuple(entries.get(item.pk, ()))))
    return {"county": county, "exemplars": exemplars, "lists": lists}


# ------------------------------------------------------------------------------------------ to-do list


def todo_items(user, today) -> list:
    """Items submitted to the county awaiting approval (the county) and proposed commendation lists awaiting a
    decision (township and county): each the row count of the list page's own filter."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from organizations.permissions import can
    from organizations.registry import TodoItem

    items = []
    if can(user, "exemplar", "approve"):
        items.append(TodoItem(
            "exemplars_to_approve", _("Advanced models and experiences awaiting the county's approval"),
            Exemplar.objects.visible_to(user).filter(status=ExemplarStatus.SUBMITTED).count(),
            f"{reverse('evaluations:exemplar-list')}?status={ExemplarStatus.SUBMITTED}"))
    if can(user, "commendation", "decide"):
        items.append(TodoItem(
            "commendations_to_decide", _("Commendation lists awaiting a decision"),
            CommendationList.objects.visible_to(user).filter(status=CommendationListStatus.PROPOSED).count(),
            f"{reverse('evaluations:commendation-list')}?status={CommendationListStatus.PROPOSED}"))
    return items
