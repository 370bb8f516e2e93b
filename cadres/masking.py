"""Personal numbers (ID and mobile) are masked everywhere; unmasking is an explicit, audited action.

Policy (issue 5, point 1):

* Lists, detail pages, history, exports and the API always show ``350322********1234`` and
  ``138****1234``, for every role, including the roles that may unmask.
* A role holding ``personal_data/unmask`` on the object (township organizer, township secretary,
  county admin; see ``organizations/permissions.py``) may ask for the full numbers of ONE person
  through an explicit POST action ("show full number"); each such view writes a
  ``SecurityEvent(kind=personal_data_view)`` with who, whom, when and which fields.
* Exports: the same roles may tick ``unmasked=1``; the export then carries full numbers only for
  the rows they may unmask, and one security event lists the people exported unmasked.

* Birth dates (issue 10): beside a masked ID number the full date of birth is exactly the ID's hidden
  digits, so every page, the API, exports and the history show the YEAR only (``birth_year``,
  ``mask_birth_date``). The full date is seen only with the full ID number: the audited unmask action, or
  an export asked ``unmasked=1`` by a role that may unmask (those rows only).

Every cadres page, export and serializer (roster, reserve pool, first secretaries) uses these helpers.
The number checks themselves (GB 11643 check digit, mobile format, the masking of one number) are
in ``cadres/identity.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from organizations.models.audit import SecurityEventKind
from organizations.permissions import can, roles_allowed

from .identity import mask_id_number, mask_mobile

#: The personal-number fields of PersonFields and their masking functions.
MASKERS = {"id_number": mask_id_number, "phone": mask_mobile}
PERSONAL_FIELDS = tuple(MASKERS)


def birth_year(value: dt.date | None) -> str:
    """The one rule for a date of birth shown beside a masked ID number: the year only ("" when unknown)."""
    return str(value.year) if value else ""


def mask_birth_date(value) -> str:
    """``birth_year`` for a date or for a date already written out (history values): the first 4-digit year."""
    if isinstance(value, dt.date):
        return birth_year(value)
    match = re.search(r"\d{4}", str(value or ""))
    return match.group(0) if match else ""


#: Every hidden number of a cadres record (person fields, holders' mobiles) and its masking function.
NUMBER_MASKERS = {**MASKERS, "contact_phone": mask_mobile}
#: What the audit-history display masks on a cadres record: the numbers and the birth date (year only).
HISTORY_MASKERS = {**NUMBER_MASKERS, "birth_date": mask_birth_date}


def mask_value(field: str, value: str) -> str:
    """The masked form of ``value`` for one personal field ("" stays "")."""
    if not value:
        return ""
    return MASKERS[field](value)


def masked_person(obj) -> dict[str, str]:
    """``{"id_number": masked, "phone": masked}`` for any PersonFields row."""
    return {field: mask_value(field, getattr(obj, field, "") or "") for field in PERSONAL_FIELDS}


def can_unmask(user, obj) -> bool:
    """May ``user`` see the full ID/mobile numbers of ``obj`` (after an audited action)?"""
    return can(user, "personal_data", "unmask", obj)


def unmaskable_ids(user, queryset) -> set[int]:
    """Primary keys of ``queryset`` whose numbers ``user`` may unmask: one query (for exports)."""
    if user.is_superuser:
        return set(queryset.values_list("pk", flat=True))
    model = queryset.model
    allowed = model.objects.visible_to(user, roles=roles_allowed("personal_data", "unmask"))
    return set(queryset.filter(pk__in=allowed.values("pk")).values_list("pk", flat=True))


def record_unmasked_view(user, obj, fields: Iterable[str], request=None, *, via: str = "page") -> None:
    """Write the security event for one view of full numbers: who (user), whom (obj), when, what (fields)."""
    from organizations.services import security_event_record

    security_event_record(
        kind=SecurityEventKind.PERSONAL_DATA_VIEW, user=user, request=request,
        model=obj._meta.label_lower, object_id=obj.pk, person=str(getattr(obj, "name", obj)),
        fields=sorted(fields), via=via,
    )


def record_unmasked_export(user, queryset_or_objs, request=None, *, via: str = "export") -> None:
    """One security event for an unmasked export: lists the people whose numbers left the portal."""
    from organizations.services import security_event_record

    objs = list(queryset_or_objs)
    label = objs[0]._meta.label_lower if objs else ""
    security_event_record(
        kind=SecurityEventKind.PERSONAL_DATA_VIEW, user=user, request=request, model=label,
        object_ids=[o.pk for o in objs], count=len(objs), fields=list(PERSONAL_FIELDS), via=via,
    )


def unmask_for_export(user, queryset, request=None, *, via: str) -> set[int]:
    """The rows of an export requested unmasked that ``user`` may unmask; one security event names them."""
    ids = unmaskable_ids(user, queryset)
    if ids:
        record_unmasked_export(user, queryset.model.objects.filter(pk__in=ids).only("pk", "name").order_by("pk"),
                               request=request, via=via)
    return ids


def unmask(user, obj, fields: Iterable[str] = PERSONAL_FIELDS, request=None, *, via: str = "page") -> dict[str, str]:
    """Check the role, log the view and return the full values of ``fields``.

    Raises PermissionDenied when the user may not unmask ``obj`` (callers make out-of-scope a 404 first).
    """
    fields = [f for f in fields if f in NUMBER_MASKERS]
    if not can_unmask(user, obj):
        raise PermissionDenied(_("You may not see full personal numbers here."))
    record_unmasked_view(user, obj, fields, request=request, via=via)
    return {f: getattr(obj, f, "") or "" for f in fields}
