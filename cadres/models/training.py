"""Training events and attendance (village Party secretaries trained in rotation, once a year by policy)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped

from .support import CountyScoped


class TrainingEvent(CountyScoped):
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(pgettext_lazy("date range", "from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    organizer = models.CharField(_("organised by"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=100, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    for_secretaries = models.BooleanField(_("rotation training of village secretaries"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "pk"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        indexes = [models.Index(fields=["division", "held_on"])]

    def __str__(self) -> str:
        return self.title


class TrainingAttendance(OrganizationScoped):
    event = models.ForeignKey(TrainingEvent, on_delete=models.CASCADE, related_name="attendance",
                              verbose_name=_("training"))
    cadre = models.ForeignKey("cadres.Cadre", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="trainings", verbose_name=_("cadre"))
    name = models.CharField(_("name"), max_length=50)
    passed = models.BooleanField(_("completed"), default=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["event", "organization", "name"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["event", "cadre"], name="attendance_once_per_cadre")]
        indexes = [models.Index(fields=["cadre", "event"])]
