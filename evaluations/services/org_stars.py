"""Organization star rating (五星管理): start, self-assessment, public appraisal, review, public notice, approval.

Each step is allowed only at its place in the order; the write rules are "rating": self_assess (the branch,
or the township/county for it), review (public appraisal, organization review: township/county), approve
(public notice and approval: township Party committee or county). The review stores the policy values it
used (grade → stars); the approval stores them again with the notice period.

Public notice: ``notice_end = notice_start + public_notice_days - 1`` (the start day is day one, so a 5-day
notice from 1 December runs to 5 December inclusive); approval is possible from the day after ``notice_end``.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.policies import effective_policy
from organizations.services.common import by, check_version, require

from ..models import Grade, OrganizationRating, RatingStep
from ..rules.star_rating import ORG_STAR_POLICY_KEYS, check_stars_for_grade, notice_end, notice_over

STEP_ORDER = [RatingStep.SELF_ASSESSMENT, RatingStep.PUBLIC_APPRAISAL, RatingStep.ORGANIZATION_REVIEW,
              RatingStep.PUBLIC_NOTICE, RatingStep.APPROVED]

#: action → (step it needs, permission action)
ACTIONS = {
    "self_assess": (RatingStep.SELF_ASSESSMENT, "self_assess"),
    "appraise": (RatingStep.PUBLIC_APPRAISAL, "review"),
    "review": (RatingStep.ORGANIZATION_REVIEW, "review"),
    "notice": (RatingStep.PUBLIC_NOTICE, "approve"),
    "approve": (RatingStep.PUBLIC_NOTICE, "approve"),
}


def _locked(rating: OrganizationRating, action: str, user, expected_version) -> OrganizationRating:
    rating = OrganizationRating.objects.select_for_update().select_related("organization__division").get(
        pk=rating.pk)
    step, permission = ACTIONS[action]
    require(user, "rating", permission, rating)
    if rating.step != step:
        raise ValidationError(_("This rating is at the step “%(current)s”; “%(wanted)s” is not possible now.") % {
            "current": RatingStep(rating.step).label, "wanted": RatingStep(step).label})
    check_version(rating, expected_version)
    return rating


def _grade(value: str, field: str) -> str:
    if value not in Grade.values:
        raise ValidationError({field: _("Choose a grade.")})
    return value


def _save(rating: OrganizationRating, user) -> OrganizationRating:
    rating.version += 1
    rating.full_clean(exclude=["organization", "county", "township", "designation", "approved_by"])
    by(rating, user).save()
    return rating


@transaction.atomic
def rating_start(*, user, organization, year: int, designation=None) -> OrganizationRating:
    """The organization's rating of ``year``, created at the self-assessment step when it has none."""
    existing = OrganizationRating.objects.filter(organization=organization, year=year).first()
    if existing is not None:
        return existing
    require(user, "rating", "review", organization)
    year = int(year)
    if not 2000 <= year <= timezone.localdate().year + 1:
        raise ValidationError({"year": _("Give a year between 2000 and next year.")})
    rating = OrganizationRating(organization=organization, county_id=organization.county_id,
                                township_id=organization.township_id, year=year, designation=designation)
    try:
        with transaction.atomic():
            by(rating, user).save()
    except IntegrityError:  # started concurrently: the other one wins
        return OrganizationRating.objects.get(organization=organization, year=year)
    return rating


@transaction.atomic
def rating_self_assess(*, user, rating, grade: str, score=None, summary: str = "",
                       expected_version=None) -> OrganizationRating:
    rating = _locked(rating, "self_assess", user, expected_version)
    rating.self_grade = _grade(grade, "self_grade")
    rating.self_score = score
    rating.self_note = summary or ""
    rating.step = RatingStep.PUBLIC_APPRAISAL
    return _save(rating, user)


@transaction.atomic
def rating_appraise(*, user, rating, grade: str, score=None, notes: str = "",
                    expected_version=None) -> OrganizationRating:
    rating = _locked(rating, "appraise", user, expected_version)
    rating.public_grade = _grade(grade, "public_grade")
    rating.public_score = score
    rating.public_note = notes or ""
    rating.step = RatingStep.ORGANIZATION_REVIEW
    return _save(rating, user)


@transaction.atomic
def rating_review(*, user, rating, grade: str, stars=None, score=None, opinion: str = "",
                  expected_version=None) -> OrganizationRating:
    """The organization review: the grade and the stars the policy allows for it (stored with the policy)."""
    rating = _locked(rating, "review", user, expected_version)
    policy = effective_policy(rating.organization.division)
    rating.review_grade = _grade(grade, "review_grade")
    rating.stars = check_stars_for_grade(policy, rating.review_grade, stars)
    rating.review_score = score
    rating.review_note = opinion or ""
    rating.policy = policy.snapshot(ORG_STAR_POLICY_KEYS)
    rating.step = RatingStep.PUBLIC_NOTICE
    return _save(rating, user)


@transaction.atomic
def rating_publish_notice(*, user, rating, start: dt.date, expected_version=None) -> OrganizationRating:
    """Start the public notice on ``start`` for the policy's number of days."""
    rating = _locked(rating, "notice", user, expected_version)
    if start is None:
        raise ValidationError({"notice_start": _("Give the first day of the public notice.")})
    if rating.notice_start is not None:
        raise ValidationError(_("The result has been under public notice since %(start)s.") % {
            "start": date_format(rating.notice_start, "DATE_FORMAT")})
    days = int(effective_policy(rating.organization.division)["public_notice_days"])
    rating.notice_start = start
    rating.notice_end = notice_end(start, days)
    rating.policy = {**rating.policy, "public_notice_days": days}
    return _save(rating, user)


@transaction.atomic
def rating_approve(*, user, rating, today: dt.date | None = None, expected_version=None) -> OrganizationRating:
    """Approve the stars once the public notice is over (never during it)."""
    rating = _locked(rating, "approve", user, expected_version)
    today = today or timezone.localdate()
    if rating.notice_start is None:
        raise ValidationError(_("Publish the result for public notice before approving it."))
    if not notice_over(rating.notice_end, today):
        raise ValidationError(_("The public notice runs until %(end)s; the rating can be approved from the day "
                                "after.") % {"end": date_format(rating.notice_end, "DATE_FORMAT")})
    policy = effective_policy(rating.organization.division)
    # The review's values (grade → stars, notice days) stay; the approval adds any value missing.
    rating.policy = {**policy.snapshot(ORG_STAR_POLICY_KEYS), **rating.policy}
    rating.step = RatingStep.APPROVED
    rating.approved_by = user
    rating.approved_at = timezone.now()
    return _save(rating, user)


def rating_actions_allowed(user, rating, today: dt.date | None = None) -> list[str]:
    """The step actions ``user`` may take on ``rating`` now (pages show their forms, the API lists them):
    the action of the rating's step and the role for it; the notice is published once; approval waits
    for the end of the notice."""
    from organizations.permissions import can

    today = today or timezone.localdate()
    allowed = []
    for action, (step, permission) in ACTIONS.items():
        if rating.step != step or not can(user, "rating", permission, rating):
            continue
        if action == "notice" and rating.notice_start is not None:
            continue
        if action == "approve" and not notice_over(rating.notice_end, today):
            continue
        allowed.append(action)
    return allowed


def rating_act(*, user, rating, action: str, data: dict, today: dt.date | None = None):
    """Dispatch one step by name (pages and API): ``data`` holds the step's fields and ``version``."""
    version = data.get("version")
    if action == "self_assess":
        return rating_self_assess(user=user, rating=rating, grade=data.get("grade", ""), score=data.get("score"),
                                  summary=data.get("summary", ""), expected_version=version)
    if action == "appraise":
        return rating_appraise(user=user, rating=rating, grade=data.get("grade", ""), score=data.get("score"),
                               notes=data.get("notes", ""), expected_version=version)
    if action == "review":
        return rating_review(user=user, rating=rating, grade=data.get("grade", ""), stars=data.get("stars"),
                             score=data.get("score"), opinion=data.get("opinion", ""), expected_version=version)
    if action == "notice":
        return rating_publish_notice(user=user, rating=rating, start=data.get("start") or today
                                     or timezone.localdate(), expected_version=version)
    if action == "approve":
        return rating_approve(user=user, rating=rating, today=today, expected_version=version)
    raise ValidationError({"action": _("Unknown action.")})
