"""Keyset (cursor) pagination, one implementation for the API lists and the list pages.

``OFFSET n`` makes the database read and throw away ``n`` rows: the last of 1,050 pages of the province's
organizations cost 242 ms against a few ms for the first. A keyset page instead continues *after the last
row seen*: ``WHERE (order columns, pk) > (that row's values) ORDER BY ... LIMIT size`` reads only the page,
however deep it is. The last page is the first page of the reversed order.

The order is the queryset's own (``order_by`` or the model's ``Meta.ordering``, or the API's
``?ordering=``) with the primary key appended when it is not there, so every row has one place: paging
through a list yields every row exactly once, even when rows are added or removed between pages (a row
added before the cursor is simply not on the following pages; one added after it is). NULLs sort as the
largest value (PostgreSQL's default, made explicit so that SQLite agrees).

A cursor is opaque to clients: URL-safe base64 of JSON ``{"v": [the boundary row's order values],
"r": reversed?, "n": the number of rows before the page (for "rows 51-100" labels; a hint)}``. A
cursor that does not decode, or whose values do not fit the order, is refused (``InvalidCursor``).

An order the keyset cannot follow (a random order, an expression that is not a column, or a queryset
that is not a model queryset) answers ``None`` from ``keyset_order``: callers fall back to page numbers.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import decimal
import json
import math
from dataclasses import dataclass

from django.core.exceptions import FieldError, ValidationError
from django.db.models import F, Q
from django.db.models.expressions import OrderBy
from django.db.models.query import ModelIterable

_PREFIX = "_keyset_"
_MAX_INT = 2**63 - 1


class InvalidCursor(ValueError):
    """A cursor that is not one of ours, or does not fit this list's order."""


@dataclass(frozen=True)
class Key:
    """One column of the order: ``path`` (a field path or an annotation name) and its direction."""

    path: str
    descending: bool
    nullable: bool = True


def keyset_order(queryset) -> list[Key] | None:
    """The queryset's order as keys ending with the primary key, or None when it cannot be a keyset."""
    query = getattr(queryset, "query", None)
    if query is None or getattr(queryset, "_iterable_class", None) is not ModelIterable:
        return None  # values() / values_list() rows: no model rows to read the boundary from
    items = list(query.order_by) or (list(queryset.model._meta.ordering) if query.default_ordering else [])
    keys: list[Key] = []
    for item in items:
        if isinstance(item, str):
            if item == "?" or "." in item:
                return None
            descending = item.startswith("-")
            path = item.lstrip("-+")
        elif isinstance(item, OrderBy) and isinstance(item.expression, F):
            if item.nulls_first or item.nulls_last:
                return None
            descending, path = item.descending, item.expression.name
        elif isinstance(item, F):
            descending, path = False, item.name
        else:
            return None
        if path in ("pk", "id", queryset.model._meta.pk.attname) or path == queryset.model._meta.pk.name:
            keys.append(Key("pk", descending, nullable=False))
            return keys  # the primary key is unique: whatever follows it never decides
        expanded = _related_ordering(queryset.model, path, descending)
        if expanded is None:
            return None
        keys += [Key(p, d, nullable=_nullable(queryset.model, p)) for p, d in expanded]
    keys.append(Key("pk", keys[-1].descending if keys else False, nullable=False))
    return keys


def _related_ordering(model, path: str, descending: bool, depth: int = 0) -> list[tuple[str, bool]] | None:
    """``order_by("relation")`` orders by the related model's ``Meta.ordering`` (as Django does): its columns."""
    field = _field_at(model, path)
    if field is None or not field.is_relation or not (field.many_to_one or field.one_to_one) \
            or not field.related_model._meta.ordering:
        return [(path, descending)]
    if depth > 3:
        return None
    columns: list[tuple[str, bool]] = []
    for item in field.related_model._meta.ordering:
        if not isinstance(item, str) or item == "?":
            return None
        more = _related_ordering(field.related_model, item.lstrip("-"), descending != item.startswith("-"), depth + 1)
        if more is None:
            return None
        columns += [(f"{path}__{p}", d) for p, d in more]
    return columns


def _field_at(model, path: str):
    field = None
    for part in path.split("__"):
        if model is None:
            return None
        try:
            field = model._meta.get_field(part)
        except Exception:  # noqa: BLE001 - an annotation or a transform
            return None
        model = field.related_model if field.is_relation else None
    return field


def _nullable(model, path: str) -> bool:
    """Whether the column at ``path`` can be NULL (through a nullable relation too); an annotation or an
    unknown path counts as nullable."""
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:  # noqa: BLE001 - an annotation or a transform: assume NULLs
            return True
        if field.null or (field.is_relation and not field.many_to_one and not field.one_to_one):
            return True
        model = field.related_model if field.is_relation else None
        if model is None and part != path.split("__")[-1]:
            return True
    return False


def _order_expressions(keys: list[Key], reverse: bool):
    expressions = []
    for i, key in enumerate(keys):
        descending = key.descending != reverse
        column = F(f"{_PREFIX}{i}") if key.path != "pk" else F("pk")
        if not key.nullable:  # no modifier: the database's plain order, which its indexes serve
            expressions.append(column.desc() if descending else column.asc())
        # NULL is the largest value: last when ascending, first when descending (both databases alike).
        elif descending:
            expressions.append(column.desc(nulls_first=True))
        else:
            expressions.append(column.asc(nulls_last=True))
    return expressions


def _after(keys: list[Key], values: list, reverse: bool) -> Q:
    """Rows strictly after the boundary ``values`` in the (possibly reversed) order."""
    condition = Q(pk__in=[])
    equal = Q()
    for i, (key, value) in enumerate(zip(keys, values, strict=True)):
        name = f"{_PREFIX}{i}" if key.path != "pk" else "pk"
        larger = key.descending == reverse  # moving towards larger values (NULL the largest of all)
        if value is None:
            if not key.nullable:
                raise InvalidCursor("no value")
            beyond = Q(pk__in=[]) if larger else Q(**{f"{name}__isnull": False})
            same = Q(**{f"{name}__isnull": True})
        else:
            beyond = Q(**{f"{name}__gt" if larger else f"{name}__lt": value})
            if larger and key.nullable:
                beyond |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        condition |= equal & beyond
        equal &= same
    return condition


def _annotated(queryset, keys: list[Key]):
    annotations = {f"{_PREFIX}{i}": F(key.path) for i, key in enumerate(keys) if key.path != "pk"}
    return queryset.annotate(**annotations) if annotations else queryset


def boundary(row, keys: list[Key]) -> list:
    return [row.pk if key.path == "pk" else getattr(row, f"{_PREFIX}{i}") for i, key in enumerate(keys)]


def keyset_rows(queryset, keys: list[Key], *, size: int, values: list | None = None, reverse: bool = False):
    """Up to ``size`` rows after ``values`` (from the start when None) in the order, or in the reversed order
    read backwards and returned in the order; and whether more rows lie beyond them."""
    queryset = _annotated(queryset, keys)
    if values is not None:
        try:
            queryset = queryset.filter(_after(keys, values, reverse))
        except (ValidationError, ValueError, TypeError, FieldError, decimal.InvalidOperation) as exc:
            raise InvalidCursor(str(exc)) from exc
    rows = list(queryset.order_by(*_order_expressions(keys, reverse))[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if reverse:
        rows.reverse()
    return rows, more


# ----------------------------------------------------------------------------------------- cursors


def _plain(value):
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"n": str(value)}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return {"s": str(value)}  # a UUID or another value the database compares by its text


def _typed(value):
    if isinstance(value, dict) and len(value) == 1:
        (tag, text), = value.items()
        if not isinstance(text, str):
            raise InvalidCursor("bad value")
        try:
            if tag == "t":
                return dt.datetime.fromisoformat(text)
            if tag == "d":
                return dt.date.fromisoformat(text)
            if tag == "n":
                return decimal.Decimal(text)
        except (ValueError, decimal.InvalidOperation) as exc:
            raise InvalidCursor("bad value") from exc
        if tag == "s":
            return text
    if isinstance(value, int) and not isinstance(value, bool) and not -_MAX_INT <= value <= _MAX_INT:
        raise InvalidCursor("bad value")  # beyond what a database column holds: refused before the query
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidCursor("bad value")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise InvalidCursor("bad value")


def encode_cursor(values: list, *, reverse: bool = False, position: int = 0) -> str:
    payload = {"v": [_plain(v) for v in values]}
    if reverse:
        payload["r"] = 1
    if position:
        payload["n"] = position
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, keys: list[Key]) -> tuple[list, bool, int]:
    """(boundary values, reversed?, rows before the page) of a cursor made by ``encode_cursor``."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        payload = json.loads(text)
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise InvalidCursor("not a cursor") from exc
    if not isinstance(payload, dict):
        raise InvalidCursor("not a cursor")
    if payload.get("v") is None and payload.get("r") == 1 and len(payload) == 2:
        return None, True, 0  # the last page
    if not isinstance(payload.get("v"), list) or len(payload["v"]) != len(keys):
        raise InvalidCursor("not a cursor of this list")
    position = payload.get("n", 0)
    if not isinstance(position, int) or isinstance(position, bool) or position < 0:
        raise InvalidCursor("bad position")
    values = [_typed(v) for v in payload["v"]]
    if values[-1] is None or not isinstance(values[-1], int | str) or isinstance(values[-1], bool):
        raise InvalidCursor("bad key")
    return values, bool(payload.get("r")), position


# ------------------------------------------------------------------------------------------- pages

@dataclass
class KeysetPage:
    """One page of rows with the cursors around it. ``start`` is the number of rows before the page (exact
    when reached from the first page by "next" links or as the last page; a hint otherwise)."""

    rows: list
    next_cursor: str | None
    previous_cursor: str | None
    start: int


def last_cursor() -> str:
    """The cursor of the last page (the first page of the reversed order)."""
    return base64.urlsafe_b64encode(b'{"v":null,"r":1}').decode().rstrip("=")


def keyset_page(queryset, keys: list[Key], *, cursor: str | None, size: int, count=None) -> KeysetPage:
    """The page ``cursor`` points at (the first page when None). ``count`` (a callable giving the number of
    rows) places the last page; without it the last page's ``start`` is unknown (0)."""
    values, reverse, position = (None, False, 0) if not cursor else decode_cursor(cursor, keys)
    rows, more = keyset_rows(queryset, keys, size=size, values=values, reverse=reverse)
    if reverse and not more and values is not None:
        # Reading backwards reached the start: show the first page whole (it may have grown or shrunk).
        values, reverse, position = None, False, 0
        rows, more = keyset_rows(queryset, keys, size=size)
    if reverse:
        has_next, has_previous = values is not None, more
        start = max(0, position - len(rows)) if values is not None else max(0, (count() if count else 0) - len(rows))
    else:
        has_next, has_previous = more, values is not None
        start = position
    next_cursor = previous_cursor = None
    if has_next:
        next_cursor = encode_cursor(boundary(rows[-1], keys), position=start + len(rows)) if rows \
            else encode_cursor(values, position=start)
    if has_previous:
        previous_cursor = encode_cursor(boundary(rows[0], keys), reverse=True, position=start) if rows \
            else encode_cursor(values, reverse=True, position=start)
    return KeysetPage(rows, next_cursor, previous_cursor, start)


def cursor_at(queryset, keys: list[Key], position: int) -> str | None:
    """The cursor of the page that starts after ``position`` rows (read with one ``OFFSET`` query: for jumping
    to a numbered page once, e.g. a benchmark's deep page), or None past the end."""
    if position <= 0:
        return None
    rows = list(_annotated(queryset, keys).order_by(*_order_expressions(keys, False))[position - 1: position])
    return encode_cursor(boundary(rows[0], keys), position=position) if rows else None
