"""Writes of the county supervision teams (督导组) and their inspections (issue 14 item 2).

- ``supervision_team_save``: a team of the county, its leader and members, the townships assigned to it (created
  or changed);
- ``supervision_team_set_active``: a team deactivated (its supervision over) or brought back, with the reason;
- ``inspection_record``: a dated visit of a team to one of its townships;
- ``inspection_finding_add``: the finding on one organization visited, with its score; the finding may open an
  escalation (cause "inspection", or joins the organization's open one) or demand the rectification of a
  measure of the organization's plan (a task added to the measure with the deadline given).
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

from ..models import Cause, Escalation, FindingAction, Inspection, InspectionFinding, Measure, SupervisionTeam
from .checks import _text
from .escalations import default_owner, escalation_open
from .plans import task_add


@transaction.atomic
def supervision_team_save(*, user, county: Division, name: str, leader: str, members: str, townships,
                          active: bool = True, team: SupervisionTeam | None = None) -> SupervisionTeam:
    """Create (``team`` None) or change a supervision team of ``county`` (its name, leader, members, townships;
    audited, the townships' changes too)."""
    require(user, "supervision", "change", county)
    if county.level != Level.COUNTY:
        raise ValidationError(_("A supervision team is the county's."))
    if team is not None:
        require(user, "supervision", "change", team)
        if team.division_id != county.pk:
            raise ValidationError(_("A supervision team stays with its county."))
    townships = list(townships)
    if any(t.level != Level.TOWNSHIP or t.county_id != county.pk for t in townships):
        raise ValidationError({"townships": _("Choose townships of the county.")})
    if not townships:
        raise ValidationError({"townships": _("Assign at least one township.")})
    name = _text("name", name, _("Name the team."))
    if SupervisionTeam.objects.filter(division=county, name=name).exclude(pk=getattr(team, "pk", None)).exists():
        raise ValidationError({"name": _("The county has a team of this name.")})
    team = team or SupervisionTeam(division=county)
    team.name, team.active = name, active
    team.leader = _text("leader", leader, _("Name the team leader."))
    team.members = _text("members", members, _("List the members."))
    team.full_clean(exclude=["division", "townships"], validate_constraints=False)
    by(team, user).save()
    team.townships.set(townships)
    return team


@transaction.atomic
def supervision_team_set_active(*, user, team: SupervisionTeam, active: bool, reason: str = "") -> SupervisionTeam:
    """Deactivate a team (its supervision is over: it records no more inspections, its records stay) or bring it
    back; the reason goes into its history."""
    require(user, "supervision", "change", team)
    team = SupervisionTeam.objects.select_for_update().get(pk=team.pk)
    if team.active == bool(active):
        raise ValidationError(_("The team is already active.") if active else _("The team is already inactive."))
    team.active = bool(active)
    team._change_reason = (reason or "").strip()[:100] or None
    by(team, user).save()
    return team


@transaction.atomic
def inspection_record(*, user, team: SupervisionTeam, township: Division, inspected_on: dt.date, notes: str = "",
                      today: dt.date | None = None) -> Inspection:
    require(user, "supervision", "inspect", team.division)
    if not team.active:
        raise ValidationError(_("This supervision team is inactive: it records no inspection."))
    if not team.townships.filter(pk=township.pk).exists():
        raise ValidationError({"township": _("Choose a township assigned to the team.")})
    if inspected_on is None or inspected_on > (today or timezone.localdate()):
        raise ValidationError({"inspected_on": _("The date cannot be in the future.")})
    inspection = Inspection(team=team, division=township, county_id=team.division_id, inspected_on=inspected_on,
                            notes=(notes or "").strip(), entered_by=user)
    inspection.full_clean(exclude=["team", "division", "county", "entered_by"])
    by(inspection, user).save()
    return inspection


@transaction.atomic
def inspection_finding_add(*, user, inspection: Inspection, organization: Organization, finding: str,
                           score: int | None = None, action: str = FindingAction.NONE, measure: Measure | None = None,
                           rectify_by: dt.date | None = None, today: dt.date | None = None) -> InspectionFinding:
    """The finding on one organization the inspection visited, and what follows from it."""
    require(user, "supervision", "inspect", inspection)
    if organization.township_id != inspection.division_id:
        raise ValidationError({"organization": _("Choose an organization of the township inspected.")})
    if InspectionFinding.objects.filter(inspection=inspection, organization=organization).exists():
        raise ValidationError({"organization": _("This organization already has a finding in this inspection.")})
    if score is not None and not 0 <= score <= 100:
        raise ValidationError({"score": _("The score is between 0 and 100.")})
    record = InspectionFinding(inspection=inspection, organization=organization, county_id=organization.county_id,
                               township_id=organization.township_id, score=score, action=action,
                               finding=_text("finding", finding, _("Describe the finding.")))
    record.full_clean(exclude=["inspection", "organization", "county", "township", "escalation", "measure", "task"])
    by(record, user).save()
    day = today or timezone.localdate()
    text = _("Supervision team %(team)s, inspection of %(day)s: %(finding)s") % {
        "team": inspection.team.name, "day": inspection.inspected_on, "finding": record.finding}
    if action == FindingAction.ESCALATE:
        open_one = Escalation.objects.select_for_update().filter(organization=organization, cause=Cause.INSPECTION,
                                                                 resolved_on__isnull=True).first()
        if open_one is not None:
            open_one.subjects = [*open_one.subjects, f"finding-{record.pk}"]
            open_one.reason = f"{open_one.reason}\n{text}"
            by(open_one, user).save()
            record.escalation = open_one
        else:
            record.escalation = escalation_open(user=user, organization=organization, cause=Cause.INSPECTION,
                                                reason=text, today=day, subjects=[f"finding-{record.pk}"])
    elif action == FindingAction.RECTIFY:
        if measure is None or measure.organization_id != organization.pk:
            raise ValidationError({"measure": _("Choose a measure of this organization's plan.")})
        if rectify_by is None:
            raise ValidationError({"rectify_by": _("Give the deadline of the rectification.")})
        record.measure = measure
        try:
            record.task = task_add(user=user, measure=measure, title=(_("Rectify (supervision): %(finding)s") % {
                "finding": record.finding})[:200], owner_name=default_owner(organization)[:50], deadline=rectify_by)
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {"measure": exc.messages}
            raise ValidationError({("rectify_by" if key == "deadline" else "measure"): value
                                   for key, value in messages.items()}) from exc
    by(record, user).save()
    return record
