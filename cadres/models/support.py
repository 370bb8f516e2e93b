"""Support for weak organizations: first secretaries (and work teams), contact leaders, helping units."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped
from organizations.scoping import ScopedManager, ScopeSpec

from .people import PersonFields


class FirstSecretary(OrganizationScoped, PersonFields):
    """A first secretary stationed in ``organization`` (may also serve ``other_villages``) for a term."""

    dispatching_unit = models.CharField(_("dispatching unit"), max_length=100)
    post_in_unit = models.CharField(_("post in the dispatching unit"), max_length=100, blank=True)
    team_name = models.CharField(_("village work team"), max_length=100, blank=True)
    team_members = models.TextField(_("work team members"), blank=True)
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"))
    days_in_village = models.PositiveIntegerField(_("days in the village"), default=0)
    other_villages = models.ManyToManyField("organizations.Organization", blank=True, related_name="+",
                                            verbose_name=_("other villages served"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("portal account"))
    recalled_on = models.DateField(_("recalled on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["term_end", "name"]
        verbose_name = _("first secretary")
        verbose_name_plural = _("first secretaries")
        constraints = [models.CheckConstraint(condition=Q(term_end__gte=models.F("term_start")),
                                              name="first_secretary_term_ends_after_start")]
        indexes = [models.Index(fields=["county", "term_end"]), models.Index(fields=["township", "term_end"])]

    def __str__(self) -> str:
        return self.name


class CountyScoped(models.Model):
    """Rows kept by a county (contact leaders, helping units, trainings): scoped on ``division``."""

    division = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("county"))

    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        abstract = True


class ContactLeader(CountyScoped):
    name = models.CharField(_("name"), max_length=50)
    post = models.CharField(_("post"), max_length=100)
    phone = models.CharField(_("mobile"), max_length=11, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("portal account"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["division", "name"]
        verbose_name = _("contact leader")
        verbose_name_plural = _("contact leaders")

    def __str__(self) -> str:
        return f"{self.name}（{self.post}）"


class UnitKind(models.TextChoices):
    AGENCY = "agency", _("Party or government agency")
    DEPARTMENT = "department", _("County department")
    ENTERPRISE = "enterprise", _("State-owned enterprise or institution")
    STRONG_VILLAGE = "strong_village", _("Strong village")
    OTHER = "other", _("Other")


class HelpingUnit(CountyScoped):
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=UnitKind.choices)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact mobile"), max_length=11, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+", verbose_name=_("portal account"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["division", "name"]
        verbose_name = _("helping unit")
        verbose_name_plural = _("helping units")

    def __str__(self) -> str:
        return self.name


class Pairing(OrganizationScoped):
    """A contact leader or a helping unit paired with a village (organization) from a date."""

    contact_leader = models.ForeignKey(ContactLeader, null=True, blank=True, on_delete=models.CASCADE,
                                       related_name="pairings", verbose_name=_("contact leader"))
    helping_unit = models.ForeignKey(HelpingUnit, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="pairings", verbose_name=_("helping unit"))
    started_on = models.DateField(_("since"))
    ended_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("remarks"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["organization", "pk"]
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        constraints = [
            models.CheckConstraint(condition=Q(contact_leader__isnull=True, helping_unit__isnull=False)
                                   | Q(contact_leader__isnull=False, helping_unit__isnull=True),
                                   name="pairing_leader_or_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_leader or self.helping_unit} — {self.organization.name}"
