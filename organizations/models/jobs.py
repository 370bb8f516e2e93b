"""A record of each run of a background job (scheduled or asked for by a county admin)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..scoping import ScopedManager, ScopeSpec


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobRun(models.Model):
    #: the county (or other division) the run covers
    division = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("area"))
    job = models.CharField(_("job"), max_length=64)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        indexes = [models.Index(fields=["division", "job", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.job} {self.requested_at:%Y-%m-%d %H:%M}"
