"""Excel exports of recognition, through the kernel's writer (letterhead, A4 print set-up, header row on every
page, page numbers): the advanced models and experiences, a commendation list (the table attached to the
decision: 序号 | 乡镇 | 党组织 | 姓名 | 性别 | 党员类别 | 星级 | 表彰 | 备注) and the 共产党员户 plaque list."""

from __future__ import annotations

from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.exports.excel import letterhead_for, xlsx_response, year_period


def _date(value):
    return timezone.localtime(value).date() if value else None


def exemplars_export_response(queryset, user=None):
    years = queryset.order_by().aggregate(first=Min("year"), last=Max("year"))
    headers = [_("County"), _("Township"), _("Party organization"), _("Year"), _("Kind"), _("Title"),
               _("Name of the model"), _("Deeds or practice"), _("Status"), _("Approved on"), _("Published on")]

    def rows():
        for e in queryset.iterator(chunk_size=2000):
            yield [e.county.name, e.township.name if e.township else "", e.organization.name, e.year,
                   e.get_kind_display(), e.title, e.subject, e.summary, e.get_status_display(),
                   _date(e.reviewed_at) if e.status in ("approved", "published") else None, _date(e.published_at)]

    letterhead = letterhead_for(user, _("Advanced models and experiences"),
                                period=year_period(years["first"], years["last"]))
    return xlsx_response(f"advanced-models-{timezone.localdate():%Y%m%d}", _("Advanced models"), headers, rows(),
                         letterhead=letterhead, key_columns=3)


def commendation_list_export_response(commendations, entries, user=None):
    headers = [_("No."), _("Township"), _("Party organization"), _("Name"), _("Sex"), _("Member category"),
               _("Final stars"), _("Star cap"), _("Commended"), _("Remarks")]

    def rows():
        for index, e in enumerate(entries.order_by("-included", "organization__division__code", "-stars",
                                                   "member__name"), start=1):
            yield [index, e.township.name if e.township else "", e.organization.name, e.member.name,
                   e.member.get_sex_display() if e.member.sex else "", e.member.get_category_display(), e.stars,
                   e.star_cap, _("Yes") if e.included else _("No"), e.remark]

    notes = [_("Honour: %(honour)s. From the final year-end star ratings of %(year)s.")
             % {"honour": commendations.honour, "year": commendations.ratings_year}]
    if commendations.is_decided:
        notes.append(_("Decided on %(day)s, document %(number)s.")
                     % {"day": commendations.decided_on.strftime("%Y.%m.%d"),
                        "number": commendations.decision_number})
    else:
        notes.append(_("Proposed list, not yet decided."))
    letterhead = letterhead_for(user, f"{commendations.get_occasion_display()} · {commendations.honour}",
                                whose=commendations.division.name,
                                period=year_period(commendations.year)).with_notes(*notes)
    return xlsx_response(f"commendations-{commendations.division.code}-{commendations.year}-"
                         f"{commendations.occasion}", _("Commendation list"), headers, rows(),
                         letterhead=letterhead, key_columns=4)


def plaques_export_response(queryset, user=None):
    headers = [_("County"), _("Township"), _("Party organization"), _("Plaque number"), _("Party member"),
               _("Member category"), _("Hung on"), _("Removed on"), _("Reason for removal"), _("Remarks")]

    def rows():
        for p in queryset.order_by("organization__division__code", "number", "pk").iterator(chunk_size=2000):
            yield [p.county.name, p.township.name if p.township else "", p.organization.name, p.number,
                   p.member.name, p.member.get_category_display(), p.hung_on, p.removed_on, p.removed_reason,
                   p.note]

    letterhead = letterhead_for(user, _("Party member household plaques"))
    return xlsx_response(f"party-member-households-{timezone.localdate():%Y%m%d}", _("Household plaques"),
                         headers, rows(), letterhead=letterhead, key_columns=4)
