"""Users and their grants: role assignments on divisions, object assignments on organizations."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..roles import DIVISION_ROLE_LEVELS, OBJECT_ROLES, Level, Role
from ..scoping import ScopedManager, ScopeSpec


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    post = models.CharField(_("post"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    division = models.ForeignKey("organizations.Division", verbose_name=_("division"),
                                 on_delete=models.PROTECT, related_name="role_assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "division"], name="role_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.division}"

    def clean(self) -> None:
        allowed = DIVISION_ROLE_LEVELS.get(self.role)
        if allowed is None:
            raise ValidationError({"role": _("This role is assigned on organizations, not on divisions.")})
        if self.division_id and self.division.level not in allowed:
            raise ValidationError({"division": _("%(role)s is assigned at the level of: %(levels)s.") % {
                "role": Role(self.role).label,
                "levels": "、".join(str(Level(lvl).label) for lvl in sorted(allowed))}})


class ObjectAssignment(models.Model):
    """A user assigned to one organization, e.g. a county contact leader to a village."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="object_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organization = models.ForeignKey("organizations.Organization", verbose_name=_("Party organization"),
                                     on_delete=models.CASCADE, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ScopedManager()
    scope = ScopeSpec.on_organization("organization__")

    class Meta:
        verbose_name = _("object assignment")
        verbose_name_plural = _("object assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "organization"], name="object_assignment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organization}"

    def clean(self) -> None:
        if self.role not in OBJECT_ROLES:
            raise ValidationError({"role": _("This role is assigned on divisions, not on organizations.")})
