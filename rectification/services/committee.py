"""Party committee study of the rectification (models/committee.py): meetings of a township Party committee or
of the county's Standing Committee, and the township Party secretaries' own contact villages.

Writes, checked against the role table and audited with their author: a township's meetings and contacts are
kept by its organizers and secretary or by the county organization department (``committee_meeting``,
``secretary_contact``), the county's meetings by the county organization department (the role must be held at
or above the meeting's division: a township role does not see the county).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Division, Organization
from organizations.roles import Level
from organizations.services.common import by, require

from ..models import CommitteeMeeting, SecretaryContact

#: The divisions whose Party committee studies the rectification: the county and its townships.
STUDY_LEVELS = (Level.COUNTY, Level.TOWNSHIP)
MEETING_FIELDS = ("held_on", "attendees", "topics", "decisions", "organizations")
MAX_TEXT = 20000


def _today(today) -> dt.date:
    return today or timezone.localdate()


def _required(field: str, value: str, message: str, limit: int = MAX_TEXT) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(max)s characters.") % {"max": limit}})
    return value


def _check_meeting(division: Division, values: dict, today: dt.date) -> dict:
    held_on = values["held_on"]
    if held_on is None or held_on > today:
        raise ValidationError({"held_on": _("The meeting date cannot be in the future.")})
    cleaned = {"held_on": held_on,
               "attendees": _required("attendees", values["attendees"], _("Name who attended."), 500),
               "topics": _required("topics", values["topics"], _("Say what the meeting studied.")),
               "decisions": _required("decisions", values["decisions"], _("Record what the meeting decided."))}
    organizations = list(values.get("organizations") or [])
    column = "county_id" if division.level == Level.COUNTY else "township_id"
    outside = [o.name for o in organizations if getattr(o, column) != division.pk]
    if outside:
        raise ValidationError({"organizations": _("Not under %(division)s: %(names)s.")
                               % {"division": division.name, "names": "、".join(outside)}})
    cleaned["organizations"] = organizations
    return cleaned


@transaction.atomic
def committee_meeting_record(*, user, division: Division, held_on: dt.date, attendees: str, topics: str,
                             decisions: str, organizations=(), today: dt.date | None = None) -> CommitteeMeeting:
    """Record a Party committee meeting of ``division`` (a county or a township) that studied the rectification."""
    if division.level not in STUDY_LEVELS:
        raise ValidationError({"division": _("Choose a county or a township: their Party committees study the "
                                             "rectification.")})
    require(user, "committee_meeting", "create", division)
    values = _check_meeting(division, {"held_on": held_on, "attendees": attendees, "topics": topics,
                                       "decisions": decisions, "organizations": organizations}, _today(today))
    chosen = values.pop("organizations")
    meeting = CommitteeMeeting(division=division, entered_by=user, **values)
    by(meeting, user).save()
    meeting.organizations.set(chosen)
    return meeting


@transaction.atomic
def committee_meeting_update(*, user, meeting: CommitteeMeeting, today: dt.date | None = None,
                             **fields) -> CommitteeMeeting:
    """Correct a meeting's record (audited); fields left out keep their value."""
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"Unknown meeting fields: {sorted(unknown)}")
    meeting = CommitteeMeeting.objects.select_for_update().select_related("division").get(pk=meeting.pk)
    require(user, "committee_meeting", "change", meeting)
    current = {name: getattr(meeting, name) for name in MEETING_FIELDS if name != "organizations"}
    current["organizations"] = list(meeting.organizations.all())
    values = _check_meeting(meeting.division, {**current, **fields}, _today(today))
    chosen = values.pop("organizations")
    for name, value in values.items():
        setattr(meeting, name, value)
    by(meeting, user).save()
    meeting.organizations.set(chosen)
    return meeting


@transaction.atomic
def secretary_contact_record(*, user, organization: Organization, secretary_name: str, started_on: dt.date,
                             note: str = "", today: dt.date | None = None) -> SecretaryContact:
    """The township Party secretary takes ``organization`` (a village or community of the township) as his or
    her own contact village."""
    require(user, "secretary_contact", "change", organization)
    if organization.township_id is None:
        raise ValidationError({"organization": _("Choose a village or community of a township.")})
    name = _required("secretary_name", secretary_name, _("Name the township Party secretary."), 50)
    if started_on is None or started_on > _today(today):
        raise ValidationError({"started_on": _("The contact cannot start in the future.")})
    if SecretaryContact.objects.filter(organization=organization, secretary_name=name,
                                       ended_on__isnull=True).exists():
        raise ValidationError({"organization": _("%(name)s already contacts %(organization)s.")
                               % {"name": name, "organization": organization.name}})
    contact = SecretaryContact(secretary_name=name, started_on=started_on, note=(note or "").strip()[:500],
                               entered_by=user)
    contact.organization = organization
    contact.county_id, contact.township_id = organization.county_id, organization.township_id
    by(contact, user).save()
    return contact


@transaction.atomic
def secretary_contact_end(*, user, contact: SecretaryContact, ended_on: dt.date,
                          today: dt.date | None = None) -> SecretaryContact:
    """The contact ends (a new secretary, the village transformed): kept, with its end date."""
    contact = SecretaryContact.objects.select_for_update().get(pk=contact.pk)
    require(user, "secretary_contact", "change", contact)
    if contact.ended_on is not None:
        raise ValidationError(_("This contact has already ended."))
    if ended_on is None or ended_on < contact.started_on or ended_on > _today(today):
        raise ValidationError({"ended_on": _("The end date lies between the start of the contact and today.")})
    contact.ended_on = ended_on
    by(contact, user).save()
    return contact
