"""Party member star management (seed 004): members, "1+2" households, commitments, bulletins, assessments.

Write rules: "member" change (members, households, commitments, bulletins), assess (appraisals, branch
preliminary rating, public notice), finalize (the township's final rating, with the quotas checked).

A member's star cap comes from the policy and the member's category when the assessment is first made,
and stays frozen on it. Year-end ratings are finalised per organization and year, all or nothing; see
evaluations/rules/star_rating.py for the quota rounding (floor).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.policies import effective_policy
from organizations.services.common import by, require

from ..models import (
    Aspect,
    AssessmentKind,
    AssessmentStatus,
    ContactHousehold,
    MemberAssessment,
    MemberBulletin,
    MemberCategory,
    MemberCommitment,
    PartyMember,
)
from ..rules.star_rating import MEMBER_POLICY_KEYS, member_cap, notice_end, notice_over, quota_lines

MEMBER_FIELDS = ("name", "sex", "birth_date", "joined_party_on", "category", "exempt", "post_claimed", "is_active")
STAR_FIELDS = ("self_stars", "peer_stars", "public_stars", "preliminary_stars")


def _scope_from_org(obj, organization) -> None:
    obj.organization = organization
    obj.county_id = organization.county_id
    obj.township_id = organization.township_id


# ------------------------------------------------------------------------------------------- members


@transaction.atomic
def member_create(*, user, organization, **fields: Any) -> PartyMember:
    require(user, "member", "change", organization)
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown member fields: {sorted(unknown)}")
    member = PartyMember(**fields)
    _scope_from_org(member, organization)
    member.full_clean(exclude=["organization", "county", "township"])
    by(member, user).save()
    return member


@transaction.atomic
def member_update(*, user, member, **fields: Any) -> PartyMember:
    member = PartyMember.objects.select_for_update().get(pk=member.pk)
    require(user, "member", "change", member)
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown member fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean(exclude=["organization", "county", "township"])
    by(member, user).save()
    return member


@transaction.atomic
def household_add(*, user, member, head_name: str, address: str = "", since: dt.date | None = None,
                  note: str = "") -> ContactHousehold:
    require(user, "member", "change", member)
    if not (head_name or "").strip():
        raise ValidationError({"head_name": _("Give the head of household.")})
    household = ContactHousehold(member=member, head_name=head_name.strip(), address=address or "", since=since,
                                 note=note or "")
    household.copy_scope_from(member)
    household.full_clean(exclude=["organization", "county", "township", "member"])
    by(household, user).save()
    return household


@transaction.atomic
def household_remove(*, user, household) -> None:
    require(user, "member", "change", household)
    by(household, user).delete()


# --------------------------------------------------------------------------------------- commitments


def _clean_goals(goals: dict, cap: int) -> tuple[dict, int]:
    if goals is not None and not isinstance(goals, dict):  # e.g. "x" or a list sent to the API
        raise ValidationError({"goals": _("Star goals must be whole numbers.")})
    cleaned = {}
    for aspect in Aspect.values:
        raw = (goals or {}).get(aspect, 0)
        try:
            if isinstance(raw, bool | float) and not float(raw).is_integer():
                raise ValueError(raw)
            value = int(raw or 0)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ValidationError({"goals": _("Star goals must be whole numbers.")}) from exc
        if value < 0:
            raise ValidationError({"goals": _("Star goals cannot be negative.")})
        cleaned[aspect] = value
    unknown = set(goals or {}) - set(Aspect.values)
    if unknown:
        raise ValidationError({"goals": _("Unknown aspect: %(names)s.") % {"names": ", ".join(sorted(unknown))}})
    total = sum(cleaned.values())
    if total > cap:
        raise ValidationError({"goals": _("The star goals add up to %(total)s but this member's cap is %(cap)s "
                                          "stars.") % {"total": total, "cap": cap}})
    return cleaned, total


@transaction.atomic
def commitment_save(*, user, member, year: int, goals: dict, pledges: str = "", signed_on: dt.date | None = None,
                    published: bool | None = None) -> MemberCommitment:
    """The member's annual commitment: star goals per aspect summing to at most the member's cap."""
    require(user, "member", "change", member)
    cap = member_cap(effective_policy(member.organization.division), member.category)
    cleaned, total = _clean_goals(goals, cap)
    commitment = MemberCommitment.objects.select_for_update().filter(member=member, year=year).first()
    if commitment is None:
        commitment = MemberCommitment(member=member, year=int(year))
        commitment.copy_scope_from(member)
    commitment.goals = cleaned
    commitment.goal_stars = total
    commitment.pledges = pledges or ""
    commitment.signed_on = signed_on
    if published is not None:
        commitment.published = bool(published)
    by(commitment, user).save()
    return commitment


@transaction.atomic
def commitments_publish(*, user, organization, year: int) -> int:
    """List the year's signed commitments of an organization publicly (the commitment board)."""
    require(user, "member", "change", organization)
    rows = list(MemberCommitment.objects.select_for_update().filter(organization=organization, year=year,
                                                                    published=False))
    for commitment in rows:
        commitment.published = True
        by(commitment, user).save()
    return len(rows)


# ------------------------------------------------------------------------------------------ bulletins


@transaction.atomic
def bulletin_save(*, user, organization, year: int, quarter: int, held_on: dt.date, summary: str) -> MemberBulletin:
    require(user, "member", "change", organization)
    if int(quarter) not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("The quarter is 1 to 4.")})
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Write the bulletin.")})
    bulletin = MemberBulletin.objects.select_for_update().filter(organization=organization, year=year,
                                                                 quarter=quarter).first()
    if bulletin is None:
        bulletin = MemberBulletin(year=int(year), quarter=int(quarter), author=user)
        _scope_from_org(bulletin, organization)
    bulletin.held_on = held_on
    bulletin.summary = summary.strip()
    by(bulletin, user).save()
    return bulletin


# ---------------------------------------------------------------------------------------- assessments


def _validate_stars(assessment: MemberAssessment, values: dict) -> None:
    errors = {}
    for name, value in values.items():
        if value is None or value == "":
            continue
        if int(value) < 0 or int(value) > assessment.star_cap:
            errors[name] = _("%(name)s: at most %(cap)s stars (this member's cap).") % {
                "name": assessment.member.name, "cap": assessment.star_cap}
    if errors:
        raise ValidationError(errors)


def assessment_for(member, year: int, kind: str, policy=None) -> MemberAssessment:
    """The member's assessment (not saved when new); its cap is frozen from the policy and category now."""
    assessment = MemberAssessment.objects.filter(member=member, year=year, kind=kind).first()
    if assessment is None:
        policy = policy or effective_policy(member.organization.division)
        assessment = MemberAssessment(member=member, year=int(year), kind=kind,
                                      star_cap=member_cap(policy, member.category))
        assessment.copy_scope_from(member)
    return assessment


@transaction.atomic
def assessment_record(*, user, member, year: int, kind: str = AssessmentKind.YEAR_END,
                      aspect_stars: dict | None = None, score=None, note: str | None = None,
                      **stars: int | None) -> MemberAssessment:
    """Enter one member's appraisals (self, peer, public) and the branch preliminary rating."""
    unknown = set(stars) - set(STAR_FIELDS)
    if unknown:
        raise TypeError(f"Unknown star fields: {sorted(unknown)}")
    require(user, "member", "assess", member)
    if member.exempt:
        raise ValidationError(_("%(name)s is exempt from rating.") % {"name": member.name})
    if kind not in AssessmentKind.values:
        raise ValidationError({"kind": _("Unknown assessment.")})
    assessment = assessment_for(member, year, kind)
    if assessment.pk and assessment.status in (AssessmentStatus.PUBLIC_NOTICE, AssessmentStatus.FINAL):
        raise ValidationError(_("The ratings of %(name)s are under public notice or final and can no longer be "
                                "changed.") % {"name": member.name})
    _validate_stars(assessment, stars)
    if aspect_stars is not None:
        cleaned = {a: int(aspect_stars.get(a) or 0) for a in Aspect.values if aspect_stars.get(a) not in (None, "")}
        if sum(cleaned.values()) > assessment.star_cap or any(v < 0 for v in cleaned.values()):
            raise ValidationError({"aspect_stars": _("The stars per aspect add up to more than the cap of %(cap)s.")
                                   % {"cap": assessment.star_cap}})
        assessment.aspect_stars = cleaned
    if score is not None:
        assessment.score = score
    if note is not None:
        assessment.note = note
    for name, value in stars.items():
        setattr(assessment, name, None if value in (None, "") else int(value))
    assessment.status = (AssessmentStatus.PRELIMINARY if assessment.preliminary_stars is not None
                         else AssessmentStatus.DRAFT)
    by(assessment, user).save()
    return assessment


@transaction.atomic
def assessments_save_sheet(*, user, organization, year: int, kind: str, rows: dict[int, dict]) -> int:
    """Save the grid of an organization: ``rows`` maps member id → {self_stars, peer_stars, ...}."""
    require(user, "member", "assess", organization)
    members = {m.pk: m for m in PartyMember.objects.filter(organization=organization, pk__in=list(rows))
               .select_related("organization__division")}
    errors = []
    saved = 0
    for member_id, values in rows.items():
        member = members.get(int(member_id))
        if member is None or member.exempt:
            continue
        if all(values.get(f) in (None, "") for f in STAR_FIELDS) and not MemberAssessment.objects.filter(
                member=member, year=year, kind=kind).exists():
            continue
        try:
            assessment_record(user=user, member=member, year=year, kind=kind,
                              **{f: values.get(f) for f in STAR_FIELDS if f in values})
        except ValidationError as exc:
            errors.extend(exc.messages)
        else:
            saved += 1
    if errors:
        raise ValidationError(errors)
    return saved


def _year_end(organization, year: int):
    return MemberAssessment.objects.select_for_update().filter(
        organization=organization, year=year, kind=AssessmentKind.YEAR_END).select_related("member")


@transaction.atomic
def member_ratings_publish_notice(*, user, organization, year: int, start: dt.date) -> int:
    """Publish the branch's preliminary ratings for public notice (policy days; start day counts as day one)."""
    require(user, "member", "assess", organization)
    assessments = [a for a in _year_end(organization, year) if not a.member.exempt]
    missing = sorted(m.name for m in PartyMember.objects.filter(organization=organization, is_active=True,
                                                                exempt=False)
                     if not any(a.member_id == m.pk and a.preliminary_stars is not None for a in assessments))
    if missing:
        raise ValidationError(_("The branch preliminary rating is missing for: %(names)s.") % {
            "names": "、".join(missing)})
    if any(a.status == AssessmentStatus.FINAL for a in assessments):
        raise ValidationError(_("The ratings of this year are final."))
    days = int(effective_policy(organization.division)["public_notice_days"])
    for assessment in assessments:
        assessment.status = AssessmentStatus.PUBLIC_NOTICE
        assessment.notice_start = start
        assessment.notice_end = notice_end(start, days)
        by(assessment, user).save()
    return len(assessments)


def quota_check(organization, year: int, *, final: dict[int, int] | None = None, policy=None):
    """The quota lines of an organization's year-end ratings (final stars, or the given/preliminary ones)."""
    policy = policy or effective_policy(organization.division)
    final = final or {}
    rows = []
    for a in MemberAssessment.objects.filter(organization=organization, year=year,
                                             kind=AssessmentKind.YEAR_END).select_related("member"):
        stars = final.get(a.member_id, a.final_stars if a.final_stars is not None else a.preliminary_stars)
        rows.append((a.member.name, a.star_cap, stars, a.member.exempt or not a.member.is_active))
    return quota_lines(policy, rows)


@transaction.atomic
def member_ratings_finalize(*, user, organization, year: int, today: dt.date | None = None,
                            final: dict[int, int] | None = None) -> int:
    """Finalise an organization's year-end ratings, all or nothing, with the quotas of the policy.

    ``final`` may change a member's stars (member id → stars); otherwise the branch preliminary rating
    becomes final. Every finalised assessment stores the policy values used.
    """
    require(user, "member", "finalize", organization)
    today = today or timezone.localdate()
    final = {int(k): (None if v in (None, "") else int(v)) for k, v in (final or {}).items()}
    assessments = [a for a in _year_end(organization, year) if not a.member.exempt and a.member.is_active]
    if not assessments:
        raise ValidationError(_("There is no year-end rating to finalise."))
    if all(a.status == AssessmentStatus.FINAL for a in assessments):
        raise ValidationError(_("The ratings of this year are already final."))
    not_noticed = [a.member.name for a in assessments if a.status != AssessmentStatus.PUBLIC_NOTICE
                   and a.status != AssessmentStatus.FINAL]
    if not_noticed:
        raise ValidationError(_("Publish the preliminary ratings for public notice first (missing: %(names)s).")
                              % {"names": "、".join(sorted(not_noticed))})
    running = [a for a in assessments if not notice_over(a.notice_end, today)]
    if running:
        raise ValidationError(_("The public notice runs until %(end)s; the ratings can be finalised from the day "
                                "after.") % {"end": date_format(max(a.notice_end for a in running), "DATE_FORMAT")})
    errors = []
    values = {}
    for a in assessments:
        stars = final.get(a.member_id)
        stars = stars if stars is not None else (a.final_stars if a.final_stars is not None
                                                  else a.preliminary_stars)
        if stars is None:
            errors.append(_("%(name)s has no rating.") % {"name": a.member.name})
        elif not 0 <= stars <= a.star_cap:
            errors.append(_("%(name)s: at most %(cap)s stars (this member's cap).") % {
                "name": a.member.name, "cap": a.star_cap})
        values[a.member_id] = stars
    if errors:
        raise ValidationError(errors)
    policy = effective_policy(organization.division)
    lines = quota_lines(policy, [(a.member.name, a.star_cap, values[a.member_id], False) for a in assessments])
    broken = [line.message() for line in lines if not line.ok]
    if broken:
        raise ValidationError(broken)
    snapshot = policy.snapshot(MEMBER_POLICY_KEYS)
    now = timezone.now()
    for a in assessments:
        a.final_stars = values[a.member_id]
        a.status = AssessmentStatus.FINAL
        a.finalized_by = user
        a.finalized_at = now
        a.policy = snapshot
        by(a, user).save()
    return len(assessments)


CATEGORY_LABELS = dict(MemberCategory.choices)
