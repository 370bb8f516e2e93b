"""Writes on the support of weak organizations: first secretaries, contact leaders, helping units, pairings.

Every write checks the role table ("first_secretary"/"change", "support"/"change": county admins) on the
organization or county it touches.

Portal accounts. A first secretary, contact leader or helping unit may be linked to a portal account
(``user``). The account's scope comes from object assignments (organizations.ObjectAssignment):

* while a first secretary serves (not recalled), its account holds ``first_secretary`` on the main village
  and on every other village served;
* while a pairing runs (not ended), the account of its contact leader (role ``contact_leader``) or of its
  helping unit (role ``helping_unit``) holds that role on the paired organization.

The assignments are created through ``organizations.services.object_assign`` when the link starts (recording
the county admin as the author) and removed when it stops: a pairing ended or deleted, a first secretary
recalled or moved, an account unlinked or replaced. An assignment is removed only when no other running
pairing or serving first secretary still needs it (same account, role and organization). Ending dates are
today or earlier; the access goes at once. A term that simply runs out is not acted on here: the county
admin ends (recalls) it, which removes the access; the expiring-terms list shows the ones to act on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Division, ObjectAssignment, Organization, User
from organizations.models.orgs import OrganizationCategory
from organizations.permissions import can, writable
from organizations.policies import effective_policy
from organizations.roles import Level, Role
from organizations.scoping import forget_grants
from organizations.services.common import by, require

from ..models import ContactLeader, FirstSecretary, HelpingUnit, Pairing, UnitKind

#: Organizations a first secretary is stationed in, or a leader/unit paired with.
SUPPORTED_CATEGORIES = (OrganizationCategory.VILLAGE, OrganizationCategory.COMMUNITY)

FIRST_SECRETARY_FIELDS = (
    "name", "sex", "ethnicity", "birth_date", "id_number", "phone", "education", "political_status",
    "joined_party_on", "dispatching_unit", "post_in_unit", "team_name", "team_members", "term_start", "term_end",
    "days_in_village",
)
CONTACT_LEADER_FIELDS = ("name", "post", "phone")
HELPING_UNIT_FIELDS = ("name", "kind", "contact_name", "contact_phone")


# --------------------------------------------------------------------------------------------- helpers


def default_term_end(organization: Organization, term_start: dt.date) -> dt.date:
    """The end of a term starting on ``term_start``: plus ``first_secretary_term_months`` of the policy."""
    months = int(effective_policy(organization.division)["first_secretary_term_months"])
    return term_start + relativedelta(months=months)


def county_of(division: Division) -> Division | None:
    """The county a division lies in (itself when it is a county)."""
    if division.level == Level.COUNTY:
        return division
    if division.county_id:
        return Division.objects.get(pk=division.county_id)
    return None


def supported_organizations(user, county: Division | None = None):
    """Villages and communities the user may pair or station a first secretary in (form choices)."""
    queryset = writable(Organization.objects.all(), user, "support", "change").filter(
        category__in=SUPPORTED_CATEGORIES, is_active=True)
    if county is not None:
        queryset = queryset.filter(county_id=county.pk)
    return queryset.select_related("township").order_by("division__code")


def _require_county(user, resource: str, division: Division) -> None:
    if not can(user, resource, "change", division):
        raise PermissionDenied(_("You may not do this here."))
    if division.level != Level.COUNTY:
        raise ValidationError({"division": _("Contact leaders and helping units are kept by a county.")})


def _account(value) -> User | None:
    """A portal account from a User or a username ("" or None: no account)."""
    if value is None or value == "":
        return None
    if isinstance(value, User):
        return value
    user = User.objects.filter(username=str(value).strip()).first()
    if user is None:
        raise ValidationError({"user": _("There is no portal account with this username.")})
    return user


def _check_mobile(field: str, value: str) -> None:
    if value:
        from ..identity import validate_mobile

        try:
            validate_mobile(value)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from exc


def _grant(actor, account: User | None, role: str, organizations) -> None:
    """Give ``account`` the object role on each organization (through organizations.services.object_assign)."""
    if account is None:
        return
    from organizations.services import object_assign

    for organization in organizations:
        if not ObjectAssignment.objects.filter(user=account, role=role, organization=organization).exists():
            object_assign(user=actor, target=account, role=role, organization=organization)


def _still_needed(account: User, role: str, organization_id: int, *, today: dt.date) -> bool:
    """Does a running pairing or serving first secretary still give ``account`` this role here?"""
    if role == Role.FIRST_SECRETARY:
        return FirstSecretary.objects.filter(user=account, recalled_on__isnull=True).filter(
            Q(organization_id=organization_id) | Q(other_villages=organization_id)).exists()
    running = Pairing.objects.filter(organization_id=organization_id, ended_on__isnull=True)
    if role == Role.CONTACT_LEADER:
        return running.filter(contact_leader__user=account).exists()
    return running.filter(helping_unit__user=account).exists()


def _revoke(actor, account: User | None, role: str, organization_ids, *, today: dt.date) -> None:
    """Remove ``account``'s object role on the organizations no longer backed by a running link."""
    if account is None:
        return
    from organizations.services import object_unassign

    for assignment in ObjectAssignment.objects.filter(user=account, role=role, organization_id__in=list(
            organization_ids)):
        if _still_needed(account, role, assignment.organization_id, today=today):
            continue
        object_unassign(user=actor, assignment=assignment)
    forget_grants(account)


# ------------------------------------------------------------------------------------- first secretaries


def _first_secretary_organizations(first_secretary: FirstSecretary) -> list[Organization]:
    return [first_secretary.organization, *first_secretary.other_villages.all()]


def _clean_other_villages(user, organization: Organization, others) -> list[Organization]:
    others = [o for o in (others or []) if o.pk != organization.pk]
    allowed = set(supported_organizations(user).filter(pk__in=[o.pk for o in others]).values_list("pk", flat=True))
    bad = [o for o in others if o.pk not in allowed or o.county_id != organization.county_id]
    if bad:
        raise ValidationError({"other_villages": _("Choose villages of the same county inside your scope.")})
    return others


def _validate_first_secretary(first_secretary: FirstSecretary) -> None:
    errors: dict[str, list] = {}
    if first_secretary.organization.category not in SUPPORTED_CATEGORIES:
        errors["organization"] = [_("First secretaries are stationed in village and community organizations.")]
    if not (first_secretary.dispatching_unit or "").strip():
        errors["dispatching_unit"] = [_("Enter the dispatching unit.")]
    if first_secretary.term_start and first_secretary.term_end and first_secretary.term_end < first_secretary.term_start:
        errors["term_end"] = [_("The term cannot end before it starts.")]
    if first_secretary.recalled_on and first_secretary.term_start and \
            first_secretary.recalled_on < first_secretary.term_start:
        errors["recalled_on"] = [_("The recall date cannot be before the term starts.")]
    if errors:
        raise ValidationError(errors)
    try:
        first_secretary.full_clean(exclude=["organization", "county", "township", "user"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


@transaction.atomic
def first_secretary_create(*, user, organization: Organization, other_villages=(), account=None,
                           **fields: Any) -> FirstSecretary:
    """Station a first secretary in ``organization``; ``term_end`` defaults to the policy's term length."""
    unknown = set(fields) - set(FIRST_SECRETARY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown first secretary fields: {sorted(unknown)}")
    require(user, "first_secretary", "change", organization)
    if not fields.get("term_start"):
        raise ValidationError({"term_start": _("Enter the date the term starts.")})
    if not fields.get("term_end"):
        fields["term_end"] = default_term_end(organization, fields["term_start"])
    first_secretary = FirstSecretary(organization=organization, county_id=organization.county_id,
                                     township_id=organization.township_id, **fields)
    first_secretary.user = _account(account)
    _validate_first_secretary(first_secretary)
    others = _clean_other_villages(user, organization, other_villages)
    by(first_secretary, user).save()
    first_secretary.other_villages.set(others)
    _grant(user, first_secretary.user, Role.FIRST_SECRETARY, [organization, *others])
    return first_secretary


_UNSET = object()


@transaction.atomic
def first_secretary_update(*, user, first_secretary: FirstSecretary, other_villages=_UNSET, account=_UNSET,
                           organization: Organization | None = None, today: dt.date | None = None,
                           **fields: Any) -> FirstSecretary:
    """Correct a first secretary; the village stationed in stays (``organization``, when given, must be it)."""
    today = today or timezone.localdate()
    unknown = set(fields) - set(FIRST_SECRETARY_FIELDS)
    if unknown:
        raise TypeError(f"Unknown first secretary fields: {sorted(unknown)}")
    require(user, "first_secretary", "change", first_secretary)
    if organization is not None and organization.pk != first_secretary.organization_id:
        raise ValidationError({"organization": _("The village stationed in cannot be changed; end this service "
                                                 "and add a new one.")})
    before_orgs = {o.pk for o in _first_secretary_organizations(first_secretary)}
    before_account = first_secretary.user
    for name, value in fields.items():
        setattr(first_secretary, name, value)
    if "term_start" in fields and not fields.get("term_end"):
        first_secretary.term_end = default_term_end(first_secretary.organization, first_secretary.term_start)
    if account is not _UNSET:
        first_secretary.user = _account(account)
    _validate_first_secretary(first_secretary)
    by(first_secretary, user).save()
    if other_villages is not _UNSET:
        first_secretary.other_villages.set(_clean_other_villages(user, first_secretary.organization, other_villages))
    after_orgs = _first_secretary_organizations(first_secretary)
    if first_secretary.recalled_on is None:
        _grant(user, first_secretary.user, Role.FIRST_SECRETARY, after_orgs)
    if before_account is not None and before_account != first_secretary.user:
        _revoke(user, before_account, Role.FIRST_SECRETARY, before_orgs, today=today)
    elif first_secretary.user is not None:
        _revoke(user, first_secretary.user, Role.FIRST_SECRETARY, before_orgs - {o.pk for o in after_orgs},
                today=today)
    return first_secretary


@transaction.atomic
def first_secretary_recall(*, user, first_secretary: FirstSecretary, recalled_on: dt.date, reason: str = "",
                           today: dt.date | None = None) -> FirstSecretary:
    """End a first secretary's service on ``recalled_on`` (recalled, or the term is over); removes the access."""
    today = today or timezone.localdate()
    require(user, "first_secretary", "change", first_secretary)
    if first_secretary.recalled_on is not None:
        raise ValidationError(_("This first secretary's service has already ended."))
    if recalled_on is None:
        raise ValidationError({"recalled_on": _("Enter the date.")})
    if recalled_on < first_secretary.term_start:
        raise ValidationError({"recalled_on": _("The recall date cannot be before the term starts.")})
    if recalled_on > today:
        raise ValidationError({"recalled_on": _("The date cannot be in the future.")})
    first_secretary.recalled_on = recalled_on
    first_secretary._change_reason = (reason or "").strip()[:100] or None
    by(first_secretary, user).save(update_fields=["recalled_on"])
    _revoke(user, first_secretary.user, Role.FIRST_SECRETARY,
            [o.pk for o in _first_secretary_organizations(first_secretary)], today=today)
    return first_secretary


# ------------------------------------------------------------------------------ contact leaders and units


def _apply(obj, fields: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(obj, name, value.strip() if isinstance(value, str) else value)


def _validate_named(obj) -> None:
    errors = {}
    if not obj.name:
        errors["name"] = [_("Enter the name.")]
    if isinstance(obj, ContactLeader) and not obj.post:
        errors["post"] = [_("Enter the post.")]
    if isinstance(obj, HelpingUnit) and obj.kind not in UnitKind.values:
        errors["kind"] = [_("Choose the kind of unit.")]
    if errors:
        raise ValidationError(errors)
    _check_mobile("phone" if isinstance(obj, ContactLeader) else "contact_phone",
                  obj.phone if isinstance(obj, ContactLeader) else obj.contact_phone)


def _active_pairings(holder) -> list[Pairing]:
    return list(holder.pairings.filter(ended_on__isnull=True).select_related("organization"))


def _relink(actor, holder, role: str, before: User | None, *, today: dt.date) -> None:
    """The holder's account changed: grant the new one, revoke the old one, on the running pairings."""
    organizations = [p.organization for p in _active_pairings(holder)]
    if holder.user is not None:
        _grant(actor, holder.user, role, organizations)
    if before is not None and before != holder.user:
        _revoke(actor, before, role, [o.pk for o in organizations], today=today)


@transaction.atomic
def contact_leader_create(*, user, division: Division, account=None, **fields: Any) -> ContactLeader:
    _require_county(user, "support", division)
    leader = ContactLeader(division=division)
    _apply(leader, fields, CONTACT_LEADER_FIELDS)
    leader.user = _account(account)
    _validate_named(leader)
    by(leader, user).save()
    return leader


def _check_same_county(holder, division) -> None:
    """A contact leader or helping unit stays with the county keeping it."""
    if division is not None and division.pk != holder.division_id:
        raise ValidationError({"division": _("The county cannot be changed.")})


@transaction.atomic
def contact_leader_update(*, user, leader: ContactLeader, account=_UNSET, division: Division | None = None,
                          today: dt.date | None = None, **fields: Any) -> ContactLeader:
    require(user, "support", "change", leader)
    _check_same_county(leader, division)
    before = leader.user
    _apply(leader, fields, CONTACT_LEADER_FIELDS)
    if account is not _UNSET:
        leader.user = _account(account)
    _validate_named(leader)
    by(leader, user).save()
    _relink(user, leader, Role.CONTACT_LEADER, before, today=today or timezone.localdate())
    return leader


@transaction.atomic
def helping_unit_create(*, user, division: Division, account=None, **fields: Any) -> HelpingUnit:
    _require_county(user, "support", division)
    unit = HelpingUnit(division=division)
    _apply(unit, fields, HELPING_UNIT_FIELDS)
    unit.user = _account(account)
    _validate_named(unit)
    by(unit, user).save()
    return unit


@transaction.atomic
def helping_unit_update(*, user, unit: HelpingUnit, account=_UNSET, division: Division | None = None,
                        today: dt.date | None = None, **fields: Any) -> HelpingUnit:
    require(user, "support", "change", unit)
    _check_same_county(unit, division)
    before = unit.user
    _apply(unit, fields, HELPING_UNIT_FIELDS)
    if account is not _UNSET:
        unit.user = _account(account)
    _validate_named(unit)
    by(unit, user).save()
    _relink(user, unit, Role.HELPING_UNIT, before, today=today or timezone.localdate())
    return unit


@transaction.atomic
def support_holder_delete(*, user, holder: ContactLeader | HelpingUnit) -> None:
    """Delete a contact leader or helping unit that was never paired (ended pairings are the record)."""
    require(user, "support", "change", holder)
    if holder.pairings.exists():
        raise ValidationError(_("This one has pairings on record: end the pairings instead of deleting it."))
    by(holder, user).delete()


# ------------------------------------------------------------------------------------------- pairings


def _role_of(pairing: Pairing) -> str:
    return Role.CONTACT_LEADER if pairing.contact_leader_id else Role.HELPING_UNIT


def _holder_of(pairing: Pairing):
    return pairing.contact_leader if pairing.contact_leader_id else pairing.helping_unit


@transaction.atomic
def pairing_create(*, user, organization: Organization, contact_leader: ContactLeader | None = None,
                   helping_unit: HelpingUnit | None = None, started_on: dt.date, note: str = "") -> Pairing:
    """Pair a contact leader or a helping unit (exactly one) with a village of the same county."""
    require(user, "support", "change", organization)
    if (contact_leader is None) == (helping_unit is None):
        raise ValidationError(_("Pair either a contact leader or a helping unit."))
    holder = contact_leader or helping_unit
    if not type(holder).objects.visible_to(user).filter(pk=holder.pk).exists():
        raise ValidationError(_("Choose a contact leader or helping unit of your county."))
    errors: dict[str, list] = {}
    if organization.category not in SUPPORTED_CATEGORIES:
        errors["organization"] = [_("Only village and community organizations are paired.")]
    if organization.county_id != holder.division_id:
        errors["organization"] = [_("Choose a village of the same county.")]
    if started_on is None:
        errors["started_on"] = [_("Enter the date.")]
    if errors:
        raise ValidationError(errors)
    running = Pairing.objects.filter(organization=organization, ended_on__isnull=True)
    if contact_leader and running.filter(contact_leader=contact_leader).exists() or \
            helping_unit and running.filter(helping_unit=helping_unit).exists():
        raise ValidationError({"organization": _("This pairing is already running.")})
    pairing = Pairing(organization=organization, county_id=organization.county_id,
                      township_id=organization.township_id, contact_leader=contact_leader,
                      helping_unit=helping_unit, started_on=started_on, note=(note or "").strip())
    by(pairing, user).save()
    _grant(user, holder.user, _role_of(pairing), [organization])
    return pairing


@transaction.atomic
def pairing_end(*, user, pairing: Pairing, ended_on: dt.date, today: dt.date | None = None) -> Pairing:
    """End a pairing; the account of its leader or unit loses the village (unless still paired otherwise)."""
    today = today or timezone.localdate()
    require(user, "support", "change", pairing)
    if pairing.ended_on is not None:
        raise ValidationError(_("This pairing has already ended."))
    if ended_on is None:
        raise ValidationError({"ended_on": _("Enter the date.")})
    if ended_on < pairing.started_on:
        raise ValidationError({"ended_on": _("A pairing cannot end before it starts.")})
    if ended_on > today:
        raise ValidationError({"ended_on": _("The date cannot be in the future.")})
    pairing.ended_on = ended_on
    by(pairing, user).save(update_fields=["ended_on"])
    holder = _holder_of(pairing)
    _revoke(user, holder.user, _role_of(pairing), [pairing.organization_id], today=today)
    return pairing
