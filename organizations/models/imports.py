"""An upload of divisions and organizations, imported in the background, all or nothing."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..scoping import ScopedManager, ScopeSpec


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    FAILED = "failed", _("Rejected")


class ImportJob(models.Model):
    division = models.ForeignKey("organizations.Division", verbose_name=_("county"), on_delete=models.PROTECT,
                                 related_name="import_jobs")
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices,
                              default=ImportStatus.PENDING)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return self.original_name
