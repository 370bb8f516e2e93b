"""Submission keys: a form sent twice (a phone that queued it offline and retried) is acted on once.

A page's form may carry a ``submission_key`` (made by the browser when the form is shown). The kernel's
``submit`` records the key in the same transaction as the write: the second arrival of the same key finds
the row (unique per person and key), does nothing and is sent where the first one went.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubmissionKey(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("sent by"))
    key = models.CharField(_("submission key"), max_length=64)
    path = models.CharField(pgettext_lazy("submitted from", "page"), max_length=300)
    result_url = models.CharField(_("result"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission key")
        verbose_name_plural = _("submission keys")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="submission_key_once_per_user")]

    def __str__(self) -> str:
        return self.key
