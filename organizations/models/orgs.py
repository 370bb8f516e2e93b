"""Party organizations sitting on the division tree."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..roles import LEVEL_ORDER
from ..scoping import ScopedManager, ScopeSpec


class OrganizationType(models.TextChoices):
    COMMITTEE = "committee", _("Party committee")
    GENERAL_BRANCH = "general_branch", _("General Party branch")
    BRANCH = "branch", _("Party branch")


class OrganizationCategory(models.TextChoices):
    VILLAGE = "village", _("Village")
    COMMUNITY = "community", _("Community")
    NON_PUBLIC_ENTERPRISE = "non_public_enterprise", _("Non-public enterprise")
    SOCIAL_ORGANIZATION = "social_organization", _("Social organization")
    AGENCY = "agency", _("Agency")
    #: Window units and service industries (seed 000 measure "service-oriented grassroots Party organizations";
    #: seed 003 expects their mass satisfaction over 90%: ``satisfaction_threshold_by_category``).
    SERVICE = "service", _("Window and service unit")
    TOWNSHIP = "township", _("Township")
    OTHER = "other", _("Other")


class Organization(models.Model):
    name = models.CharField(_("organization name"), max_length=200)
    org_type = models.CharField(_("organization type"), max_length=20, choices=OrganizationType.choices)
    category = models.CharField(_("category"), max_length=30, choices=OrganizationCategory.choices, db_index=True)
    division = models.ForeignKey(
        "organizations.Division", verbose_name=_("division"), on_delete=models.PROTECT,
        related_name="organizations",
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("parent organization"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    secretary_name = models.CharField(_("secretary"), max_length=50, blank=True)
    member_count = models.PositiveIntegerField(_("Party members"), default=0)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    #: 脱贫村 (a formerly registered poor village, 建档立卡贫困村): the statistical form counts them apart.
    is_poverty_village = models.BooleanField(_("poverty-alleviated village"), default=False)
    # The division's ancestry, the division itself included at its own level.
    province = models.ForeignKey("organizations.Division", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    city = models.ForeignKey("organizations.Division", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    county = models.ForeignKey("organizations.Division", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    township = models.ForeignKey("organizations.Division", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    village = models.ForeignKey("organizations.Division", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["province", "city", "county", "township", "village",
                                                 "created_at", "updated_at"])
    objects = ScopedManager()
    scope = ScopeSpec.on_organization()

    class Meta:
        ordering = ["division__code", "name"]
        verbose_name = _("Party organization")
        verbose_name_plural = _("Party organizations")
        constraints = [
            models.UniqueConstraint(fields=["division", "name"], name="organization_unique_name_per_division"),
        ]
        indexes = [models.Index(fields=["county", "township"]), models.Index(fields=["name"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organization cannot be its own parent.")})
        if self.parent_id and self.division_id and self.parent.county_id != self.division.county_id:
            raise ValidationError({"parent": _("The parent organization must be in the same county.")})

    def copy_ancestry(self) -> None:
        division = self.division
        for level in LEVEL_ORDER:
            setattr(self, f"{level}_id", getattr(division, f"{level}_id"))
        setattr(self, f"{division.level}_id", division.pk)
