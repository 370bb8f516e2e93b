"""Recognition: advanced models and experiences, commendation lists from the star ratings, 共产党员户 plaques.

Write rules (organizations/permissions.py): ``exemplar`` change (the branch, township or county writes and
submits) and approve (the county returns, approves, publishes and withdraws); ``commendation`` propose and
decide (the township for its own list, the county for its own and its townships'); ``plaque`` change.

Advanced models and experiences (seed 000 #4)::

    draft ─submit→ submitted ─approve→ approved ─publish→ published ─withdraw→ approved
      ↑                 └─return→ returned ─submit→ submitted
      └ edited while draft or returned

Only a published item is on the county's public recognition page. Approving or returning an item tells whoever
submitted it (the kernel's ``notify``, with the review comment).

Commendation lists (seed 004: members at 9 stars or more are commended on July 1 and at the year end): the
candidates are the active, not exempt members of the list's area whose final year-end stars of
``ratings_year`` reach the top band of their scale (cap − 1: 9 of 10, 5 of 6). Proposing again while the
list is proposed adds new candidates and keeps the choices made; deciding freezes it.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from organizations.models import Division
from organizations.roles import Level
from organizations.services.common import by, require
from organizations.services.notifications import notify

from ..models import (
    EXEMPLAR_EDITABLE,
    AssessmentKind,
    AssessmentStatus,
    Commendation,
    CommendationList,
    CommendationListStatus,
    CommendationOccasion,
    Exemplar,
    ExemplarKind,
    ExemplarStatus,
    MemberAssessment,
    MemberPlaque,
)

EXEMPLAR_FIELDS = ("kind", "year", "title", "subject", "summary")


# -------------------------------------------------------------------------------- models and experiences


def _clean_exemplar(exemplar: Exemplar) -> None:
    errors = {}
    for name in ("title", "subject", "summary"):
        value = (getattr(exemplar, name) or "").strip()
        setattr(exemplar, name, value)
        if not value:
            errors[name] = _("This field is required.")
    if exemplar.kind not in ExemplarKind.values:
        errors["kind"] = _("Choose a kind.")
    if not (2000 <= int(exemplar.year or 0) <= 2100):
        errors["year"] = _("Give a year between 2000 and 2100.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def exemplar_create(*, user, organization, kind: str, year: int, title: str, subject: str,
                    summary: str) -> Exemplar:
    """A new advanced model or experience of ``organization``, as a draft."""
    require(user, "exemplar", "change", organization)
    exemplar = Exemplar(kind=kind, year=year, title=title, subject=subject, summary=summary, created_by=user)
    exemplar.organization = organization
    exemplar.county_id = organization.county_id
    exemplar.township_id = organization.township_id
    _clean_exemplar(exemplar)
    by(exemplar, user).save()
    return exemplar


def _locked(exemplar: Exemplar) -> Exemplar:
    return Exemplar.objects.select_for_update().get(pk=exemplar.pk)


@transaction.atomic
def exemplar_update(*, user, exemplar: Exemplar, **fields) -> Exemplar:
    """Change the text while it is a draft or returned."""
    unknown = set(fields) - set(EXEMPLAR_FIELDS)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    exemplar = _locked(exemplar)
    require(user, "exemplar", "change", exemplar)
    if not exemplar.is_editable:
        raise ValidationError(_("Only a draft or a returned item can be changed; this one is %(status)s.")
                              % {"status": exemplar.get_status_display()})
    for name, value in fields.items():
        setattr(exemplar, name, value)
    _clean_exemplar(exemplar)
    by(exemplar, user).save()
    return exemplar


@transaction.atomic
def exemplar_submit(*, user, exemplar: Exemplar) -> Exemplar:
    """Send a draft (or a returned item) to the county for approval."""
    exemplar = _locked(exemplar)
    require(user, "exemplar", "change", exemplar)
    if exemplar.status not in EXEMPLAR_EDITABLE:
        raise ValidationError(_("Only a draft or a returned item can be submitted."))
    _clean_exemplar(exemplar)
    exemplar.status = ExemplarStatus.SUBMITTED
    exemplar.submitted_at = timezone.now()
    by(exemplar, user).save()
    return exemplar


def exemplar_submitter(exemplar: Exemplar):
    """Who submitted the item last: the author of its latest submission in the audit trail (or its writer)."""
    record = (exemplar.history.filter(status=ExemplarStatus.SUBMITTED, history_user__isnull=False)
              .select_related("history_user").order_by("-history_date", "-history_id").first())
    return record.history_user if record is not None else exemplar.created_by


def _review(user, exemplar: Exemplar, status: str, comment: str) -> Exemplar:
    exemplar.status = status
    exemplar.reviewed_by = user
    exemplar.reviewed_at = timezone.now()
    exemplar.review_comment = (comment or "").strip()
    by(exemplar, user).save()
    _tell_submitter(user, exemplar)
    return exemplar


def _tell_submitter(user, exemplar: Exemplar) -> None:
    """The county approved or returned the item: its submitter learns it, with the review comment (the kernel's
    ``notify``, once per review: the review's audit record is the dedupe key; not the reviewer themself)."""
    submitter = exemplar_submitter(exemplar)
    if submitter is None or submitter.pk == user.pk:
        return
    names = {"title": exemplar.title, "who": user.display_name}
    if exemplar.status == ExemplarStatus.APPROVED:
        title = _("Approved by the county: %(title)s") % names
        lines = [_("%(who)s approved the item; it goes on the county's public recognition page once published.")
                 % names]
    else:
        title = _("Returned by the county: %(title)s") % names
        lines = [_("%(who)s returned the item: revise it and submit it again.") % names]
    lines.append(_("Review comment: %(comment)s") % {"comment": exemplar.review_comment or "—"})
    review = exemplar.history.order_by("-history_date", "-history_id").values_list("history_id", flat=True).first()
    notify(users=[submitter], title=title, body="\n".join(lines),
           url=reverse("evaluations:exemplar", args=[exemplar.pk]), dedupe_key=f"exemplar-review-{review}")


@transaction.atomic
def exemplar_return(*, user, exemplar: Exemplar, comment: str) -> Exemplar:
    """The county sends a submitted item back with what to change."""
    exemplar = _locked(exemplar)
    require(user, "exemplar", "approve", exemplar)
    if exemplar.status != ExemplarStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted item can be returned."))
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say what should be changed.")})
    return _review(user, exemplar, ExemplarStatus.RETURNED, comment)


@transaction.atomic
def exemplar_approve(*, user, exemplar: Exemplar, comment: str = "") -> Exemplar:
    """The county approves a submitted item (not public yet: publishing is a step of its own)."""
    exemplar = _locked(exemplar)
    require(user, "exemplar", "approve", exemplar)
    if exemplar.status != ExemplarStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted item can be approved."))
    return _review(user, exemplar, ExemplarStatus.APPROVED, comment)


@transaction.atomic
def exemplar_publish(*, user, exemplar: Exemplar) -> Exemplar:
    """Put an approved item on the county's public recognition page."""
    exemplar = _locked(exemplar)
    require(user, "exemplar", "approve", exemplar)
    if exemplar.status != ExemplarStatus.APPROVED:
        raise ValidationError(_("Only an item approved by the county can be published."))
    exemplar.status = ExemplarStatus.PUBLISHED
    exemplar.published_at = timezone.now()
    by(exemplar, user).save()
    return exemplar


@transaction.atomic
def exemplar_withdraw(*, user, exemplar: Exemplar) -> Exemplar:
    """Take a published item off the public page (it stays approved)."""
    exemplar = _locked(exemplar)
    require(user, "exemplar", "approve", exemplar)
    if exemplar.status != ExemplarStatus.PUBLISHED:
        raise ValidationError(_("Only a published item can be withdrawn."))
    exemplar.status = ExemplarStatus.APPROVED
    exemplar.published_at = None
    by(exemplar, user).save()
    return exemplar


EXEMPLAR_ACTIONS = {
    # action: (service, permission action, statuses it applies to)
    "submit": (exemplar_submit, "change", EXEMPLAR_EDITABLE),
    "return": (exemplar_return, "approve", (ExemplarStatus.SUBMITTED,)),
    "approve": (exemplar_approve, "approve", (ExemplarStatus.SUBMITTED,)),
    "publish": (exemplar_publish, "approve", (ExemplarStatus.APPROVED,)),
    "withdraw": (exemplar_withdraw, "approve", (ExemplarStatus.PUBLISHED,)),
}


def exemplar_actions_allowed(user, exemplar: Exemplar) -> list[str]:
    """The workflow actions ``user`` may take on ``exemplar`` now (pages and API offer only these)."""
    from organizations.permissions import can

    return [name for name, (_fn, permission, statuses) in EXEMPLAR_ACTIONS.items()
            if exemplar.status in statuses and can(user, "exemplar", permission, exemplar)]


def exemplar_act(*, user, exemplar: Exemplar, action: str, comment: str = "") -> Exemplar:
    if action not in EXEMPLAR_ACTIONS:
        raise ValidationError({"action": _("Unknown action.")})
    function = EXEMPLAR_ACTIONS[action][0]
    if action in ("return", "approve"):
        return function(user=user, exemplar=exemplar, comment=comment)
    return function(user=user, exemplar=exemplar)


# ------------------------------------------------------------------------------------- commendations


COMMENDING_LEVELS = (Level.COUNTY, Level.TOWNSHIP)


def default_ratings_year(year: int, occasion: str) -> int:
    """July 1 commends on last year's final ratings; the year end on the year's own."""
    return int(year) - 1 if occasion == CommendationOccasion.JULY_FIRST else int(year)


def default_honour(occasion: str) -> str:
    return _("Outstanding Communist Party member") if occasion == CommendationOccasion.JULY_FIRST \
        else _("Star Party member pacesetter")


def top_band_candidates(division: Division, ratings_year: int):
    """The final year-end assessments of ``ratings_year`` in ``division``'s area at the top of their scale
    (stars ≥ cap − 1), of active, not exempt members."""
    from django.db.models import F

    area = {"county_id": division.pk} if division.level == Level.COUNTY else {"township_id": division.pk}
    return (MemberAssessment.objects.filter(**area, year=ratings_year, kind=AssessmentKind.YEAR_END,
                                            status=AssessmentStatus.FINAL, final_stars__gte=F("star_cap") - 1,
                                            member__is_active=True, member__exempt=False)
            .select_related("member").order_by("organization__division__code", "-final_stars", "member__name"))


def _require_commendation(user, action: str, division: Division) -> None:
    if division.level not in COMMENDING_LEVELS:
        raise ValidationError({"division": _("Commendation lists are kept by a township or a county.")})
    from organizations.permissions import can

    if not can(user, "commendation", action, division):
        raise PermissionDenied(_("You may not do this here."))


@transaction.atomic
def commendation_list_propose(*, user, division: Division, year: int, occasion: str, honour: str = "",
                              ratings_year: int | None = None, note: str = "") -> CommendationList:
    """Propose (or refresh, while proposed) the list of ``division`` for ``occasion`` of ``year``: every
    member at the top of the star scale in the final year-end ratings of ``ratings_year``."""
    _require_commendation(user, "propose", division)
    if occasion not in CommendationOccasion.values:
        raise ValidationError({"occasion": _("Choose the occasion.")})
    year = int(year)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Give a year between 2000 and 2100.")})
    ratings_year = int(ratings_year) if ratings_year else default_ratings_year(year, occasion)
    if ratings_year > year:
        raise ValidationError({"ratings_year": _("The star ratings cannot be of a later year than the "
                                                 "commendation.")})
    commendations = CommendationList.objects.select_for_update().filter(division=division, year=year,
                                                                        occasion=occasion).first()
    created = commendations is None
    if created:
        commendations = CommendationList(division=division, year=year, occasion=occasion, ratings_year=ratings_year,
                                         honour=(honour or "").strip() or default_honour(occasion),
                                         proposed_by=user, note=note or "")
    else:
        if commendations.is_decided:
            raise ValidationError(_("This list was decided on %(day)s and can no longer change.")
                                  % {"day": date_format(commendations.decided_on, "DATE_FORMAT")})
        if ratings_year != commendations.ratings_year:
            commendations.entries.all().delete()
            commendations.ratings_year = ratings_year
        if (honour or "").strip():
            commendations.honour = honour.strip()
        if note:
            commendations.note = note
    by(commendations, user).save()
    candidates = list(top_band_candidates(division, ratings_year))
    if not candidates and created:
        raise ValidationError(_("Nobody in %(area)s reaches the top stars in the final year-end ratings of "
                                "%(year)s.") % {"area": division.name, "year": ratings_year})
    present = set(commendations.entries.values_list("member_id", flat=True))
    for assessment in candidates:
        if assessment.member_id in present:
            continue
        entry = Commendation(commendation_list=commendations, member=assessment.member, assessment=assessment,
                             stars=assessment.final_stars, star_cap=assessment.star_cap)
        entry.copy_scope_from(assessment)
        by(entry, user).save()
    return commendations


@transaction.atomic
def commendation_set_included(*, user, entry: Commendation, included: bool, remark: str = "") -> Commendation:
    """Keep a candidate on the proposed list or leave them off (with the reason)."""
    entry = Commendation.objects.select_for_update().select_related("commendation_list__division").get(pk=entry.pk)
    _require_commendation(user, "propose", entry.commendation_list.division)
    if entry.commendation_list.is_decided:
        raise ValidationError(_("This list is decided and can no longer change."))
    if not included and not (remark or "").strip():
        raise ValidationError({"remark": _("Give the reason for leaving this member off the list.")})
    entry.included = bool(included)
    entry.remark = (remark or "").strip()
    by(entry, user).save()
    return entry


@transaction.atomic
def commendation_list_decide(*, user, commendations: CommendationList, decided_on: dt.date,
                             decision_number: str) -> CommendationList:
    """The township or county decides the list (date and document number); it is frozen from then on."""
    commendations = CommendationList.objects.select_for_update().select_related("division").get(pk=commendations.pk)
    _require_commendation(user, "decide", commendations.division)
    if commendations.is_decided:
        raise ValidationError(_("This list is already decided."))
    errors = {}
    if not decided_on:
        errors["decided_on"] = _("Give the date of the decision.")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("The decision cannot be dated in the future.")
    if not (decision_number or "").strip():
        errors["decision_number"] = _("Give the document number of the decision.")
    if errors:
        raise ValidationError(errors)
    if not commendations.entries.filter(included=True).exists():
        raise ValidationError(_("Nobody is on the list: keep at least one member."))
    commendations.status = CommendationListStatus.DECIDED
    commendations.decided_on = decided_on
    commendations.decision_number = decision_number.strip()
    commendations.decided_by = user
    by(commendations, user).save()
    return commendations


# --------------------------------------------------------------------------------------- plaques


def _next_number(organization) -> str:
    numbers = MemberPlaque.objects.filter(organization=organization).values_list("number", flat=True)
    used = {int(n.rsplit("-", 1)[-1]) for n in numbers if n.rsplit("-", 1)[-1].isdigit()}
    serial = max(used, default=0) + 1
    return f"{organization.division.code[-6:]}-{serial:03d}"


@transaction.atomic
def plaque_hang(*, user, member, hung_on: dt.date, number: str = "", note: str = "") -> MemberPlaque:
    """Hang the 共产党员户 plaque at ``member``'s home (one hung plaque per member)."""
    require(user, "plaque", "change", member)
    if not member.is_active:
        raise ValidationError(_("%(name)s is no longer an active member.") % {"name": member.name})
    if MemberPlaque.objects.select_for_update().filter(member=member, removed_on__isnull=True).exists():
        raise ValidationError(_("The household of %(name)s already has its plaque.") % {"name": member.name})
    if hung_on is None or hung_on > timezone.localdate():
        raise ValidationError({"hung_on": _("Give the day the plaque was hung (not in the future).")})
    number = (number or "").strip() or _next_number(member.organization)
    if MemberPlaque.objects.filter(organization_id=member.organization_id, number=number).exists():
        raise ValidationError({"number": _("Plaque number %(number)s is already used in this organization.")
                               % {"number": number}})
    plaque = MemberPlaque(member=member, number=number, hung_on=hung_on, note=(note or "").strip())
    plaque.copy_scope_from(member)
    by(plaque, user).save()
    return plaque


@transaction.atomic
def plaque_remove(*, user, plaque: MemberPlaque, removed_on: dt.date, reason: str) -> MemberPlaque:
    """Take the plaque down (摘牌): the member moved away, died, or was disciplined; the reason is kept."""
    plaque = MemberPlaque.objects.select_for_update().get(pk=plaque.pk)
    require(user, "plaque", "change", plaque)
    if not plaque.is_hung:
        raise ValidationError(_("This plaque was already removed."))
    errors = {}
    if removed_on is None or removed_on > timezone.localdate() or removed_on < plaque.hung_on:
        errors["removed_on"] = _("Give the day it was removed: after it was hung, not in the future.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for removing the plaque.")
    if errors:
        raise ValidationError(errors)
    plaque.removed_on = removed_on
    plaque.removed_reason = reason.strip()
    by(plaque, user).save()
    return plaque
