"""Writes of the escalation ladder (提醒 → 督办/挂牌督办 → 约谈 → 通报 → 问责), issue 14 item 1.

- ``escalation_open``: a reminder (提醒) raised on an organization, by a person or by the daily job;
- ``escalation_escalate``: the next rung with its record (督办 notice, 约谈 interview, 问责 decision);
- ``circular_issue``: a circular (通报) of the county listing organizations and reasons (their escalations climb
  to the circular rung);
- ``escalation_resolve``: resolution closes the escalation and stops its clock;
- ``instruction_write``: a county leader's instruction (批示) on an escalation or an organization;
- ``raise_county_escalations``: the daily job (idempotent: one open escalation per organization and cause, and
  none again for subjects a resolved one covered; reminders it raised are resolved when their cause has cleared;
  a reminder still open past its deadline and the policy's ``escalation_auto_supervision_days`` goes up to the
  supervision notice by itself, once).

The people concerned are told through the kernel's notifications (the organization's people, as for the daily
digest: township organizers and secretaries, village and first secretaries, contact leader, helping unit),
one message per person and step (the step's id is the dedupe key).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.dates import official_date
from organizations.models import Division, Organization, RoleAssignment
from organizations.policies import PolicyBook, organization_chain
from organizations.roles import Level, Role
from organizations.services.common import by, require
from organizations.services.notifications import Message, notify_many

from ..models import (
    AUTOMATIC_CAUSES,
    RUNG_ORDER,
    Cause,
    Circular,
    Designation,
    Escalation,
    EscalationStep,
    Instruction,
    Rung,
)
from ..models.escalations import rung_index
from ..selectors.bimonthly_reports import system_reader
from ..selectors.escalation_triggers import escalation_triggers
from ..selectors.recipients import people_of_organizations
from .checks import _text
from .consolidation import ledger_system_actor

DEADLINE_POLICY = {Rung.REMINDER: "escalation_reminder_days", Rung.SUPERVISION: "escalation_supervision_days",
                   Rung.INTERVIEW: "escalation_follow_up_days", Rung.CIRCULAR: "escalation_follow_up_days",
                   Rung.ACCOUNTABILITY: "escalation_follow_up_days"}


def _today(today) -> dt.date:
    if isinstance(today, dt.date):
        return today
    return dt.date.fromisoformat(today) if today else timezone.localdate()


def _policy(organization, key: str) -> int:
    return int(PolicyBook([key]).for_chain(organization_chain(organization))[key])


def default_deadline(organization, rung: str, day: dt.date) -> dt.date:
    """The deadline a rung gives by the policy (the reminder, the notice, the follow-up)."""
    return day + dt.timedelta(days=_policy(organization, DEADLINE_POLICY[rung]))


def default_owner(organization) -> str:
    """Who answers for an organization's escalation: its township's Party committee (or the organization)."""
    township = Division.objects.filter(pk=organization.township_id).values_list("name", flat=True).first()
    return _("%(township)s Party committee") % {"township": township} if township else organization.name



def _date(field: str, day, *, today: dt.date, not_before: dt.date | None = None) -> dt.date:
    if day is None:
        raise ValidationError({field: _("Enter the date.")})
    if day > today:
        raise ValidationError({field: _("The date cannot be in the future.")})
    if not_before is not None and day < not_before:
        raise ValidationError({field: _("The date cannot be before %(day)s.") % {"day": official_date(not_before)}})
    return day


def _url(escalation: Escalation) -> str:
    return reverse("rectification:escalation", args=[escalation.pk])


def _tell(escalation: Escalation, *, key: str, title: str, lines: list[str], exclude=None,
          county_admins: bool = False) -> None:
    """Tell the organization's people (and the county admins) about a step."""
    people = set(people_of_organizations([escalation.organization_id]).get(escalation.organization_id, set()))
    if county_admins:
        people |= set(RoleAssignment.objects.filter(role=Role.COUNTY_ADMIN, division_id=escalation.county_id)
                      .values_list("user_id", flat=True))
    if exclude is not None:
        people.discard(exclude.pk)
    notify_many(Message(user_id=user_id, title=title, body="\n".join(lines), url=_url(escalation), dedupe_key=key)
                for user_id in sorted(people))


def _record_step(escalation: Escalation, *, user, rung: str, taken_on: dt.date, **fields) -> EscalationStep:
    step = EscalationStep(escalation=escalation, rung=rung, taken_on=taken_on, entered_by=user, **fields)
    step.copy_scope_from(escalation)
    step.full_clean(exclude=["escalation", "organization", "county", "township", "circular"])
    by(step, user).save()
    return step


def _open(*, actor, organization, designation, cause: str, reason: str, subjects, today: dt.date,
          policy: dict, opened_by, owner_name: str = "", deadline: dt.date | None = None) -> Escalation:
    escalation = Escalation(organization=organization, county_id=organization.county_id,
                            township_id=organization.township_id, designation=designation, cause=cause,
                            subjects=list(subjects), reason=reason, rung=Rung.REMINDER, opened_on=today,
                            rung_since=today, owner_name=owner_name or default_owner(organization),
                            deadline=deadline or default_deadline(organization, Rung.REMINDER, today),
                            opened_by=opened_by, policy=policy)
    escalation.full_clean(exclude=["organization", "county", "township", "designation", "opened_by"],
                          validate_constraints=False)
    by(escalation, actor).save()
    step = _record_step(escalation, user=opened_by, rung=Rung.REMINDER, taken_on=today,
                        owner_name=escalation.owner_name, deadline=escalation.deadline, content=reason)
    names = {"organization": organization.name, "cause": escalation.get_cause_display()}
    _tell(escalation, key=f"escalation-step-{step.pk}", exclude=opened_by,
          title=_("Reminder: %(organization)s — %(cause)s") % names,
          lines=[reason, _("Respond by %(day)s (%(owner)s).") % {"day": official_date(escalation.deadline),
                                                                  "owner": escalation.owner_name}])
    return escalation


def _designation_of(organization: Organization) -> Designation | None:
    return Designation.objects.filter(organization=organization).order_by("-round__year", "-pk").first()


@transaction.atomic
def escalation_open(*, user, organization: Organization, cause: str = Cause.OTHER, reason: str,
                    designation: Designation | None = None, today: dt.date | None = None,
                    owner_name: str = "", deadline: dt.date | None = None, subjects=()) -> Escalation:
    """Raise a reminder (提醒) on an organization by hand. One open escalation per organization and cause."""
    require(user, "escalation", "create", organization)
    day = _today(today)
    if cause not in Cause.values:
        raise ValidationError({"cause": _("Choose a cause.")})
    reason = _text("reason", reason, _("Say why the organization is reminded."))
    if deadline is not None and deadline < day:
        raise ValidationError({"deadline": _("The deadline cannot be in the past.")})
    if designation is not None and designation.organization_id != organization.pk:
        raise ValidationError({"designation": _("Choose a designation of this organization.")})
    if Escalation.objects.filter(organization=organization, cause=cause, resolved_on__isnull=True).exists():
        raise ValidationError({"cause": _("This organization already has an open escalation for this cause.")})
    try:
        with transaction.atomic():
            return _open(actor=user, organization=organization, designation=designation or _designation_of(
                organization), cause=cause, reason=reason, subjects=subjects, today=day, policy={}, opened_by=user,
                         owner_name=owner_name.strip(), deadline=deadline)
    except IntegrityError as exc:
        raise ValidationError({"cause": _("This organization already has an open escalation for this cause.")}) \
            from exc


def _locked(escalation: Escalation) -> Escalation:
    return Escalation.objects.select_for_update().select_related("organization").get(pk=escalation.pk)


@transaction.atomic
def escalation_escalate(*, user, escalation: Escalation, rung: str, taken_on: dt.date, content: str,
                        owner_name: str = "", deadline: dt.date | None = None, document_number: str = "",
                        interviewer: str = "", interviewee: str = "", commitments: str = "",
                        follow_up_on: dt.date | None = None, today: dt.date | None = None,
                        circular: Circular | None = None) -> EscalationStep:
    """Take the escalation up to ``rung`` (any rung above the current one) with that rung's record."""
    require(user, "escalation", "escalate", escalation)
    escalation = _locked(escalation)
    day = _today(today)
    if not escalation.is_open:
        raise ValidationError(_("This escalation is resolved."))
    if rung not in RUNG_ORDER or rung_index(rung) <= rung_index(escalation.rung):
        raise ValidationError({"rung": _("Choose a rung above the current one.")})
    if rung == Rung.CIRCULAR and circular is None:
        raise ValidationError({"rung": _("A circular is issued from the circulars page.")})
    taken_on = _date("taken_on", taken_on, today=day, not_before=escalation.rung_since)
    organization = escalation.organization
    fields = {"owner_name": (owner_name or "").strip(), "document_number": (document_number or "").strip(),
              "circular": circular}
    if rung == Rung.SUPERVISION:
        content = _text("content", content, _("State what the supervision notice requires."))
        fields["deadline"] = deadline or default_deadline(organization, rung, taken_on)
        fields["owner_name"] = fields["owner_name"] or escalation.owner_name
    elif rung == Rung.INTERVIEW:
        content = _text("content", content, _("State the problems raised in the interview."))
        fields["interviewer"] = _text("interviewer", interviewer, _("Name who held the interview."))
        fields["interviewee"] = _text("interviewee", interviewee, _("Name who was interviewed."))
        fields["commitments"] = _text("commitments", commitments, _("Record the commitments made."))
        fields["follow_up_on"] = follow_up_on or default_deadline(organization, rung, taken_on)
        fields["deadline"] = deadline or fields["follow_up_on"]
        fields["owner_name"] = fields["owner_name"] or fields["interviewee"]
    elif rung == Rung.CIRCULAR:
        content = _text("content", content, _("State the reason given in the circular."))
        fields["deadline"] = deadline or default_deadline(organization, rung, taken_on)
        fields["owner_name"] = fields["owner_name"] or escalation.owner_name
    else:  # accountability
        content = _text("content", content, _("Record the accountability decision."))
        fields["document_number"] = _text("document_number", document_number,
                                          _("Enter the decision's document number."))
        fields["deadline"] = deadline
        fields["owner_name"] = fields["owner_name"] or escalation.owner_name
    if fields.get("deadline") is not None and fields["deadline"] < taken_on:
        raise ValidationError({"deadline": _("The deadline cannot be before the step.")})
    if fields.get("follow_up_on") is not None and fields["follow_up_on"] < taken_on:
        raise ValidationError({"follow_up_on": _("The follow-up date cannot be before the interview.")})
    step = _record_step(escalation, user=user, rung=rung, taken_on=taken_on, content=content, **fields)
    escalation.rung, escalation.rung_since = rung, taken_on
    escalation.deadline, escalation.owner_name = step.deadline, step.owner_name or escalation.owner_name
    by(escalation, user).save()
    names = {"organization": organization.name, "rung": step.get_rung_display(), "cause":
             escalation.get_cause_display()}
    lines = [content]
    if step.deadline:
        lines.append(_("Deadline: %(day)s (%(owner)s).") % {"day": official_date(step.deadline),
                                                           "owner": step.owner_name})
    _tell(escalation, key=f"escalation-step-{step.pk}", exclude=user,
          title=_("%(rung)s: %(organization)s — %(cause)s") % names, lines=lines)
    return step


@transaction.atomic
def escalation_resolve(*, user, escalation: Escalation, resolved_on: dt.date, resolution: str,
                       today: dt.date | None = None) -> Escalation:
    """Close the escalation (the cause is dealt with): its clock stops on ``resolved_on``."""
    require(user, "escalation", "resolve", escalation)
    escalation = _locked(escalation)
    if not escalation.is_open:
        raise ValidationError(_("This escalation is resolved."))
    escalation.resolved_on = _date("resolved_on", resolved_on, today=_today(today), not_before=escalation.opened_on)
    escalation.resolution = _text("resolution", resolution, _("Say how the cause was dealt with."))
    escalation.resolved_by = user
    by(escalation, user).save()
    _tell(escalation, key=f"escalation-resolved-{escalation.pk}", exclude=user,
          title=_("Resolved: %(organization)s — %(cause)s") % {"organization": escalation.organization.name,
                                                               "cause": escalation.get_cause_display()},
          lines=[escalation.resolution])
    return escalation


@transaction.atomic
def instruction_write(*, user, text: str, organization: Organization | None = None,
                      escalation: Escalation | None = None, today: dt.date | None = None) -> Instruction:
    """A county leader's instruction (批示) on an escalation or an organization; the people concerned (the
    organization's people and the county admins) are told."""
    target = escalation if escalation is not None else organization
    if target is None:
        raise ValidationError(_("An instruction is written on an escalation or an organization."))
    require(user, "instruction", "create", target)
    organization = escalation.organization if escalation is not None else organization
    instruction = Instruction(escalation=escalation, organization=organization, county_id=organization.county_id,
                              township_id=organization.township_id, written_by=user, written_on=_today(today),
                              text=_text("text", text, _("Write the instruction.")))
    instruction.full_clean(exclude=["organization", "county", "township", "escalation"])
    by(instruction, user).save()
    people = set(people_of_organizations([organization.pk]).get(organization.pk, set()))
    people |= set(RoleAssignment.objects.filter(role=Role.COUNTY_ADMIN, division_id=organization.county_id)
                  .values_list("user_id", flat=True))
    people.discard(user.pk)
    url = _url(escalation) if escalation is not None else reverse("organizations:detail", args=[organization.pk])
    title = _("Instruction of %(leader)s on %(organization)s") % {"leader": user.display_name,
                                                                 "organization": organization.name}
    notify_many(Message(user_id=user_id, title=title, body=instruction.text, url=url,
                        dedupe_key=f"instruction-{instruction.pk}") for user_id in sorted(people))
    return instruction


@transaction.atomic
def circular_issue(*, user, county: Division, number: str, title: str, issued_on: dt.date, body: str = "",
                   escalations, reasons: dict[int, str] | None = None, today: dt.date | None = None) -> Circular:
    """Issue a circular (通报) of ``county`` listing the organizations of ``escalations`` (open, of the county)
    with their reasons; each escalation climbs to the circular rung."""
    require(user, "circular", "issue", county)
    day = _today(today)
    if county.level != Level.COUNTY:
        raise ValidationError(_("A circular is issued by a county."))
    escalations = list(escalations)
    if not escalations:
        raise ValidationError({"escalations": _("Choose the escalations the circular lists.")})
    number = _text("number", number, _("Enter the document number."))
    if Circular.objects.filter(division=county, number=number).exists():
        raise ValidationError({"number": _("A circular with this number exists.")})
    circular = Circular(division=county, number=number, title=_text("title", title, _("Enter the title.")),
                        issued_on=_date("issued_on", issued_on, today=day), body=(body or "").strip(),
                        issued_by=user)
    circular.full_clean(exclude=["division", "issued_by"], validate_constraints=False)
    by(circular, user).save()
    reasons = reasons or {}
    for escalation in escalations:
        if escalation.county_id != county.pk or not escalation.is_open:
            raise ValidationError({"escalations": _("Choose open escalations of the county.")})
        if rung_index(escalation.rung) >= rung_index(Rung.CIRCULAR):
            raise ValidationError({"escalations": _("%(organization)s is already past the circular.") % {
                "organization": escalation.organization.name}})
        escalation_escalate(user=user, escalation=escalation, rung=Rung.CIRCULAR, taken_on=circular.issued_on,
                            content=(reasons.get(escalation.pk) or escalation.reason), circular=circular,
                            document_number=number, today=day)
    return circular


# ----------------------------------------------------------------------------------------------- the daily job


def _covered(resolved: list[Escalation], subjects: list[str]) -> bool:
    return any(set(subjects) <= set(e.subjects or []) for e in resolved)


@transaction.atomic
def _raise_one(trigger, *, actor, today: dt.date) -> Escalation | None:
    if Escalation.objects.filter(organization_id=trigger.organization_id, cause=trigger.cause,
                                 resolved_on__isnull=True).exists():
        return None
    resolved = list(Escalation.objects.filter(organization_id=trigger.organization_id, cause=trigger.cause,
                                              resolved_on__isnull=False))
    if _covered(resolved, trigger.subjects):
        return None
    organization = Organization.objects.get(pk=trigger.organization_id)
    designation = Designation.objects.filter(pk=trigger.designation_id).first() if trigger.designation_id else None
    try:
        with transaction.atomic():
            return _open(actor=actor, organization=organization, designation=designation, cause=trigger.cause,
                         reason=trigger.reason, subjects=trigger.subjects, today=today, policy=trigger.policy,
                         opened_by=None)
    except IntegrityError:  # a concurrent run opened it
        return None


@transaction.atomic
def _clear_one(escalation_id: int, *, actor, today: dt.date) -> bool:
    escalation = Escalation.objects.select_for_update().filter(pk=escalation_id, resolved_on__isnull=True,
                                                               rung=Rung.REMINDER).first()
    if escalation is None:
        return False
    escalation.resolved_on = max(today, escalation.opened_on)
    escalation.resolution = _("The cause has cleared (daily job).")
    escalation.resolved_by = actor
    by(escalation, actor).save()
    return True


AUTO_SUPERVISION_POLICY = "escalation_auto_supervision_days"


def reminders_past_deadline(county_id: int, today: dt.date):
    """The county's open escalations still at the reminder rung whose deadline passed before ``today`` (the
    candidates of the automatic supervision notice; each organization's policy then says how many days past)."""
    return Escalation.objects.filter(county_id=county_id, resolved_on__isnull=True, rung=Rung.REMINDER,
                                     deadline__lt=today)


@transaction.atomic
def _supervise_one(escalation_id: int, *, actor, today: dt.date) -> EscalationStep | None:
    """A reminder left unanswered past its deadline (plus the policy's days) goes up to the supervision notice
    (督办, the organization is listed 挂牌督办) by itself: the step is recorded under the system account, the
    organization's people and the county admins are told. Nothing when it has moved meanwhile."""
    escalation = (Escalation.objects.select_for_update().select_related("organization")
                  .filter(pk=escalation_id, resolved_on__isnull=True, rung=Rung.REMINDER).first())
    if escalation is None or escalation.deadline is None:
        return None
    organization = escalation.organization
    days = _policy(organization, AUTO_SUPERVISION_POLICY)
    if escalation.deadline + dt.timedelta(days=days) >= today:
        return None
    content = _("The reminder of %(opened)s was not answered by its deadline, %(deadline)s: supervision notice "
                "issued by the daily job, the organization is listed for supervision until the cause is dealt "
                "with.") % {"opened": official_date(escalation.opened_on),
                            "deadline": official_date(escalation.deadline)}
    step = _record_step(escalation, user=actor, rung=Rung.SUPERVISION, taken_on=today, content=content,
                        owner_name=escalation.owner_name,
                        deadline=default_deadline(organization, Rung.SUPERVISION, today))
    escalation.rung, escalation.rung_since = Rung.SUPERVISION, today
    escalation.deadline = step.deadline
    escalation.policy = {**(escalation.policy or {}), AUTO_SUPERVISION_POLICY: days}
    by(escalation, actor).save()
    names = {"organization": organization.name, "rung": step.get_rung_display(),
             "cause": escalation.get_cause_display()}
    _tell(escalation, key=f"escalation-step-{step.pk}", county_admins=True,
          title=_("%(rung)s: %(organization)s — %(cause)s") % names,
          lines=[content, _("Deadline: %(day)s (%(owner)s).") % {"day": official_date(step.deadline),
                                                                "owner": step.owner_name}])
    return step


def raise_county_escalations(county_id: int, today: str | dt.date | None = None) -> dict:
    """The daily job for one county: raise a reminder for each new trigger; resolve the reminders it raised whose
    cause has cleared; take the reminders left unanswered past their deadline (and the policy's
    ``escalation_auto_supervision_days``) up to the supervision notice. Running it twice on a day changes
    nothing the second time."""
    day = _today(today)
    triggers = escalation_triggers(system_reader(), county_id=county_id, today=day)
    actor = ledger_system_actor()
    raised = [e for e in (_raise_one(t, actor=actor, today=day) for t in triggers) if e is not None]
    current = {(t.organization_id, t.cause) for t in triggers}
    stale = [pk for pk, org_id, cause in Escalation.objects.filter(
        county_id=county_id, resolved_on__isnull=True, rung=Rung.REMINDER, opened_by__isnull=True,
        cause__in=AUTOMATIC_CAUSES).values_list("pk", "organization_id", "cause") if (org_id, cause) not in current]
    cleared = sum(_clear_one(pk, actor=actor, today=day) for pk in stale)
    overdue = list(reminders_past_deadline(county_id, day).order_by("pk").values_list("pk", flat=True))
    supervised = sum(_supervise_one(pk, actor=actor, today=day) is not None for pk in overdue)
    return {"raised": len(raised), "cleared": cleared, "supervised": supervised, "triggers": len(triggers)}
