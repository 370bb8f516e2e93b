"""The guarantee ledger (保障台账, seed 002's second ledger): per organization and year, what the county
guarantees a weak organization — its operating-fund subsidy and what was disbursed of it, its activity venue,
its Party secretary's pay — and the days its first secretary and village work team spent in the village,
entered month by month.

The amounts due and the thresholds come from the policy (``organizations.policies``: the subsidy bands by
population, the secretary's pay multiple, the share of working days in the village, the venue's minimum
area); ``cadres.selectors.guarantee`` compares the records with them and lists the shortfalls.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped


class VenueCondition(models.TextChoices):
    GOOD = "good", _("Good")
    ADEQUATE = "adequate", _("Usable")
    POOR = "poor", _("Dilapidated")
    NONE = "none", _("No venue")


class Renovation(models.TextChoices):
    NOT_NEEDED = "not_needed", _("Not needed")
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Completed")


class FundSource(models.TextChoices):
    COUNTY = "county", _("County finance")
    TOWNSHIP = "township", _("Township finance")
    HIGHER = "higher", _("Provincial or city special funds")
    HELPING_UNIT = "helping_unit", _("Helping unit")
    OTHER = "other", _("Other")


class PresenceKind(models.TextChoices):
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    TEAM_MEMBER = "team_member", _("Work team member")


class GuaranteeLedger(OrganizationScoped):
    """One organization's guarantee ledger of one year: the venue and the secretary's pay (the subsidy due is
    computed from the policy and the population; disbursements and monthly days hang on it)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    venue_area = models.DecimalField(_("venue area (m²)"), max_digits=7, decimal_places=1, null=True, blank=True,
                                     validators=[MinValueValidator(0)])
    venue_condition = models.CharField(_("venue condition"), max_length=10, choices=VenueCondition.choices,
                                       blank=True)
    venue_renovation = models.CharField(_("renovation"), max_length=12, choices=Renovation.choices, blank=True)
    venue_note = models.CharField(_("venue remarks"), max_length=200, blank=True)
    secretary_name = models.CharField(_("Party secretary"), max_length=50, blank=True)
    secretary_pay = models.DecimalField(_("secretary's pay this year (yuan)"), max_digits=10, decimal_places=2,
                                        null=True, blank=True, validators=[MinValueValidator(0)])
    note = models.CharField(_("remarks"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-year", "organization"]
        verbose_name = _("guarantee ledger")
        verbose_name_plural = _("guarantee ledgers")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="guarantee_ledger_once_per_year"),
            models.CheckConstraint(condition=Q(venue_area__isnull=True) | Q(venue_area__gte=0),
                                   name="guarantee_venue_area_not_negative"),
            models.CheckConstraint(condition=Q(secretary_pay__isnull=True) | Q(secretary_pay__gte=0),
                                   name="guarantee_pay_not_negative"),
        ]
        indexes = [models.Index(fields=["county", "year"]), models.Index(fields=["township", "year"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"


class Disbursement(OrganizationScoped):
    """An amount of the operating funds paid to the organization: date, source, amount, use."""

    ledger = models.ForeignKey(GuaranteeLedger, on_delete=models.CASCADE, related_name="disbursements",
                               verbose_name=_("guarantee ledger"))
    paid_on = models.DateField(_("date paid"))
    source = models.CharField(_("source of funds"), max_length=16, choices=FundSource.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    use = models.CharField(_("use"), max_length=200)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="disbursement_amount_positive")]
        indexes = [models.Index(fields=["ledger", "paid_on"])]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.amount}"


class PresenceMonth(OrganizationScoped):
    """The days one resident cadre (the first secretary or a work team member) spent in the village in one
    month, against that month's working days."""

    ledger = models.ForeignKey(GuaranteeLedger, on_delete=models.CASCADE, related_name="presence",
                               verbose_name=_("guarantee ledger"))
    month = models.PositiveSmallIntegerField(_("month"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    kind = models.CharField(_("resident as"), max_length=16, choices=PresenceKind.choices)
    first_secretary = models.ForeignKey("cadres.FirstSecretary", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="presence", verbose_name=_("first secretary"))
    name = models.CharField(_("name"), max_length=50)
    working_days = models.PositiveSmallIntegerField(_("working days"),
                                                    validators=[MinValueValidator(1), MaxValueValidator(31)])
    days_in_village = models.PositiveSmallIntegerField(_("days in the village"), validators=[MaxValueValidator(31)])

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["month", "kind", "name"]
        verbose_name = _("days in the village")
        verbose_name_plural = _("days in the village")
        constraints = [
            models.UniqueConstraint(fields=["ledger", "month", "kind", "name"], name="presence_once_per_month"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="presence_month_valid"),
            models.CheckConstraint(condition=Q(working_days__gte=1, working_days__lte=31),
                                   name="presence_working_days_valid"),
            models.CheckConstraint(condition=Q(days_in_village__lte=31), name="presence_days_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.month}"
