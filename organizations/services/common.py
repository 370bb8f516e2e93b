"""Helpers every service of every app uses: the audit author, the permission check, optimistic locking.

Services are the only writers. Each one checks the role table (``require``), records who wrote
(``by``) and, when the user edited a form loaded at some version, refuses a save over someone
else's (``check_version`` raises ``ConflictError`` listing what they changed).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from ..permissions import can


def by(obj, user):
    """Record ``user`` as the author in the audit trail, whatever calls the service (page, API, task)."""
    obj._history_user = user if getattr(user, "is_authenticated", False) else None
    return obj


def require(user, resource: str, action: str, obj=None) -> None:
    """The role table allows ``user`` to ``action`` on ``resource`` (at ``obj``), or PermissionDenied."""
    if not can(user, resource, action, obj):
        raise PermissionDenied(_("You may not do this here."))


class ConflictError(ValidationError):
    """Someone else saved the object since the user loaded it; ``changes`` says what they changed."""

    def __init__(self, message, *, changes: list[tuple[str, Any, Any]], current_version: int):
        super().__init__(message)
        self.changes = changes
        self.current_version = current_version


def check_version(obj, expected_version) -> None:
    """Refuse a save made on a stale copy of ``obj`` (its ``version`` moved on since the form was loaded).

    The error lists the fields the other person changed when the audit trail holds both versions.
    """
    if expected_version is None or expected_version == "" or int(expected_version) == obj.version:
        return
    changes = []
    history = getattr(obj, "history", None)
    if history is not None:
        seen = history.filter(version=int(expected_version)).order_by("-history_date").first()
        current = history.filter(version=obj.version).order_by("-history_date").first()
        if seen is not None and current is not None:
            from ..history import readable_changes

            changes = readable_changes(type(obj), [
                (change.field, change.old, change.new)
                for change in current.diff_against(seen, foreign_keys_are_objs=False).changes
                if change.field != "version"])
    who = history.order_by("-history_date").first() if history is not None else None
    author = who.history_user.display_name if who and who.history_user else _("someone")
    raise ConflictError(
        _("%(who)s saved this in the meantime; your changes were not saved. Reload, check their changes and "
          "enter yours again.") % {"who": author},
        changes=changes, current_version=obj.version)
