"""Excel exports of star management, streamed through organizations.exports.excel.

- Organization ratings: 县/乡镇/村/党组织/年度/各步骤等级/星级/审定日期/较上年.
- Screening candidates (below the policy's stars).
- The member star sheet of an organization and year (domain-practice §3f): 序号 | 党支部 | 姓名 | 性别 |
  出生年月 | 入党时间 | 党员类别 | stars per aspect | 积分合计 | 个人自评星级 | 党员互评 | 群众评议 | 支部初评星级 |
  公示起止日期 | 审定星级 | 较上年升/降 | 备注.
Headers are English msgids translated by the catalog.
"""

from __future__ import annotations

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.exports.excel import letterhead_for, xlsx_response, year_period

from ..models import Aspect, Grade, RatingStep
from ..selectors.stars import previous_stars, sheet_rows

GRADES = dict(Grade.choices)


def _grade(value: str) -> str:
    return str(GRADES.get(value, "")) if value else ""


def _change(value: int | None) -> str:
    if value is None:
        return ""
    return f"+{value}" if value > 0 else str(value)


def _date(value):
    return timezone.localtime(value).date() if value else None


def rating_headers() -> list[str]:
    return [_("County"), _("Township"), _("Village or community"), _("Party organization"), _("Year"),
            _("Step"), _("Self-assessed grade"), _("Self-assessment score"), _("Public appraisal grade"),
            _("Public appraisal score"), _("Reviewed grade"), _("Review score"), _("Stars"),
            _("Public notice from"), _("Public notice until"), _("Approved on"), _("Change from last year")]


def rating_rows(queryset):
    queryset = queryset.select_related("organization__division", "organization__village", "county", "township")
    for chunk_start in range(0, 10**9, 2000):
        chunk = list(queryset[chunk_start:chunk_start + 2000])
        if not chunk:
            return
        before = previous_stars(chunk)
        for r in chunk:
            approved = r.step == RatingStep.APPROVED
            previous = before.get((r.organization_id, r.year))
            yield [r.county.name if r.county else "", r.township.name if r.township else "",
                   r.organization.village.name if r.organization.village else "", r.organization.name, r.year,
                   str(RatingStep(r.step).label), _grade(r.self_grade), r.self_score, _grade(r.public_grade),
                   r.public_score, _grade(r.review_grade), r.review_score, r.stars, r.notice_start, r.notice_end,
                   _date(r.approved_at),
                   _change(r.stars - previous) if approved and previous is not None and r.stars is not None else ""]
        if len(chunk) < 2000:
            return


def ratings_export_response(queryset, user=None):
    years = queryset.order_by().aggregate(first=Min("year"), last=Max("year"))
    letterhead = letterhead_for(user, _("Star ratings of Party organizations"),
                                period=year_period(years["first"], years["last"]))
    return xlsx_response(f"organization-star-ratings-{timezone.localdate():%Y%m%d}", _("Organization ratings"),
                         rating_headers(), rating_rows(queryset), letterhead=letterhead, key_columns=4)


def screening_export_response(rows, user=None):
    rows = list(rows)
    headers = [_("County"), _("Township"), _("Party organization"), _("Year"), _("Reviewed grade"), _("Stars"),
               _("Screen below (stars)")]
    data = ([r.rating.county.name, r.rating.township.name if r.rating.township else "", r.organization.name,
             r.rating.year, _grade(r.rating.review_grade), r.rating.stars, r.below] for r in rows)
    years = sorted({r.rating.year for r in rows}) or [None]
    letterhead = letterhead_for(user, _("Party organizations to screen (by star rating)"),
                                period=year_period(years[0], years[-1]))
    return xlsx_response(f"screening-candidates-{timezone.localdate():%Y%m%d}", _("Screening candidates"),
                         headers, data, letterhead=letterhead, key_columns=3)


def member_sheet_headers() -> list[str]:
    return [_("No."), _("Party branch"), _("Name"), _("Sex"), _("Date of birth"), _("Joined the Party"),
            _("Member category"), *[str(label) for label in Aspect.labels], _("Total points"),
            _("Self-assessed stars"), _("Peer assessment"), _("Public appraisal"), _("Branch preliminary stars"),
            _("Public notice period"), _("Approved stars"), _("Up/down on last year"), _("Remarks")]


def member_sheet_rows(organization, *, year: int, kind: str, policy):
    for row in sheet_rows(organization, year=year, kind=kind, policy=policy):
        m, a = row.member, row.assessment
        notice = ""
        if a and a.notice_start:
            notice = f"{a.notice_start:%Y.%m.%d}–{a.notice_end:%Y.%m.%d}"
        remarks = []
        if m.exempt:
            remarks.append(_("Exempt from rating"))
        if row.lagging:
            remarks.append(_("Lagging"))
        if a and a.note:
            remarks.append(a.note)
        yield [row.index, organization.name, m.name, m.get_sex_display() if m.sex else "",
               m.birth_date.strftime("%Y.%m") if m.birth_date else "",
               m.joined_party_on.strftime("%Y.%m") if m.joined_party_on else "", m.get_category_display(),
               *row.aspects, a.score if a else None, a.self_stars if a else None, a.peer_stars if a else None,
               a.public_stars if a else None, a.preliminary_stars if a else None, notice,
               a.final_stars if a else None, _change(row.change), "；".join(str(x) for x in remarks)]


def member_sheet_response(organization, *, year: int, kind: str, policy, user=None):
    letterhead = letterhead_for(user, _("Party member star rating sheet"), whose=organization.name,
                                period=year_period(year))
    return xlsx_response(f"member-stars-{organization.pk}-{year}", _("Member star ratings"),
                         member_sheet_headers(), member_sheet_rows(organization, year=year, kind=kind,
                                                                   policy=policy), letterhead=letterhead, key_columns=3)
