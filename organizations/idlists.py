"""Filtering a queryset by a list of ids read earlier (a chunk of an export): ``queryset.filter(in_ids("pk", ids))``.

``field__in=ids`` makes Django prepare every id as its own parameter (a Python call per id: ~0.2 s for the
100,000 ids an export of the province passes around) and PostgreSQL parse an ``IN`` list of thousands of
placeholders. ``in_ids`` binds the list once: ``column = ANY(%s)`` with one array parameter on PostgreSQL, an
``IN`` list elsewhere (SQLite has no arrays). The ids are taken as they are (integers read from the database);
an empty list matches nothing, without a query, as ``__in=[]`` does.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db.models import BooleanField, Expression, F


class InIds(Expression):
    """``field`` is one of ``ids``: a condition for ``filter()``."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, field, ids: Iterable[int]):
        super().__init__(output_field=BooleanField())
        self.target = F(field) if isinstance(field, str) else field
        self.ids = [int(pk) for pk in ids]

    def get_source_expressions(self):
        return [self.target]

    def set_source_expressions(self, exprs):
        (self.target,) = exprs

    def as_sql(self, compiler, connection):
        if not self.ids:
            raise EmptyResultSet
        sql, params = compiler.compile(self.target)
        if connection.vendor == "postgresql":
            # The array typed as the column: PostgreSQL hashes a long ANY list only when both sides share the type's
            # hash function (bigint = ANY(integer[]) is searched linearly: 120 ms for 2,000 ids against 10,000 rows).
            db_type = self.target.output_field.db_type(connection)
            cast = f"::{db_type}[]" if db_type in ("smallint", "integer", "bigint") else ""
            return f"{sql} = ANY(%s{cast})", [*params, self.ids]
        return f"{sql} IN ({', '.join(['%s'] * len(self.ids))})", [*params, *self.ids]


def in_ids(field: str, ids: Iterable[int]) -> InIds:
    return InIds(field, ids)
