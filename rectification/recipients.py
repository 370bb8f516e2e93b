"""Who works on an organization's plan (and is told about it): the people the notifications go to."""

from __future__ import annotations

from django.db.models import Q

from organizations.models import ObjectAssignment, Organization, RoleAssignment, User
from organizations.roles import Role

#: Roles on the organization's township that keep its ledger.
TOWNSHIP_ROLES = (Role.TOWNSHIP_ORGANIZER, Role.TOWNSHIP_SECRETARY)
#: Roles on the organization's own village (or its division).
VILLAGE_ROLES = (Role.VILLAGE_SECRETARY, Role.FIRST_SECRETARY)
#: Object assignments on the organization itself.
OBJECT_ROLES = (Role.CONTACT_LEADER, Role.FIRST_SECRETARY, Role.HELPING_UNIT, Role.VILLAGE_SECRETARY)


def plan_people(organization: Organization) -> list[User]:
    """The township organizers and secretaries, the village secretary and first secretary, the contact
    leader and the helping unit of ``organization`` (active accounts, each once, in a stable order)."""
    division_ids = [d for d in (organization.village_id, organization.division_id) if d]
    by_role = Q(role__in=TOWNSHIP_ROLES, division_id=organization.township_id) if organization.township_id else Q()
    by_role |= Q(role__in=VILLAGE_ROLES, division_id__in=division_ids)
    user_ids = set(RoleAssignment.objects.filter(by_role).values_list("user_id", flat=True))
    user_ids |= set(ObjectAssignment.objects.filter(organization=organization, role__in=OBJECT_ROLES)
                    .values_list("user_id", flat=True))
    return list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
