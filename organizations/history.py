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


def history_entries(obj, limit: int = 50, mask_fields=None) -> list[HistoryEntry]:
    """The newest ``limit`` records, each with its field-by-field changes (two queries).

    ``mask_fields`` (optional): ``{field name: function}`` applied to the old and new values of those
    fields, e.g. personal numbers shown masked (cadres.masking.MASKERS).
    """
    mask_fields = mask_fields or {}
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                old, new = _readable(field, change.old), _readable(field, change.new)
                if change.field in mask_fields:
                    old, new = (mask_fields[change.field](v) if v else v for v in (old, new))
                changes.append((str(field.verbose_name), old, new))
        user = record.history_user
        entries.append(HistoryEntry(
            when=record.history_date,
            who=(user.display_name if user else str(_("system"))),
            action=str(_TYPES.get(record.history_type, record.history_type)),
            changes=changes,
            reason=record.history_change_reason or "",
        ))
    return entries
