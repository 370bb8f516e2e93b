"""Rectification rounds and weak-and-lax categories."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.scoping import ScopedManager, ScopeSpec


class Category(models.Model):
    """A weak-and-lax type (软弱涣散类型): the ten national ones (no county) or a county's own."""

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    county = models.ForeignKey("organizations.Division", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("county"),
                               help_text=_("Empty for the national categories."))
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("weak-and-lax category")
        verbose_name_plural = _("weak-and-lax categories")
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=models.Q(county__isnull=True),
                                    name="category_national_code_unique"),
            models.UniqueConstraint(fields=["county", "code"], name="category_county_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Round(models.Model):
    """A county's rectification round (整顿批次), one per year."""

    county = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="rounds",
                               verbose_name=_("county"))
    year = models.PositiveSmallIntegerField(_("year"))
    name = models.CharField(_("name"), max_length=100)
    # The county Standing Committee's decision that fixed the list (县委常委会研究确定整顿对象名单).
    standing_committee_on = models.DateField(_("Standing Committee meeting date"), null=True, blank=True)
    standing_committee_document = models.CharField(_("document number"), max_length=60, blank=True,
                                                   help_text=_("e.g. 仙委〔2026〕12号"))
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedManager()
    scope = ScopeSpec.on_division("county__")

    class Meta:
        ordering = ["-year"]
        verbose_name = _("rectification round")
        verbose_name_plural = _("rectification rounds")
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="round_unique_per_county_year")]

    def __str__(self) -> str:
        return self.name

    @property
    def standing_committee_text(self) -> str:
        """"经县委常委会2026年3月5日研究确定（仙委〔2026〕12号）", or "" while the decision is not recorded."""
        from django.utils.formats import date_format
        from django.utils.translation import gettext

        if not self.standing_committee_on:
            return ""
        return gettext("List fixed by the county Standing Committee on %(date)s (%(document)s)") % {
            "date": date_format(self.standing_committee_on, "DATE_FORMAT"),
            "document": self.standing_committee_document}
