"""Per-division policy values (thresholds, frequencies, quotas), inherited down the tree."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..scoping import ScopedManager, ScopeSpec


class PolicySetting(models.Model):
    division = models.ForeignKey("organizations.Division", verbose_name=_("division"),
                                 on_delete=models.CASCADE, related_name="policy_settings")
    key = models.CharField(_("setting"), max_length=60)
    value = models.JSONField(_("value"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        verbose_name = _("policy setting")
        verbose_name_plural = _("policy settings")
        constraints = [models.UniqueConstraint(fields=["division", "key"], name="policy_setting_unique")]

    def __str__(self) -> str:
        return f"{self.division} · {self.key} = {self.value}"
