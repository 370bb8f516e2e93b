"""API of the publishing area: the ledger export (JSON rows, or ``?format=xlsx`` for the workbook) and the
leader dashboard's numbers. Registered on the shared router by ``register``."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from organizations.api.base import ScopedViewSetMixin
from organizations.api.exports import export_run_payload
from organizations.caching import person_figures
from organizations.exports.excel import XLSX_CONTENT_TYPE
from organizations.models import Division
from organizations.permissions import can
from organizations.registry import export_columns
from organizations.replica import reads_from_replica
from organizations.services.exports import export_run_request
from organizations.services.security import security_event_record

from ..exports.ledger import LEDGER_HEADERS, ledger_export_response, ledger_row, row_labels
from ..filters.ledger import DesignationFilter
from ..models import Designation, DesignationStatus
from ..selectors.dashboard_scope import DashboardOfScope, dashboard_filters, dashboard_of_scope
from ..selectors.ledger import LEDGER_ORDER
from ..selectors.ledger_export import export_rows
from ..web.dashboard_links import add_links

#: JSON keys of the consolidated ledger row, in the order of the workbook's columns.
ROW_KEYS = ("number", "county", "township", "village", "organization_name", "organization_type", "party_members",
            "village_secretary", "year", "times_designated", "categories", "problems", "problem_list",
            "cause_analysis", "objectives", "measures", "responsible", "deadline", "contact_leader", "township_leader",
            "first_secretary", "helping_unit", "secretary_adjusted_trained", "progress", "report_submitted_on",
            "closed_out_on", "consolidation_until", "status", "remarks", "six_monthly_check", "acceptance",
            "follow_up_review")
assert len(ROW_KEYS) == len(LEDGER_HEADERS)


def extra_keys() -> tuple:
    """The keys of the columns the upper apps add to the ledger (``organizations.registry``, slot "ledger")."""
    return tuple(key for columns in export_columns("ledger") for key, _header, _width in columns.columns)


class XlsxRenderer(BaseRenderer):
    """Chosen with ``?format=xlsx`` or ``Accept: application/vnd.openxmlformats-...sheet``."""

    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data, ensure_ascii=False).encode()


class LedgerRowSerializer(serializers.Serializer):
    """One designation in the consolidated ledger layout (the workbook's columns; multi-line text as is)."""

    id = serializers.IntegerField(help_text="The designation's id.")
    number = serializers.IntegerField()
    county = serializers.CharField()
    township = serializers.CharField()
    village = serializers.CharField()
    organization_name = serializers.CharField()
    organization_type = serializers.CharField()
    party_members = serializers.IntegerField()
    village_secretary = serializers.CharField()
    year = serializers.IntegerField()
    times_designated = serializers.IntegerField()
    categories = serializers.CharField()
    problems = serializers.CharField()
    problem_list = serializers.CharField(help_text="The plan's problem list (问题清单): group · item: how it shows.")
    cause_analysis = serializers.CharField()
    objectives = serializers.CharField()
    measures = serializers.CharField()
    responsible = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    contact_leader = serializers.CharField()
    township_leader = serializers.CharField()
    first_secretary = serializers.CharField()
    helping_unit = serializers.CharField()
    secretary_adjusted_trained = serializers.CharField()
    progress = serializers.CharField()
    report_submitted_on = serializers.DateField(allow_null=True)
    closed_out_on = serializers.DateField(allow_null=True)
    consolidation_until = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=DesignationStatus.choices)
    status_label = serializers.CharField()
    remarks = serializers.CharField()
    six_monthly_check = serializers.CharField(help_text="The latest six-monthly check: date and grade.")
    acceptance = serializers.CharField(help_text="The latest acceptance meeting: date and result.")
    follow_up_review = serializers.CharField(help_text="The latest follow-up review: date and finding.")
    extra = serializers.DictField(help_text="The columns other apps add to the ledger, by key: the satisfaction "
                                            "evaluation's satisfaction_evaluated_on, satisfaction_rate and "
                                            "satisfaction_conclusion.")


class LedgerExportViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    """The ledger in the consolidated layout: the caller's scope and the ledger's filters.

    JSON rows, paginated; ``?format=xlsx`` answers the whole filtered ledger as a workbook (streamed), or, above
    ``EXPORT_SYNC_MAX_ROWS`` rows, 202 with the background run that writes it (``/api/v1/exports/<id>/``: its
    progress, then its ``file``).
    """

    queryset = Designation.objects.all()
    serializer_class = LedgerRowSerializer
    filterset_class = DesignationFilter
    filter_backends = [DjangoFilterBackend]
    renderer_classes = [JSONRenderer, XlsxRenderer]

    def get_queryset(self):
        return Designation.objects.visible_to(self.request.user).order_by(*LEDGER_ORDER)

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors (a bad filter, a refusal) are JSON even when the workbook was asked for.
        if isinstance(response, Response) and getattr(request, "accepted_renderer", None) is not None and \
                request.accepted_renderer.format == "xlsx":
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = "application/json"
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(parameters=[OpenApiParameter("format", str, enum=["json", "xlsx"], description=(
        "xlsx: the whole filtered ledger as a workbook; above EXPORT_SYNC_MAX_ROWS rows the answer is 202 with "
        "the background run writing it (its url: /api/v1/exports/<id>/, whose file is the workbook once done)"))])
    @reads_from_replica
    def list(self, request, *args, **kwargs):
        # As the page's export (ScopedExportView): no export/run right is a 404, the rows a security event.
        if not can(request.user, "export", "run"):
            raise Http404
        queryset = self.filter_queryset(self.get_queryset())  # a bad filter is a 400, nothing logged
        fmt = request.accepted_renderer.format
        filters = {key: value for key, value in request.query_params.items() if key not in ("format", "page")}
        security_event_record(kind="export", user=request.user, request=request, what="ledger", filters=filters,
                              via="api", format=fmt)
        if fmt == "xlsx":
            total = queryset.count()
            if total > settings.EXPORT_SYNC_MAX_ROWS:
                # As the page's export: a worker writes the workbook. 202 with the run (poll its ``url``, then
                # download its ``file``), the requester's only.
                params = {key: request.query_params.getlist(key) for key in request.query_params
                          if key not in ("format", "page", "page_size", "cursor")}
                run = export_run_request(user=request.user, export="ledger", params=params, total=total)
                url = request.build_absolute_uri(reverse("export-run-detail", args=[run.pk]))
                response = Response({**export_run_payload(run, request), "url": url}, status=status.HTTP_202_ACCEPTED,
                                    headers={"Location": url})
                response["Cache-Control"] = "no-store"
                return response
            response = ledger_export_response(queryset, request.user)
            response["Cache-Control"] = "no-store"
            return response
        page = self.paginate_queryset(queryset.values_list("pk", flat=True))
        offset = self.paginator.rows_before() if page else 0
        labels = row_labels()
        extra = extra_keys()
        rows = []
        ids = list(page)
        by_id = {row.designation.pk: row for row in _rows_for(ids)}
        for index, pk in enumerate(ids, start=offset + 1):
            row = by_id.get(pk)
            if row is None:
                continue
            cells = ledger_row(index, row, labels)
            values = dict(zip(ROW_KEYS, cells[:len(ROW_KEYS)], strict=True))
            values["extra"] = dict(zip(extra, cells[len(ROW_KEYS):], strict=True))
            values.update(id=pk, status=row.designation.status, status_label=values["status"])
            rows.append(values)
        response = self.get_paginated_response(self.get_serializer(rows, many=True).data)
        response["Cache-Control"] = "no-store"
        return response


def _rows_for(ids):
    return export_rows(Designation.objects.filter(pk__in=ids).order_by("pk"), chunk_size=max(len(ids), 1))


class DashboardViewSet(viewsets.GenericViewSet):
    """The leader dashboard's numbers (the same as the page): totals, one row per county, township or
    organization (``id`` is the row's division), and the bimonthly progress series."""

    queryset = Division.objects.all()  # the rows are divisions; the numbers come from the scoped ledger
    pagination_class = None
    filter_backends = []

    @extend_schema(
        parameters=[OpenApiParameter("round", int), OpenApiParameter("category", str), OpenApiParameter("q", str),
                    OpenApiParameter("county", int, description="A county of the caller's scope: its townships")],
        responses={200: OpenApiTypes.OBJECT})
    @reads_from_replica
    def list(self, request, *args, **kwargs):
        # The figures of this person and query, kept a minute (and afresh after their own writes) as the page's.
        filters, county = dashboard_filters(request.query_params), request.query_params.get("county")
        payload = person_figures(request.user, f"dashboard-api:{sorted(filters.items())}:{county}", lambda: (
            dashboard_payload(add_links(dashboard_of_scope(request.user, filters=filters, county_id=county,
                                                           today=timezone.localdate())))))
        return Response(payload.value)


def dashboard_payload(view: DashboardOfScope) -> dict:
    """The API's JSON: the same numbers as the page, rows with their division's id."""
    result = view.dashboard
    return {
        "today": result.today.isoformat(),
        "level": result.level,
        "county": view.county.pk if view.county else None,
        "current_round": view.current_round,
        "round_years": view.round_years,
        # Read from the precomputed figures: their oldest refresh time (None: counted live now).
        "as_of": view.as_of.isoformat() if view.as_of else None,
        "totals": {**result.totals.as_dict(), "links": result.totals.links},
        "results": [{"id": row.division_id, **row.as_dict(), "links": row.links}
                    for row in result.rows if row.division_id is not None],
        "chart": result.chart,
    }


def register(router) -> None:
    router.register("export", LedgerExportViewSet, basename="ledger-export")
    router.register("dashboard", DashboardViewSet, basename="ledger-dashboard")
