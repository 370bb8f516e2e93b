"""Helpers shared by the ledger services."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from organizations.permissions import can


def by(obj, user):
    """Record ``user`` as the author in the audit trail."""
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    return obj


def require(user, resource: str, action: str, obj) -> None:
    if not can(user, resource, action, obj):
        raise PermissionDenied(_("You may not do this here."))
