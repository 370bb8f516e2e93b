"""Administrative divisions keyed by the national 12-digit code (统计用区划代码)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..roles import LEVEL_ORDER, Level
from ..scoping import ScopedManager, ScopeSpec

code_validator = RegexValidator(r"^\d{12}$", _("A division code has exactly 12 digits."))

#: (level, number of significant leading digits)
_LEVEL_DIGITS = ((Level.PROVINCE, 2), (Level.CITY, 4), (Level.COUNTY, 6), (Level.TOWNSHIP, 9), (Level.VILLAGE, 12))


def level_of_code(code: str) -> str:
    """The level a 12-digit code denotes: its trailing zeros tell."""
    for level, digits in _LEVEL_DIGITS:
        if code[digits:] == "0" * (12 - digits):
            return level
    return Level.VILLAGE


def parent_code_of(code: str) -> str | None:
    """The code of the parent division, taken from the code's prefix (None for a province)."""
    level = level_of_code(code)
    index = LEVEL_ORDER.index(level)
    if index == 0:
        return None
    parent_digits = dict(_LEVEL_DIGITS)[LEVEL_ORDER[index - 1]]
    return code[:parent_digits].ljust(12, "0")


class DivisionKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    DISTRICT = "district", _("District")
    TOWN = "town", _("Town")
    TOWNSHIP = "township", _("Township (xiang)")
    SUBDISTRICT = "subdistrict", _("Subdistrict")
    VILLAGE = "village", _("Administrative village")
    COMMUNITY = "community", _("Community")


class Division(models.Model):
    code = models.CharField(_("division code"), max_length=12, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=DivisionKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent division"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # Ancestors copied onto the row: a subtree is one equality filter on an indexed column.
    province = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    city = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    county = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    village = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["province", "city", "county", "township", "village"])
    objects = ScopedManager()
    scope = ScopeSpec.on_division()

    class Meta:
        ordering = ["code"]
        verbose_name = _("administrative division")
        verbose_name_plural = _("administrative divisions")
        constraints = [
            models.CheckConstraint(condition=models.Q(level__in=LEVEL_ORDER), name="division_level_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not self.code or len(self.code) != 12 or not self.code.isdigit():
            raise ValidationError({"code": _("A division code has exactly 12 digits.")})
        if self.level and self.level != level_of_code(self.code):
            raise ValidationError({"level": _("The code %(code)s denotes a %(level)s.") % {
                "code": self.code, "level": Level(level_of_code(self.code)).label}})
        expected_parent = parent_code_of(self.code)
        if self.parent_id and self.parent.code != expected_parent:
            raise ValidationError({"parent": _("The parent code must be %(code)s, the prefix of the code.") % {
                "code": expected_parent}})

    def copy_ancestry(self) -> None:
        """Fill the ancestor columns from the parent (the parent's own ancestry plus itself)."""
        parent = self.parent
        for level in LEVEL_ORDER:
            setattr(self, f"{level}_id", None)
        if parent is not None:
            for level in LEVEL_ORDER:
                setattr(self, f"{level}_id", getattr(parent, f"{level}_id"))
            setattr(self, f"{parent.level}_id", parent.pk)

    @property
    def ancestor_ids(self) -> list[int]:
        """Ids from the top of the tree down to this division, itself included."""
        ids = [getattr(self, f"{level}_id") for level in LEVEL_ORDER]
        return [i for i in ids if i] + [self.pk]

    def path_names(self) -> str:
        return " / ".join(d.name for d in self.ancestors()) if self.parent_id else self.name

    def ancestors(self) -> list[Division]:
        ids = self.ancestor_ids
        by_id = {d.pk: d for d in Division.objects.filter(pk__in=ids)}
        return [by_id[i] for i in ids if i in by_id]
