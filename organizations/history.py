"""Reading the audit trail (django-simple-history) for an object's page: who, when, what changed."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class HistoryEntry:
    when: object
    who: str
    action: str
    changes: list[tuple[str, object, object]]
    reason: str


def _readable(field, value):
    """Show a choice by its label (党支部, not branch); other values as stored."""
    if field.choices and value is not None:
        return dict(field.flatchoices).get(value, value)
    return value


def history_entries(obj, limit: int = 50) -> list[HistoryEntry]:
    """The newest ``limit`` records, each with its field-by-field changes (two queries)."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                changes.append((str(field.verbose_name), _readable(field, change.old),
                                _readable(field, change.new)))
        user = record.history_user
        entries.append(HistoryEntry(
            when=record.history_date,
            who=(user.display_name if user else str(_("system"))),
            action=str(_TYPES.get(record.history_type, record.history_type)),
            changes=changes,
            reason=record.history_change_reason or "",
        ))
    return entries
