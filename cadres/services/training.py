"""Writes of training: events kept by a county or township, and their attendance.

Events belong to a county or township division ("training"/"change" on that division); an
attendance row belongs to the attendee's organization and must be inside the user's writable scope.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from organizations.models import Division
from organizations.permissions import writable
from organizations.roles import Level
from organizations.services.common import by, require

from ..models import SECRETARY_POSTS, Cadre, TrainingAttendance, TrainingEvent

EVENT_FIELDS = ("title", "held_on", "ends_on", "organizer", "location", "hours", "for_secretaries")


def _check_division(division: Division) -> None:
    if division.level not in (Level.COUNTY, Level.TOWNSHIP):
        raise ValidationError({"division": _("Trainings are kept by a county or a township.")})


def _save_event(event: TrainingEvent, user) -> TrainingEvent:
    if event.ends_on and event.ends_on < event.held_on:
        raise ValidationError({"ends_on": _("The training cannot end before it starts.")})
    event.full_clean()
    by(event, user).save()
    return event


@transaction.atomic
def training_event_create(*, user, division: Division, **fields: Any) -> TrainingEvent:
    require(user, "training", "change", division)
    _check_division(division)
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown training fields: {sorted(unknown)}")
    return _save_event(TrainingEvent(division=division, **fields), user)


@transaction.atomic
def training_event_update(*, user, event: TrainingEvent, division: Division | None = None,
                          **fields: Any) -> TrainingEvent:
    require(user, "training", "change", event)
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    if division is not None and division.pk != event.division_id:
        require(user, "training", "change", division)
        _check_division(division)
        event.division = division
    for name, value in fields.items():
        if name not in EVENT_FIELDS:
            raise TypeError(f"Unknown training field: {name}")
        setattr(event, name, value)
    return _save_event(event, user)


@transaction.atomic
def training_event_delete(*, user, event: TrainingEvent) -> None:
    require(user, "training", "change", event)
    event.attendance.all().delete()
    by(event, user).delete()


def _writable_cadres(user):
    return writable(Cadre.objects.all(), user, "training", "change")


@transaction.atomic
def attendance_add(*, user, event: TrainingEvent, cadres, passed: bool = True) -> list[TrainingAttendance]:
    """Add roster cadres to an event's attendance (those already on it are left as they are)."""
    require(user, "training", "change", event)
    ids = [c.pk for c in cadres]
    allowed = {c.pk: c for c in _writable_cadres(user).filter(pk__in=ids)}
    refused = [c for c in cadres if c.pk not in allowed]
    if refused:
        raise ValidationError({"cadres": _("%(names)s cannot be entered by you.") % {
            "names": "、".join(c.name for c in refused[:5])}})
    present = set(TrainingAttendance.objects.filter(event=event, cadre_id__in=ids).values_list("cadre_id", flat=True))
    made = []
    for pk in dict.fromkeys(ids):
        if pk in present:
            continue
        cadre = allowed[pk]
        row = TrainingAttendance(event=event, cadre=cadre, name=cadre.name, passed=passed)
        row.copy_scope_from(cadre)
        by(row, user).save()
        made.append(row)
    return made


def attendance_add_township_secretaries(*, user, event: TrainingEvent, township: Division,
                                        passed: bool = True) -> list[TrainingAttendance]:
    """Add every current village Party secretary of ``township`` to the event."""
    require(user, "training", "change", township)
    from ..selectors.reserve import POOL_CATEGORIES

    cadres = list(_writable_cadres(user).filter(
        township=township, post__in=SECRETARY_POSTS, post_ended_on__isnull=True,
        organization__category__in=POOL_CATEGORIES))
    if not cadres:
        raise ValidationError({"township": _("%(township)s has no current village secretaries on the roster.") % {
            "township": township.name}})
    return attendance_add(user=user, event=event, cadres=cadres, passed=passed)


@transaction.atomic
def attendance_set_passed(*, user, attendance: TrainingAttendance, passed: bool) -> TrainingAttendance:
    require(user, "training", "change", attendance)
    attendance.passed = passed
    by(attendance, user).save()
    return attendance


@transaction.atomic
def attendance_remove(*, user, attendance: TrainingAttendance) -> None:
    require(user, "training", "change", attendance)
    by(attendance, user).delete()
