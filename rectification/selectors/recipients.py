"""Who works on an organization's plan (and is told about it): the people the notifications go to."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from organizations.models import ObjectAssignment, Organization, RoleAssignment, User
from organizations.roles import Role

#: Roles on the organization's township that keep its ledger.
TOWNSHIP_ROLES = (Role.TOWNSHIP_ORGANIZER, Role.TOWNSHIP_SECRETARY)
#: Roles on the organization's own village (or its division).
VILLAGE_ROLES = (Role.VILLAGE_SECRETARY, Role.FIRST_SECRETARY)
#: Object assignments on the organization itself.
OBJECT_ROLES = (Role.CONTACT_LEADER, Role.FIRST_SECRETARY, Role.HELPING_UNIT, Role.VILLAGE_SECRETARY)


def people_of_organizations(organization_ids) -> dict[int, set[int]]:
    """The rule of ``plan_people`` for many organizations at once: organization id -> active user ids.

    Four queries whatever the number of organizations: the organizations, the role assignments on their
    townships and villages, the object assignments on them, and the active users among those found.
    """
    orgs = list(Organization.objects.filter(pk__in=list(organization_ids)).values_list(
        "pk", "township_id", "village_id", "division_id"))
    townships = {t for _o, t, _v, _d in orgs if t}
    villages = {d for _o, _t, v, d0 in orgs for d in (v, d0) if d}
    by_division: dict[tuple[str, int], set[int]] = defaultdict(set)
    for role, division_id, user_id in RoleAssignment.objects.filter(
            Q(role__in=TOWNSHIP_ROLES, division_id__in=townships) | Q(role__in=VILLAGE_ROLES, division_id__in=villages)
    ).values_list("role", "division_id", "user_id"):
        by_division[("township" if role in TOWNSHIP_ROLES else "village", division_id)].add(user_id)
    by_org: dict[int, set[int]] = defaultdict(set)
    for org_id, user_id in ObjectAssignment.objects.filter(organization_id__in=[o[0] for o in orgs],
                                                           role__in=OBJECT_ROLES).values_list(
            "organization_id", "user_id"):
        by_org[org_id].add(user_id)
    result: dict[int, set[int]] = {}
    for org_id, township_id, village_id, division_id in orgs:
        people = set(by_org.get(org_id, ()))
        if township_id:
            people |= by_division.get(("township", township_id), set())
        for division in {village_id, division_id} - {None}:
            people |= by_division.get(("village", division), set())
        result[org_id] = people
    everyone = set().union(*result.values()) if result else set()
    active = set(User.objects.filter(pk__in=everyone, is_active=True).values_list("pk", flat=True))
    return {org_id: people & active for org_id, people in result.items()}


def plan_people_many(organizations) -> dict[int, list[User]]:
    """``plan_people`` of each organization (organization id -> users in a stable order)."""
    people = people_of_organizations([o.pk for o in organizations])
    users = {u.pk: u for u in User.objects.filter(pk__in=set().union(*people.values()) if people else set())}
    return {org_id: [users[i] for i in sorted(ids) if i in users] for org_id, ids in people.items()}


def plan_people(organization: Organization) -> list[User]:
    """The township organizers and secretaries, the village secretary and first secretary, the contact
    leader and the helping unit of ``organization`` (active accounts, each once, in a stable order)."""
    return plan_people_many([organization]).get(organization.pk, [])
