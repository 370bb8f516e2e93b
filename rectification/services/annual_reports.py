"""The annual rectification report (年度整顿工作报告): township → county, county → city.

Transitions (state, action, who, next state):

* draft or returned, ``annual_report_save``: the division's own officials (a township organizer or secretary of
  that township; the county organization department of that county) → unchanged (the text is saved);
* draft or returned, ``annual_report_submit``: the same people → submitted; the statistical form of the
  division and year is built (``exports.upward_summary``) and stored with the report, frozen;
* submitted, ``annual_report_return``: the level above (the county organization department for a township,
  the city's reviewer for a county), with a comment → returned;
* submitted, ``annual_report_accept``: the level above → accepted (final: no action is left).

The role table (``annual_report``: ``draft``, ``review``) says which roles; the role must also be held on the
division itself (drafting) or on its parent (reviewing): a county admin does not write a township's report,
and a township does not review itself. The level above is told of a submission, the submitter of a return or
an acceptance (kernel notifications). Every change is audited (simple_history).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Division, NotificationKind, RoleAssignment, User
from organizations.permissions import roles_allowed
from organizations.roles import Level
from organizations.scoping import grants_for
from organizations.services.common import by
from organizations.services.notifications import notify

from ..exports.upward_summary import summary_of, summary_workbook_bytes
from ..models import AnnualReport, AnnualReportStatus
from .stored_files import replace_file

#: The divisions that report upward: a township to its county, a county to its city.
REPORTING_LEVELS = (Level.TOWNSHIP, Level.COUNTY)
#: The first year a report can be written for.
FIRST_YEAR = 2000
TEXT_FIELDS = ("work_summary", "achievements", "problems", "next_year_plan")
MAX_TEXT = 20000


def _holds_role_at(user, resource: str, action: str, division_id: int | None) -> bool:
    if division_id is None or user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    allowed = roles_allowed(resource, action)
    return any(role in allowed and held == division_id for role, held, _level in grants_for(user).divisions)


def may_draft(user, division: Division) -> bool:
    """The user writes and submits ``division``'s report: a drafting role held on the division itself."""
    return division.level in REPORTING_LEVELS and _holds_role_at(user, "annual_report", "draft", division.pk)


def may_review(user, division: Division) -> bool:
    """The user returns or accepts ``division``'s report: a reviewing role held on its parent division."""
    return division.level in REPORTING_LEVELS and _holds_role_at(user, "annual_report", "review",
                                                                 division.parent_id)


def _require_draft(user, division: Division) -> None:
    if not may_draft(user, division):
        raise PermissionDenied(_("Only the officials of %(division)s write and submit its annual report.")
                               % {"division": division.name})


def _require_review(user, division: Division) -> None:
    if not may_review(user, division):
        raise PermissionDenied(_("Only the level above %(division)s reviews its annual report.")
                               % {"division": division.name})


def check_year(year, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    if not isinstance(year, int) or not FIRST_YEAR <= year <= today.year:
        raise ValidationError({"year": _("Choose a year between %(first)s and %(last)s.")
                               % {"first": FIRST_YEAR, "last": today.year}})
    return year


def _locked(report: AnnualReport) -> AnnualReport:
    return AnnualReport.objects.select_for_update().select_related("division").get(pk=report.pk)


@transaction.atomic
def annual_report_save(*, user, division: Division, year: int, today: dt.date | None = None,
                       **texts: str) -> AnnualReport:
    """Create the division's report of ``year`` as a draft, or save its text while it is a draft or returned."""
    unknown = set(texts) - set(TEXT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown annual report fields: {sorted(unknown)}")
    _require_draft(user, division)
    check_year(year, today)
    report, _created = AnnualReport.objects.get_or_create(division=division, year=year)
    report = _locked(report)
    if not report.is_editable:
        raise ValidationError(_("The report has been submitted: it can be changed only after the level above "
                                "returns it."))
    for name, value in texts.items():
        value = (value or "").strip()
        if len(value) > MAX_TEXT:
            raise ValidationError({name: _("At most %(max)s characters.") % {"max": MAX_TEXT}})
        setattr(report, name, value)
    by(report, user).save()
    return report


def missing_texts(report: AnnualReport) -> list[str]:
    """The names of the parts not written yet (submitting needs all four)."""
    return [str(AnnualReport._meta.get_field(name).verbose_name) for name in TEXT_FIELDS
            if not getattr(report, name).strip()]


@transaction.atomic
def annual_report_submit(*, user, report: AnnualReport) -> AnnualReport:
    """Submit the report to the level above with the statistical form of its division and year, frozen."""
    report = _locked(report)
    _require_draft(user, report.division)
    if not report.is_editable:
        raise ValidationError(_("The report has already been submitted."))
    missing = missing_texts(report)
    if missing:
        raise ValidationError(_("Fill in before submitting: %(parts)s.") % {"parts": "、".join(missing)})
    content = summary_workbook_bytes(summary_of(user, report.division, report.year), user)
    replace_file(report.workbook, f"annual-{report.division.code}-{report.year}.xlsx", content)
    report.status = AnnualReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = user
    by(report, user).save()
    _tell_reviewers(report)
    return report


@transaction.atomic
def annual_report_return(*, user, report: AnnualReport, comment: str) -> AnnualReport:
    """The level above sends the report back for revision, saying why."""
    report = _locked(report)
    _require_review(user, report.division)
    if report.status != AnnualReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be returned."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say what is to be revised.")})
    return _reviewed(report, user, AnnualReportStatus.RETURNED, comment)


@transaction.atomic
def annual_report_accept(*, user, report: AnnualReport, comment: str = "") -> AnnualReport:
    """The level above accepts the report: it is final."""
    report = _locked(report)
    _require_review(user, report.division)
    if report.status != AnnualReportStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be accepted."))
    return _reviewed(report, user, AnnualReportStatus.ACCEPTED, (comment or "").strip())


def _reviewed(report: AnnualReport, user, status: str, comment: str) -> AnnualReport:
    if len(comment) > MAX_TEXT:
        raise ValidationError({"comment": _("At most %(max)s characters.") % {"max": MAX_TEXT}})
    report.status = status
    report.review_comment = comment
    report.reviewed_at = timezone.now()
    report.reviewed_by = user
    by(report, user).save()
    _tell_submitter(report)
    return report


def _title(report: AnnualReport) -> str:
    return _("%(division)s annual rectification report %(year)s") % {"division": report.division.name,
                                                                     "year": report.year}


def _tell_reviewers(report: AnnualReport) -> None:
    parent_id = report.division.parent_id
    user_ids = RoleAssignment.objects.filter(role__in=roles_allowed("annual_report", "review"),
                                             division_id=parent_id).values("user_id")
    notify(users=User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"),
           kind=NotificationKind.GENERAL, title=_("Submitted for review: %(report)s") % {"report": _title(report)},
           body=_("Submitted by %(name)s.") % {"name": report.submitted_by.display_name},
           url=reverse("rectification:annual-report", args=[report.pk]))


def _tell_submitter(report: AnnualReport) -> None:
    if report.status == AnnualReportStatus.RETURNED:
        title = _("Returned for revision: %(report)s") % {"report": _title(report)}
    else:
        title = _("Accepted: %(report)s") % {"report": _title(report)}
    notify(users=[report.submitted_by], kind=NotificationKind.GENERAL, title=title, body=report.review_comment,
           url=reverse("rectification:annual-report", args=[report.pk]))
