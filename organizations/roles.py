"""The roles of DOMAIN.md §7 and the levels at which each may be assigned."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


#: Levels from the top of the tree down; a division's ancestry columns follow this order.
LEVEL_ORDER: tuple[str, ...] = (Level.PROVINCE, Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)


class Role(models.TextChoices):
    COUNTY_ADMIN = "county_admin", _("County organization department")
    COUNTY_LEADER = "county_leader", _("County leader")
    CONTACT_LEADER = "contact_leader", _("County contact leader")
    TOWNSHIP_SECRETARY = "township_secretary", _("Township Party secretary")
    TOWNSHIP_ORGANIZER = "township_organizer", _("Township organization officer")
    VILLAGE_SECRETARY = "village_secretary", _("Village Party secretary")
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    HELPING_UNIT = "helping_unit", _("Helping unit contact")
    EVALUATOR = "evaluator", _("Evaluator")
    REVIEWER = "reviewer", _("Reviewer (city/province)")


#: Roles held on a division (a subtree), with the levels they may be assigned at.
DIVISION_ROLE_LEVELS: dict[str, frozenset[str]] = {
    Role.COUNTY_ADMIN: frozenset({Level.COUNTY}),
    Role.COUNTY_LEADER: frozenset({Level.COUNTY}),
    Role.TOWNSHIP_SECRETARY: frozenset({Level.TOWNSHIP}),
    Role.TOWNSHIP_ORGANIZER: frozenset({Level.TOWNSHIP}),
    Role.VILLAGE_SECRETARY: frozenset({Level.VILLAGE}),
    Role.FIRST_SECRETARY: frozenset({Level.VILLAGE}),
    Role.EVALUATOR: frozenset({Level.COUNTY, Level.TOWNSHIP}),
    Role.REVIEWER: frozenset({Level.PROVINCE, Level.CITY, Level.COUNTY}),
}

#: Roles held on individual organizations (object assignments).
OBJECT_ROLES: frozenset[str] = frozenset(
    {Role.CONTACT_LEADER, Role.FIRST_SECRETARY, Role.HELPING_UNIT, Role.VILLAGE_SECRETARY}
)

#: Roles that only read (dashboards, exports, comments).
READ_ONLY_ROLES: frozenset[str] = frozenset({Role.COUNTY_LEADER, Role.REVIEWER})
