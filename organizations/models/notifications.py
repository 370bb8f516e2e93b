"""In-app notifications: one row per person and message; digests are one row per person per day.

A notification belongs to its recipient only (nobody else sees it). ``dedupe_key`` makes sending
idempotent: a job that runs twice finds the row (unique per user and key) and sends nothing more.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    DIGEST = "digest", _("Daily digest")
    RE_RECTIFICATION = "re_rectification", _("Rectify again")
    CLOSED_OUT = "closed_out", _("Closed out")
    CHECK_REMINDER = "check_reminder", _("Six-monthly check reminder")
    ACCEPTANCE_REMINDER = "acceptance_reminder", _("Year-end acceptance reminder")
    REPORT_READY = "report_ready", _("Bimonthly progress report ready")
    GENERAL = "general", _("Notice")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices,
                            default=NotificationKind.GENERAL)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    dedupe_key = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["user", "dedupe_key"], condition=~Q(dedupe_key=""),
                                    name="notification_once_per_key"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title
