"""The check records and the gates they put on the lifecycle (DOMAIN.md §4, seed 002).

- ``check_record``: the six-monthly check (半年检查) of an organization in rectification: date, checkers,
  findings (overall and per measure), score and grade, the rectification demanded.
- ``acceptance_record``: the year-end acceptance meeting (年终验收) of the current rectification cycle, after
  the application: date, members, opinions, result (合格 / 基本合格 / 不合格).
- ``follow_up_record``: the follow-up review (回头看) of a closed-out organization while it is tracked
  (``post_closeout_tracking_years``): held, or relapsed. A relapse found during the consolidation period
  reopens the rectification (the lifecycle's ``relapse``, when the user's role may take it); after the
  consolidation, the organization is proposed for the county's next round.

The gates these records put on the lifecycle are in ``check_gates`` (request_acceptance in the year-end
window, open_evaluation after a passed acceptance meeting, no relapse while on another list).
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.dates import official_date
from organizations.policies import effective_policy
from organizations.services.common import by, require

from .. import periods
from ..models import (
    AcceptanceResult,
    AcceptanceReview,
    CheckFinding,
    CheckGrade,
    Designation,
    DesignationStatus,
    FollowUpFinding,
    FollowUpReview,
    Measure,
    Round,
    SixMonthlyCheck,
)
from .check_gates import (  # noqa: F401  (the gates, re-exported for the pages and tests)
    ACTIVE_STATUSES,
    acceptance_opens_on,
    current_acceptance,
    current_cycle_number,
    lifecycle_refusal,
    other_active_designation,
)
from .designations import designation_propose, designation_transition

#: When a six-monthly check may be entered: during rectification, up to the acceptance.
CHECK_STATUSES = periods.ONGOING_STATUSES
#: When a follow-up review may be entered: after close-out.
FOLLOW_UP_STATUSES = (DesignationStatus.CONSOLIDATING, DesignationStatus.CONSOLIDATED)


# ----------------------------------------------------------------------------------------------- records


def _today(today) -> dt.date:
    return today or timezone.localdate()


def _locked(designation: Designation) -> Designation:
    return Designation.objects.select_for_update().select_related("organization__division", "round").get(
        pk=designation.pk)


def _not_in_future(field: str, day: dt.date | None, today: dt.date) -> None:
    if day is None:
        raise ValidationError({field: _("Enter the date.")})
    if day > today:
        raise ValidationError({field: _("The date cannot be in the future.")})


def _text(field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def correction_refusal(record, designation: Designation | None = None) -> str | None:
    """Why ``record`` (a check, an acceptance meeting, a follow-up review) cannot be corrected now (None: it may):
    a check while the organization is in rectification, the acceptance meeting of the current cycle until its
    satisfaction evaluation opens, a follow-up review of an organization that was closed out."""
    designation = designation or record.designation
    if isinstance(record, SixMonthlyCheck) and designation.status not in CHECK_STATUSES:
        return _("A six-monthly check can be corrected while the organization is in rectification.")
    if isinstance(record, AcceptanceReview) and (designation.status != DesignationStatus.ACCEPTANCE_REQUESTED
                                                 or record.cycle_number != current_cycle_number(designation)):
        return _("The acceptance meeting can be corrected until the satisfaction evaluation of its cycle is "
                 "opened.")
    if isinstance(record, FollowUpReview) and designation.closed_out_on is None:
        return _("The follow-up review is for organizations that have been closed out.")
    return None


def _check_values(designation: Designation, *, checked_on, checkers, findings, grade, score, rectification_demanded,
                  rectify_by, today: dt.date) -> dict:
    """The fields of a six-monthly check, validated (entering and correcting one apply the same rules)."""
    _not_in_future("checked_on", checked_on, today)
    if grade not in CheckGrade.values:
        raise ValidationError({"grade": _("Choose a grade.")})
    demanded = (rectification_demanded or "").strip()
    if rectify_by is not None and not demanded:
        raise ValidationError({"rectification_demanded": _("Say what is to be rectified by that date.")})
    if rectify_by is not None and rectify_by < checked_on:
        raise ValidationError({"rectify_by": _("The deadline cannot be before the check.")})
    months = int(effective_policy(designation.organization.division)["check_interval_months"])
    return {"checked_on": checked_on,
            "period_start": periods.period_of(checked_on, interval_months=months, grace_days=0).start,
            "checkers": _text("checkers", checkers, _("Name the checkers.")),
            "findings": _text("findings", findings, _("Describe what the check found.")),
            "grade": grade, "score": score, "rectification_demanded": demanded, "rectify_by": rectify_by}


def _save_measure_findings(record: SixMonthlyCheck, designation: Designation, measure_findings: dict, user) -> None:
    """Write the findings per measure given (measure id -> text); an empty text removes that measure's finding.
    Measures not named are left as they are."""
    texts = {int(k): (v or "").strip() for k, v in (measure_findings or {}).items()}
    if not texts:
        return
    measures = {m.pk: m for m in Measure.objects.filter(plan__designation=designation, pk__in=list(texts))}
    if set(measures) != set(texts):
        raise ValidationError(_("Unknown measure."))
    existing = {f.measure_id: f for f in CheckFinding.objects.filter(check_record=record, measure_id__in=list(texts))}
    for measure_id, text in texts.items():
        finding = existing.get(measure_id)
        if not text:
            if finding is not None:
                by(finding, user).delete()
            continue
        if finding is None:
            finding = CheckFinding(check_record=record, measure=measures[measure_id], finding=text)
            finding.copy_scope_from(record)
        elif finding.finding == text:
            continue
        finding.finding = text
        by(finding, user).save()


@transaction.atomic
def check_record(*, user, designation: Designation, checked_on: dt.date, checkers: str, findings: str,
                 grade: str, score: int | None = None, rectification_demanded: str = "",
                 rectify_by: dt.date | None = None, measure_findings: dict[int, str] | None = None,
                 today: dt.date | None = None) -> SixMonthlyCheck:
    """Record the six-monthly check of an organization in rectification."""
    require(user, "check", "create", designation)
    designation = _locked(designation)
    today = _today(today)
    if designation.status not in CHECK_STATUSES:
        raise ValidationError(_("The six-monthly check is recorded while the organization is in rectification."))
    record = SixMonthlyCheck(designation=designation, entered_by=user, **_check_values(
        designation, checked_on=checked_on, checkers=checkers, findings=findings, grade=grade, score=score,
        rectification_demanded=rectification_demanded, rectify_by=rectify_by, today=today))
    record.copy_scope_from(designation)
    record.full_clean(exclude=["designation", "organization", "county", "township"])
    by(record, user).save()
    _save_measure_findings(record, designation, measure_findings, user)
    return record


@transaction.atomic
def check_update(*, user, record: SixMonthlyCheck, checked_on: dt.date, checkers: str, findings: str, grade: str,
                 score: int | None = None, rectification_demanded: str = "", rectify_by: dt.date | None = None,
                 measure_findings: dict[int, str] | None = None, today: dt.date | None = None) -> SixMonthlyCheck:
    """Correct a six-monthly check while the organization is still in rectification (the audit trail keeps
    every earlier version); ``measure_findings`` rewrites the findings of the measures it names."""
    require(user, "check", "change", record)
    record = SixMonthlyCheck.objects.select_for_update().get(pk=record.pk)
    designation = _locked(record.designation)
    refusal = correction_refusal(record, designation)
    if refusal:
        raise ValidationError(refusal)
    for field, value in _check_values(
            designation, checked_on=checked_on, checkers=checkers, findings=findings, grade=grade, score=score,
            rectification_demanded=rectification_demanded, rectify_by=rectify_by, today=_today(today)).items():
        setattr(record, field, value)
    record.full_clean(exclude=["designation", "organization", "county", "township"])
    by(record, user).save()
    _save_measure_findings(record, designation, measure_findings, user)
    return record


def _acceptance_values(*, held_on, members, opinions, result, score, today: dt.date) -> dict:
    _not_in_future("held_on", held_on, today)
    if result not in AcceptanceResult.values:
        raise ValidationError({"result": _("Choose the result of the acceptance.")})
    return {"held_on": held_on, "members": _text("members", members, _("Name the members of the acceptance team.")),
            "opinions": _text("opinions", opinions, _("Write the opinions of the acceptance.")),
            "score": score, "result": result}


@transaction.atomic
def acceptance_record(*, user, designation: Designation, held_on: dt.date, members: str, opinions: str,
                      result: str, score: int | None = None, today: dt.date | None = None) -> AcceptanceReview:
    """Record the year-end acceptance meeting of an organization that applied for acceptance."""
    require(user, "acceptance", "create", designation)
    designation = _locked(designation)
    today = _today(today)
    if designation.status != DesignationStatus.ACCEPTANCE_REQUESTED:
        raise ValidationError(_("The acceptance meeting is recorded after the organization has applied for "
                                "acceptance and before its satisfaction evaluation."))
    review = AcceptanceReview(designation=designation, cycle_number=current_cycle_number(designation),
                              entered_by=user, **_acceptance_values(held_on=held_on, members=members,
                                                                    opinions=opinions, result=result, score=score,
                                                                    today=today))
    review.copy_scope_from(designation)
    review.full_clean(exclude=["designation", "organization", "county", "township"])
    by(review, user).save()
    return review


@transaction.atomic
def acceptance_update(*, user, review: AcceptanceReview, held_on: dt.date, members: str, opinions: str, result: str,
                      score: int | None = None, today: dt.date | None = None) -> AcceptanceReview:
    """Correct the acceptance meeting of the current cycle until the satisfaction evaluation opens (its result is
    what lets the evaluation open); the audit trail keeps every earlier version."""
    require(user, "acceptance", "change", review)
    review = AcceptanceReview.objects.select_for_update().get(pk=review.pk)
    designation = _locked(review.designation)
    refusal = correction_refusal(review, designation)
    if refusal:
        raise ValidationError(refusal)
    for field, value in _acceptance_values(held_on=held_on, members=members, opinions=opinions, result=result,
                                           score=score, today=_today(today)).items():
        setattr(review, field, value)
    review.full_clean(exclude=["designation", "organization", "county", "township"])
    by(review, user).save()
    return review


def tracked_until(designation: Designation, years: int | None = None) -> dt.date | None:
    """The last day a closed-out organization is tracked (``post_closeout_tracking_years`` after close-out)."""
    if designation.closed_out_on is None:
        return None
    if years is None:
        years = int(effective_policy(designation.organization.division)["post_closeout_tracking_years"])
    return designation.closed_out_on + relativedelta(years=years)


@transaction.atomic
def follow_up_record(*, user, designation: Designation, reviewed_on: dt.date, reviewers: str, finding: str,
                     notes: str = "", today: dt.date | None = None) -> FollowUpReview:
    """Record a follow-up review (回头看) of a closed-out organization; a relapse puts it back on a list.

    During the consolidation period the relapse reopens this designation (lifecycle ``relapse``, a new plan
    cycle) when the user's role may take it and the organization is on no other list; afterwards the
    organization is proposed for the county's newest later round (when there is one and it is not on it).
    The review's ``outcome`` attribute (not stored) says which happened: "relapse", "proposed", "listed"
    (already on another list) or "" (nothing more).
    """
    require(user, "follow_up", "create", designation)
    designation = _locked(designation)
    today = _today(today)
    if designation.status not in FOLLOW_UP_STATUSES or designation.closed_out_on is None:
        raise ValidationError(_("The follow-up review is for organizations that have been closed out."))
    review = FollowUpReview(designation=designation, entered_by=user, **_follow_up_values(
        designation, reviewed_on=reviewed_on, reviewers=reviewers, finding=finding, notes=notes, today=today))
    review.copy_scope_from(designation)
    review.full_clean(exclude=["designation", "organization", "county", "township"])
    by(review, user).save()
    review.outcome = ""
    if finding != FollowUpFinding.RELAPSED:
        return review
    notes = review.notes
    if other_active_designation(designation) is not None:
        review.outcome = "listed"
        return review
    comment = _("Follow-up review of %(day)s: relapse. %(notes)s") % {"day": official_date(reviewed_on),
                                                                       "notes": notes}
    if designation.status == DesignationStatus.CONSOLIDATING:
        try:
            designation_transition(user=user, designation=designation, action="relapse", comment=comment,
                                   today=today)
        except PermissionDenied:
            return review  # the county takes the relapse action (the designation page offers it)
        review.outcome = "relapse"
        return review
    later = Round.objects.filter(county_id=designation.county_id, year__gt=designation.round.year).order_by(
        "-year").first()
    if later is not None and not later.designations.filter(organization_id=designation.organization_id).exists():
        designation_propose(user=user, round=later, organization=designation.organization,
                            categories=list(designation.categories.all()), problems=comment)
        review.outcome = "proposed"
    return review


def _follow_up_values(designation: Designation, *, reviewed_on, reviewers, finding, notes, today: dt.date) -> dict:
    _not_in_future("reviewed_on", reviewed_on, today)
    if reviewed_on < designation.closed_out_on:
        raise ValidationError({"reviewed_on": _("The follow-up review comes after the close-out (%(day)s).") % {
            "day": official_date(designation.closed_out_on)}})
    until = tracked_until(designation)
    if reviewed_on > until:
        raise ValidationError({"reviewed_on": _("%(organization)s was tracked until %(day)s.") % {
            "organization": designation.organization.name, "day": official_date(until)}})
    if finding not in FollowUpFinding.values:
        raise ValidationError({"finding": _("Choose what the follow-up review found.")})
    notes = (notes or "").strip()
    if finding == FollowUpFinding.RELAPSED and not notes:
        raise ValidationError({"notes": _("Describe the problems that came back.")})
    return {"reviewed_on": reviewed_on, "reviewers": _text("reviewers", reviewers, _("Name the reviewers.")),
            "finding": finding, "notes": notes}


@transaction.atomic
def follow_up_update(*, user, review: FollowUpReview, reviewed_on: dt.date, reviewers: str, finding: str,
                     notes: str = "", today: dt.date | None = None) -> FollowUpReview:
    """Correct a follow-up review (date, reviewers, notes); its finding stays what it was, since a relapse has
    already put the organization back on a list: a different finding is a new follow-up review."""
    require(user, "follow_up", "change", review)
    review = FollowUpReview.objects.select_for_update().get(pk=review.pk)
    designation = _locked(review.designation)
    refusal = correction_refusal(review, designation)
    if refusal:
        raise ValidationError(refusal)
    if finding != review.finding:
        raise ValidationError({"finding": _("The finding of a follow-up review cannot be changed: record a new "
                                            "follow-up review.")})
    for field, value in _follow_up_values(designation, reviewed_on=reviewed_on, reviewers=reviewers, finding=finding,
                                          notes=notes, today=_today(today)).items():
        setattr(review, field, value)
    review.full_clean(exclude=["designation", "organization", "county", "township"])
    by(review, user).save()
    return review
