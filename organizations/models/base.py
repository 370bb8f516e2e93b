"""The base of every scoped fact table of the apps: its organization, county and township (set by services).

The county and township are copied from the organization (denormalised, indexed), so scoping and
rollups are one indexed filter on one table. Upper apps (rectification, evaluations, cadres) subclass it.
"""

from django.db import models

from ..scoping import ScopedManager, ScopeSpec


class OrganizationScoped(models.Model):
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("organizations.Division", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")

    objects = ScopedManager()
    scope = ScopeSpec.on_organization("organization__", county="county_id", township="township_id")

    class Meta:
        abstract = True

    def copy_scope_from(self, source) -> None:
        """Copy organization, county and township from a designation, plan or task."""
        self.organization_id = source.organization_id
        self.county_id = source.county_id
        self.township_id = source.township_id


#: Fields of OrganizationScoped that the audit trail leaves out (they only follow the organization).
SCOPE_FIELDS = ["county", "township"]
