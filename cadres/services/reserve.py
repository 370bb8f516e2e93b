"""Writes of the reserve cadre pool: add, edit, status changes (entered two committees, left), yearly reviews.

Every write checks the role table ("reserve"/"change") on the organization the entry belongs to and
records its author in the audit trail.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization
from organizations.policies import PolicyBook
from organizations.services.common import by, require

from ..identity import normalise_id_number
from ..models import ReserveCadre, ReserveReview, ReserveStatus
from ..selectors.reserve import POOL_CATEGORIES

#: Fields a caller may set on a reserve cadre (the organization and status have their own paths).
EDITABLE_FIELDS = (
    "name", "sex", "ethnicity", "birth_date", "id_number", "phone", "education", "political_status",
    "joined_party_on", "reserve_type", "track", "current_post", "mentor", "joined_on", "measures", "note",
    "source_member",
)


def place_in(reserve, organization: Organization) -> None:
    """Set the organization of a row and copy its county and township."""
    reserve.organization = organization
    reserve.county_id = organization.county_id
    reserve.township_id = organization.township_id


def _check_organization(organization: Organization) -> None:
    if organization.category not in POOL_CATEGORIES:
        raise ValidationError({"organization": _("Reserve cadres are kept by village and community organizations.")})


def _check_duplicate(reserve: ReserveCadre) -> None:
    if reserve.id_number and reserve.status == ReserveStatus.IN_POOL and ReserveCadre.objects.filter(
            organization_id=reserve.organization_id, id_number=reserve.id_number,
            status=ReserveStatus.IN_POOL).exclude(pk=reserve.pk).exists():
        raise ValidationError({"id_number": _("This person is already in this village's reserve pool.")})


#: The policy keys of the pool's age rule (domain practice §3e, S32: age 45 or under).
AGE_POLICY_KEYS = ["reserve_max_age", "reserve_age_exempt_stars"]
#: Fields whose change makes the age rule be checked again on an edit.
AGE_FIELDS = ("birth_date", "id_number", "joined_on", "source_member", "source_member_id")


def age_on(birth_date: dt.date, on: dt.date) -> int:
    """Full years of age on ``on``."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def age_refusal(*, birth_date: dt.date | None, on: dt.date, max_age: int, exempt_stars: int) -> str | None:
    """Why a person born on ``birth_date`` may not join a reserve pool on ``on`` (None: they may)."""
    if birth_date is None:
        return None
    age = age_on(birth_date, on)
    if age > int(max_age):
        return _("%(age)s years old on %(date)s: the reserve pool takes people aged %(max)s or under, unless they "
                 "come from a member rating of %(stars)s stars or more.") % {
            "age": age, "date": on.isoformat(), "max": max_age, "stars": exempt_stars}
    return None


def _has_high_stars(member_id: int | None, stars: int) -> bool:
    """Has the Party member a final year-end rating of ``stars`` or more (seed 004: 9+ may enter the pool)?"""
    if not member_id:
        return False
    from evaluations.models.members import AssessmentKind, AssessmentStatus, MemberAssessment

    return MemberAssessment.objects.filter(member_id=member_id, kind=AssessmentKind.YEAR_END,
                                           status=AssessmentStatus.FINAL, final_stars__gte=stars).exists()


def _check_age(reserve: ReserveCadre) -> None:
    """The age rule (a policy of the village's area), waived for members rated at the exempt stars or more."""
    if reserve.status != ReserveStatus.IN_POOL:
        return
    values = PolicyBook(AGE_POLICY_KEYS).for_organization(reserve.organization)
    refusal = age_refusal(birth_date=reserve.birth_date, on=reserve.joined_on or timezone.localdate(),
                          max_age=values["reserve_max_age"], exempt_stars=values["reserve_age_exempt_stars"])
    if refusal and not _has_high_stars(reserve.source_member_id, int(values["reserve_age_exempt_stars"])):
        raise ValidationError({"birth_date": refusal})


def _save(reserve: ReserveCadre, user, *, check_age: bool = False) -> ReserveCadre:
    reserve.full_clean(exclude=["organization", "county", "township"])
    if check_age:
        _check_age(reserve)
    _check_duplicate(reserve)
    try:
        with transaction.atomic():
            by(reserve, user).save()
    except IntegrityError as exc:  # a concurrent add of the same person
        raise ValidationError({"id_number": _("This person is already in this village's reserve pool.")}) from exc
    return reserve


@transaction.atomic
def reserve_add(*, user, organization: Organization, **fields: Any) -> ReserveCadre:
    """Add a person to a village's reserve pool (the ID number is required, as in the import)."""
    require(user, "reserve", "change", organization)
    _check_organization(organization)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown reserve fields: {sorted(unknown)}")
    if not normalise_id_number(fields.get("id_number") or ""):
        raise ValidationError({"id_number": _("The ID number is missing.")})
    fields.setdefault("joined_on", timezone.localdate())
    reserve = ReserveCadre(**fields)
    place_in(reserve, organization)
    return _save(reserve, user, check_age=True)


@transaction.atomic
def reserve_update(*, user, reserve: ReserveCadre, organization: Organization | None = None,
                   **fields: Any) -> ReserveCadre:
    """Change a reserve cadre's data (or move the entry to another village the user may change)."""
    require(user, "reserve", "change", reserve)
    reserve = ReserveCadre.objects.select_for_update().get(pk=reserve.pk)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown reserve fields: {sorted(unknown)}")
    if organization is not None and organization.pk != reserve.organization_id:
        require(user, "reserve", "change", organization)
        _check_organization(organization)
        place_in(reserve, organization)
    for name, value in fields.items():
        setattr(reserve, name, value)
    return _save(reserve, user, check_age=bool(set(fields) & set(AGE_FIELDS)))


@transaction.atomic
def reserve_set_status(*, user, reserve: ReserveCadre, status: str, on: dt.date | None = None, note: str = "",
                       roster_post: str = "") -> ReserveCadre:
    """Record that a reserve cadre entered the two committees or left the pool (or returns to it).

    With ``roster_post`` (entering the two committees), the person is also added to the village's
    cadre roster in that post, when the roster service is available.
    """
    require(user, "reserve", "change", reserve)
    reserve = ReserveCadre.objects.select_for_update().select_related("organization").get(pk=reserve.pk)
    if status not in ReserveStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == reserve.status:
        raise ValidationError({"status": _("The reserve cadre already has this status.")})
    on = on or timezone.localdate()
    if on < reserve.joined_on:
        raise ValidationError({"on": _("The date is before the person joined the pool.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date is in the future.")})
    reserve.status = status
    reserve.status_changed_on = None if status == ReserveStatus.IN_POOL else on
    if note:
        reserve.note = note[:200]
    _save(reserve, user)
    if status == ReserveStatus.ENTERED_COMMITTEE and roster_post:
        _add_to_roster(user, reserve, roster_post, on)
    return reserve


def _add_to_roster(user, reserve: ReserveCadre, post: str, on: dt.date) -> None:
    try:
        from .roster import cadre_add
    except ImportError:  # the roster service is not there: the status change stands alone
        return
    from organizations.permissions import can

    if not can(user, "cadre", "change", reserve.organization):
        raise ValidationError({"roster_post": _("Your role may not change the cadre roster; the township adds "
                                                "the post there.")})
    person = {name: getattr(reserve, name) for name in (
        "name", "sex", "ethnicity", "birth_date", "id_number", "phone", "education", "political_status",
        "joined_party_on")}
    cadre_add(user=user, organization=reserve.organization, post=post, post_started_on=on, **person)


@transaction.atomic
def reserve_review_save(*, user, reserve: ReserveCadre, year: int, result: str, comment: str = "") -> ReserveReview:
    """Record (or correct) the yearly review of a reserve cadre."""
    require(user, "reserve", "change", reserve)
    if year > timezone.localdate().year or year < reserve.joined_on.year:
        raise ValidationError({"year": _("The year must be between joining the pool and this year.")})
    review = ReserveReview.objects.filter(reserve=reserve, year=year).first() or ReserveReview(
        reserve=reserve, year=year)
    review.copy_scope_from(reserve)
    review.result = result
    review.comment = comment
    review.full_clean(exclude=["organization", "county", "township", "reserve"])
    by(review, user).save()
    return review


def prefill_from_member(member) -> dict:
    """Initial form data of a reserve cadre proposed from a Party member's star rating."""
    from ..models import PoliticalStatus

    return {"organization": member.organization_id, "name": member.name, "sex": member.sex,
            "birth_date": member.birth_date, "joined_party_on": member.joined_party_on,
            "political_status": PoliticalStatus.MEMBER, "source_member": member.pk,
            "joined_on": timezone.localdate()}
