"""Exports too large to answer at once: written by a worker for the person who asked, then downloaded.

An ``ExportRun`` belongs to its requester only (like a notification): nobody else sees its page or its file,
whatever their scope. The rows it writes are the requester's scope and filters at the moment it runs.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .jobs import JobStatus


class ExportRun(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("requested by"))
    #: The registered background export (``organizations.registry.register_background_export``).
    export = models.CharField(_("export"), max_length=64)
    #: The list page's filters (query string parameters) the export was asked with.
    params = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(_("rows to write"), default=0)
    done = models.PositiveIntegerField(_("rows written"), default=0)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    #: When a worker took it (the stuck-job sweep fails a run still running a task time limit after this).
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    #: When the sweep sent a run left queued (its message lost) again; it is failed if still queued after that.
    resent_at = models.DateTimeField(_("sent again at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    #: When the finished run's file was deleted (``EXPORT_FILE_RETENTION_DAYS`` after it finished).
    file_deleted_at = models.DateTimeField(_("file deleted at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["done"])

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("background export")
        verbose_name_plural = _("background exports")
        indexes = [models.Index(fields=["user", "export", "status"], name="exportrun_user_export")]

    def __str__(self) -> str:
        return self.filename or self.export

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
