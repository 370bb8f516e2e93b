"""The organization list export: the list page's scoped, filtered queryset written as a workbook."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import OrganizationCategory, OrganizationType
from .excel import letterhead_for, xlsx_response

ORGANIZATION_HEADERS = (
    gettext_lazy("No."),
    gettext_lazy("County (city, district)"),
    gettext_lazy("Township (subdistrict)"),
    gettext_lazy("Division code"),
    gettext_lazy("Village (community)"),
    gettext_lazy("Organization name"),
    gettext_lazy("Organization type"),
    gettext_lazy("Organization category"),
    gettext_lazy("Secretary"),
    gettext_lazy("Party members"),
    gettext_lazy("Population"),
)

_FIELDS = ("county__name", "township__name", "division__code", "village__name", "name", "org_type", "category",
           "secretary_name", "member_count", "population")


def organization_rows(queryset):
    """One tuple per organization, streamed in chunks: no query per row."""
    types = {value: str(label) for value, label in OrganizationType.choices}
    categories = {value: str(label) for value, label in OrganizationCategory.choices}
    values = queryset.select_related(None).values_list(*_FIELDS).iterator(chunk_size=2000)
    for number, (county, township, code, village, name, org_type, category, secretary, members,
                 population) in enumerate(values, start=1):
        yield (number, county or "", township or "", code, village or "", name, types.get(org_type, org_type),
               categories.get(category, category), secretary, members, population)


def organizations_export_response(queryset, user=None):
    filename = "{}-{}.xlsx".format(_("Party organizations"), timezone.localdate().strftime("%Y%m%d"))
    return xlsx_response(filename, _("Party organizations"), [str(h) for h in ORGANIZATION_HEADERS],
                         organization_rows(queryset), letterhead=letterhead_for(user, _("Party organization list")),
                         key_columns=6)
