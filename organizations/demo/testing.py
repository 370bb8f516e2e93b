"""Helpers for tests: handles on the demo data and persona creation (used by conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass

from ..models import Division, ObjectAssignment, Organization, RoleAssignment, User
from .city import CITY, COUNTY_1, COUNTY_2

PERSONAS = ["county_admin", "county_leader", "town_organizer", "village_secretary", "contact_leader",
            "other_county_admin", "city_reviewer"]


@dataclass
class DemoHandles:
    city: Division
    county1: Division
    county2: Division
    township_a: Division  # 林安镇: town_organizer's township
    township_b: Division  # 状元镇: another township of county 1
    village_a: Division  # 东山村 in township A: village_secretary's village
    users: dict[str, User]

    @classmethod
    def load(cls) -> DemoHandles:
        county1 = Division.objects.get(code=COUNTY_1[0])
        return cls(
            city=Division.objects.get(code=CITY[0]),
            county1=county1,
            county2=Division.objects.get(code=COUNTY_2[0]),
            township_a=Division.objects.get(county=county1, level="township", name="林安镇"),
            township_b=Division.objects.get(county=county1, level="township", name="状元镇"),
            village_a=Division.objects.get(county=county1, level="village", name="东山村"),
            users={u.username: u for u in User.objects.filter(username__in=PERSONAS)},
        )

    def org_in(self, division: Division) -> Organization:
        """Some organization sitting on ``division`` or below it."""
        return Organization.objects.filter(**{f"{division.level}_id": division.pk}).order_by("pk").first()


def make_persona(username: str, *, role: str, division: Division | None = None,
                 organizations: list[Organization] | None = None) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"full_name": username})
    if division is not None:
        RoleAssignment.objects.get_or_create(user=user, role=role, division=division)
    for organization in organizations or []:
        ObjectAssignment.objects.get_or_create(user=user, role=role, organization=organization)
    return user


def seed_outside_city() -> None:
    """A second city (厦门市) with one district, township, village and organization: outside every
    demo persona's scope, the city reviewer's included. Only for tests."""
    import random

    from ..models.divisions import DivisionKind
    from ..models.orgs import OrganizationCategory, OrganizationType
    from .city import PROVINCE, _division, _organization

    rng = random.Random(7)
    province = Division.objects.get(code=PROVINCE[0])
    city = _division("350200000000", "厦门市", DivisionKind.CITY, province)
    district = _division("350211000000", "集美区", DivisionKind.DISTRICT, city)
    town = _division("350211100000", "灌口镇", DivisionKind.TOWN, district)
    village = _division("350211100201", "双岭村", DivisionKind.VILLAGE, town)
    _organization("中共灌口镇双岭村支部委员会", village, OrganizationType.BRANCH, OrganizationCategory.VILLAGE, rng)
