"""The API's pagination: keyset (cursor) by default, page numbers when the client asks for a page.

Every list answers ``{"count", "next", "previous", "results"}`` as before:

- without ``?page=`` the pages are keyset pages (``organizations.keyset``): ``next`` and ``previous`` carry an
  opaque ``?cursor=``, and a deep page costs what the first costs (no ``OFFSET``). Paging by ``next`` yields
  every row exactly once even when rows are added or removed meanwhile. ``?cursor=`` of a page that is not
  one of ours is a 404 (``Invalid cursor``).
- with ``?page=N`` (``page=last`` too) the answer is the page-number form of earlier versions, links by page
  number: for clients that jump to a numbered page. It reads ``OFFSET`` rows: deep pages cost more.

A client that follows ``next`` works unchanged either way. ``page_size`` (1-500, default 50) applies to both;
the order is the list's own or ``?ordering=``, made unique by the id. A list whose order the keyset cannot
follow falls back to page numbers.
"""

from __future__ import annotations

from rest_framework.exceptions import NotFound
from rest_framework.pagination import BasePagination, PageNumberPagination, replace_query_param
from rest_framework.response import Response

from ..keyset import InvalidCursor, keyset_order, keyset_page


class _PageNumbers(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class StandardPagination(BasePagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    page_query_param = "page"
    cursor_query_param = "cursor"

    def __init__(self):
        self.numbers = None

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        keys = keyset_order(queryset)
        if keys is None or self.page_query_param in request.query_params:
            self.numbers = _PageNumbers()
            return self.numbers.paginate_queryset(queryset, request, view)
        size = self.numbers_size(request)
        try:
            page = keyset_page(queryset, keys, cursor=request.query_params.get(self.cursor_query_param) or None,
                               size=size)
        except InvalidCursor as exc:
            raise NotFound("Invalid cursor") from exc
        self.page = page
        self.count = queryset.count()
        return page.rows

    def rows_before(self) -> int:
        """How many rows come before this page: known for page numbers; 0 for a keyset page (a cursor does not
        know its position, the answer's ``count`` gives the total)."""
        if self.numbers is not None and getattr(self.numbers, "page", None) is not None:
            return self.numbers.page.start_index() - 1
        return 0

    def numbers_size(self, request) -> int:
        return _PageNumbers().get_page_size(request) or self.page_size

    def _link(self, cursor):
        if cursor is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        if self.numbers is not None:
            return self.numbers.get_paginated_response(data)
        return Response({"count": self.count, "next": self._link(self.page.next_cursor),
                         "previous": self._link(self.page.previous_cursor), "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {"type": "integer", "example": 123},
                "next": {"type": "string", "nullable": True, "format": "uri",
                         "example": "http://api.example.org/accounts/?cursor=eyJ2IjpbMTIzXX0"},
                "previous": {"type": "string", "nullable": True, "format": "uri",
                             "example": "http://api.example.org/accounts/?cursor=eyJ2IjpbMTAwXSwiciI6MX0"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "The page to read: the cursor of a previous answer's next or previous link "
                            "(keyset pages; the first page without it).",
             "schema": {"type": "string"}},
            {"name": self.page_query_param, "required": False, "in": "query",
             "description": "A page number (or last): the page-number form instead of cursors.",
             "schema": {"type": "integer"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": f"Rows per page (at most {self.max_page_size}).", "schema": {"type": "integer"}},
        ]

    def get_results(self, data):
        return data["results"]

