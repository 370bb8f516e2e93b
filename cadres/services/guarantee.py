"""Writes of the guarantee ledger (保障台账): the year's venue and secretary's pay, the subsidy's disbursements,
the monthly days in the village of the first secretary and the work team.

Every write checks the role table ("guarantee"/"change": county admins, township organizers and secretaries;
"guarantee"/"days" for a month's days in the village, where a first secretary enters their own) on the
organization, creates the organization's ledger of the year on its first record (scope copied from the
organization) and is audited (django-simple-history, author recorded with ``by``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.dates import validate_date_range
from organizations.models import Organization
from organizations.services.common import by, require

from ..models import Disbursement, FirstSecretary, FundSource, GuaranteeLedger, PresenceKind, PresenceMonth

LEDGER_FIELDS = ("venue_area", "venue_condition", "venue_renovation", "venue_note", "secretary_name",
                 "secretary_pay", "note")


def _check_year(year: int) -> int:
    year = int(year)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Choose a year between 2000 and 2100.")})
    return year


def _ledger(organization: Organization, year: int, user) -> GuaranteeLedger:
    """The organization's ledger of ``year``, locked; created (audited) on the first record."""
    ledger = GuaranteeLedger.objects.select_for_update().filter(organization=organization, year=year).first()
    if ledger is None:
        ledger = GuaranteeLedger(organization=organization, county_id=organization.county_id,
                                 township_id=organization.township_id, year=year,
                                 secretary_name=organization.secretary_name)
        ledger.full_clean()
        by(ledger, user).save()
    return ledger


@transaction.atomic
def guarantee_ledger_save(*, user, organization: Organization, year: int, **fields: Any) -> GuaranteeLedger:
    """Record (or correct) the year's venue (area, condition, renovation) and the secretary's pay."""
    require(user, "guarantee", "change", organization)
    year = _check_year(year)
    unknown = set(fields) - set(LEDGER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown guarantee ledger fields: {sorted(unknown)}")
    ledger = _ledger(organization, year, user)
    for name, value in fields.items():
        setattr(ledger, name, "" if value is None and name not in ("venue_area", "secretary_pay") else value)
    ledger.full_clean()
    by(ledger, user).save()
    return ledger


@transaction.atomic
def disbursement_record(*, user, organization: Organization, year: int, paid_on: dt.date, source: str,
                        amount: Decimal, use: str) -> Disbursement:
    """Record an amount of the operating funds paid to the organization in ``year``."""
    require(user, "guarantee", "change", organization)
    year = _check_year(year)
    validate_date_range(paid_on)
    errors = {}
    if paid_on.year != year:
        errors["paid_on"] = _("The date must lie in %(year)s, the year of the ledger.") % {"year": year}
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("The date cannot be in the future.")
    if amount is None or Decimal(amount) <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    if source not in FundSource.values:
        errors["source"] = _("Choose a source of funds.")
    if not (use or "").strip():
        errors["use"] = _("Say what the money is for.")
    if errors:
        raise ValidationError(errors)
    ledger = _ledger(organization, year, user)
    row = Disbursement(ledger=ledger, organization=organization, county_id=organization.county_id,
                       township_id=organization.township_id, paid_on=paid_on, source=source,
                       amount=Decimal(amount), use=use.strip())
    row.full_clean()
    by(row, user).save()
    return row


@transaction.atomic
def disbursement_delete(*, user, disbursement: Disbursement) -> None:
    """Remove a disbursement entered by mistake (the audit trail keeps it)."""
    require(user, "guarantee", "change", disbursement)
    by(disbursement, user).delete()


def _days_in_month(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def own_first_secretaries(user, organization: Organization):
    """The first secretary records of ``organization`` whose portal account is ``user``."""
    return FirstSecretary.objects.filter(organization=organization, user_id=user.pk)


def keeps_guarantee(user, organization: Organization) -> bool:
    """May ``user`` enter everything of the organization's guarantee ledger (the townships and the county), not
    only their own days (a first secretary)?"""
    from organizations.permissions import can

    return can(user, "guarantee", "change", organization)


def _own_entries_only(user, organization: Organization, entries: list[dict]) -> None:
    """A first secretary (not a keeper of the ledger) enters their own days and nothing else."""
    own = {fs.pk: fs for fs in own_first_secretaries(user, organization)}
    for entry in entries:
        first_secretary = entry.get("first_secretary")
        if entry.get("kind") != PresenceKind.FIRST_SECRETARY or not isinstance(first_secretary, FirstSecretary) \
                or first_secretary.pk not in own:
            raise PermissionDenied(_("A first secretary enters their own days in the village only."))
        entry["name"] = own[first_secretary.pk].name


@transaction.atomic
def presence_record(*, user, organization: Organization, year: int, month: int, working_days: int,
                    entries: list[dict]) -> list[PresenceMonth]:
    """Record one month's days in the village: ``entries`` = ``[{"kind", "name", "days_in_village",
    "first_secretary" (optional)}]``, one per person; a person already entered for the month is corrected.

    The ledger's keepers ("guarantee"/"change") enter anyone resident; a first secretary holding the object role
    on the organization ("guarantee"/"days") only their own row (their first secretary record, linked to their
    portal account)."""
    require(user, "guarantee", "days", organization)
    if not keeps_guarantee(user, organization):
        _own_entries_only(user, organization, entries)
    year = _check_year(year)
    errors = {}
    if not 1 <= int(month) <= 12:
        errors["month"] = _("Choose a month.")
    elif dt.date(year, month, 1) > timezone.localdate():
        errors["month"] = _("The month has not begun yet.")
    length = _days_in_month(year, month) if "month" not in errors else 31
    if not 1 <= int(working_days) <= length:
        errors["working_days"] = _("Working days lie between 1 and %(days)s.") % {"days": length}
    if not entries:
        errors["entries"] = _("Enter the days of at least one person.")
    if errors:
        raise ValidationError(errors)
    for entry in entries:
        if entry["kind"] not in PresenceKind.values or not (entry.get("name") or "").strip():
            raise ValidationError({"entries": _("Each person needs a name and a role.")})
        days = entry.get("days_in_village")
        if days is None or not 0 <= int(days) <= length:
            raise ValidationError({"entries": _("%(name)s: the days in the village lie between 0 and %(days)s.")
                                   % {"name": entry["name"], "days": length}})
        first_secretary = entry.get("first_secretary")
        if first_secretary is not None and (not isinstance(first_secretary, FirstSecretary)
                                            or first_secretary.organization_id != organization.pk):
            raise ValidationError({"entries": _("%(name)s is not a first secretary of this organization.")
                                   % {"name": entry["name"]}})
    ledger = _ledger(organization, year, user)
    saved = []
    for entry in entries:
        name = entry["name"].strip()
        row = PresenceMonth.objects.filter(ledger=ledger, month=month, kind=entry["kind"], name=name).first()
        if row is None:
            row = PresenceMonth(ledger=ledger, organization=organization, county_id=organization.county_id,
                                township_id=organization.township_id, month=month, kind=entry["kind"], name=name)
        row.first_secretary = entry.get("first_secretary")
        row.working_days = int(working_days)
        row.days_in_village = int(entry["days_in_village"])
        row.full_clean()
        by(row, user).save()
        saved.append(row)
    return saved
