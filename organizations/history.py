"""Reading the audit trail (django-simple-history) for an object's page: who, when, what changed.

Values are shown as people read them, never as stored: a choice by its label, a related record by its name
(not its id), the policy values an evaluation used as "label: value" (not a dict), yes/no for booleans.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as gettext_now
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
    """Show a choice by its label (党支部, not branch), a JSON value as text; other values as stored
    (related records are named afterwards, in bulk: ``_RelatedNames``)."""
    if field.choices and value is not None:
        return dict(field.flatchoices).get(value, value)
    if field.get_internal_type() == "JSONField":
        return _json_text(value)
    if field.get_internal_type() in ("FileField", "ImageField"):
        # A stored file by its name, not the storage path (annual/2026/annual-350322-2026.xlsx).
        return str(value).rsplit("/", 1)[-1] or None if value else None
    return value


def _scalar_text(value) -> str:
    if value is True:
        return gettext_now("Yes")
    if value is False:
        return gettext_now("No")
    if value is None or value == "":
        return "—"
    return str(value)


def _json_text(value):
    """A stored JSON value as a line of text: ``{"satisfaction_threshold": "80.00"}`` → "满意率达标线（%）：80.00"
    (keys that are policies by their label), lists joined; empty → None (shown as "—")."""
    from .policies import POLICY_BY_KEY, display_value

    if value in (None, "", {}, []):
        return None
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            definition = POLICY_BY_KEY.get(key)
            if definition is not None:  # a policy value as the policy page shows it (是, 80.00%, 服务型：90.00%)
                parts.append(f"{definition.label}：{display_value(definition, item)}")
                continue
            parts.append(f"{key}：{_json_text(item) if isinstance(item, dict | list) else _scalar_text(item)}")
        return "；".join(parts)
    if isinstance(value, list):
        return "、".join(_json_text(item) if isinstance(item, dict | list) else _scalar_text(item) for item in value)
    return value


class _RelatedNames:
    """Ids of related records seen in the changes, named with one query per related model at the end."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.slots = []  # (changes list, index, position 1/2, model, ids or id, is_list)

    def defer(self, changes, index, position, model, value, many):
        ids = value if many else [value]
        ids = [i for i in ids if i is not None]
        if not ids:
            return
        self.wanted[model].update(ids)
        self.slots.append((changes, index, position, model, value, many))

    def resolve(self):
        names = {}
        for model, ids in self.wanted.items():
            for pk, obj in model._base_manager.in_bulk(list(ids)).items():
                names[(model, pk)] = getattr(obj, "display_name", None) or str(obj)
        for changes, index, position, model, value, many in self.slots:
            label, old, new = changes[index]
            if many:
                text = "、".join(names.get((model, i), f"#{i}") for i in value) or None
            else:
                text = names.get((model, value), f"#{value}")
            changes[index] = (label, text, new) if position == 1 else (label, old, text)


def readable_changes(model, changes) -> list[tuple[str, object, object]]:
    """``(field name, old, new)`` changes of ``model`` as a person reads them, like the history: a choice by its
    label, a JSON value as text, a related record by its name (the edit-conflict box showed "done")."""
    readable, related = [], _RelatedNames()
    for name, old, new in changes:
        field = model._meta.get_field(name)
        index = len(readable)
        readable.append((str(field.verbose_name), _readable(field, old), _readable(field, new)))
        if field.many_to_one or field.one_to_one:
            related.defer(readable, index, 1, field.related_model, old, False)
            related.defer(readable, index, 2, field.related_model, new, False)
    related.resolve()
    return readable


def _m2m_ids(field, rows) -> list:
    """The target ids of a many-to-many history value (a list of through-row dicts)."""
    key = field.m2m_reverse_field_name()
    return [row.get(key) for row in rows or [] if isinstance(row, dict)]


def history_entries(obj, limit: int = 50, mask_fields=None) -> list[HistoryEntry]:
    """The newest ``limit`` records, each with its field-by-field changes (two queries).

    ``mask_fields`` (optional): ``{field name: function}`` applied to the old and new values of those
    fields, e.g. personal numbers shown masked (cadres.masking.MASKERS).
    """
    mask_fields = mask_fields or {}
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    related = _RelatedNames()
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, foreign_keys_are_objs=False)
            for change in delta.changes:
                field = obj._meta.get_field(change.field)
                if field.many_to_many:
                    changes.append((str(field.verbose_name), None, None))
                    for position, value in ((1, change.old), (2, change.new)):
                        related.defer(changes, len(changes) - 1, position, field.related_model,
                                      _m2m_ids(field, value), many=True)
                    continue
                old, new = _readable(field, change.old), _readable(field, change.new)
                if change.field in mask_fields:
                    old, new = (mask_fields[change.field](v) if v else v for v in (old, new))
                changes.append((str(field.verbose_name), old, new))
                if field.is_relation and field.related_model is not None:
                    for position, value in ((1, change.old), (2, change.new)):
                        related.defer(changes, len(changes) - 1, position, field.related_model, value, many=False)
        user = record.history_user
        entries.append(HistoryEntry(
            when=record.history_date,
            who=(user.display_name if user else str(_("system"))),
            action=str(_TYPES.get(record.history_type, record.history_type)),
            changes=changes,
            reason=record.history_change_reason or "",
        ))
    related.resolve()
    return [entry for entry in entries if _keep(entry)]


def _keep(entry: HistoryEntry) -> bool:
    """Drop what reads as nothing: a change whose before and after read the same (e.g. a value stored in
    another form), and a "changed" record left with no change and no reason (a save that changed nothing)."""
    entry.changes = [(label, old, new) for label, old, new in entry.changes
                     if _scalar_text(old) != _scalar_text(new)]
    return bool(entry.changes or entry.reason) or entry.action != str(_TYPES["~"])
