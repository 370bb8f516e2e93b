"""Reads behind the ledger export: the ledger page's scoped, filtered designations, loaded chunk by chunk.

The queryset comes from the export view (the list page's scope and DesignationFilter).

Each chunk of designations costs a fixed number of queries (the rows with their organization, plan and
divisions; categories; cycles; the problem lists; measures with their tasks; the latest progress entries; the latest
submitted report; how often each organization was designated; the "four ones" through the kernel's
provider, two queries), whatever the chunk's size, so an
export's query count grows with the number of chunks, never with the number of rows.
"""

from __future__ import annotations

import contextvars
import re
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.db import connections, router
from django.db.models import CharField, F, Max, OuterRef, QuerySet, Subquery, Value, Window
from django.db.models.functions import RowNumber
from django.utils import timezone, translation

from organizations.idlists import in_ids
from organizations.registry import NO_FOUR_ONES, FourOnes, export_column_values

from ..models import (
    Designation,
    Measure,
    PeriodReport,
    PlanCycle,
    PlanProblem,
    ProgressEntry,
    ReportStatus,
    Task,
)
from ..problems import item_label
from .four_ones import four_ones_by_organization

CHUNK_SIZE = 2000
#: Progress entries shown per organization in the "progress this period" cell.
LATEST_ENTRIES = 3


@dataclass
class TaskItem:
    title: str
    owner_name: str
    deadline: object
    status: str


@dataclass
class MeasureItem:
    title: str
    tasks: list[TaskItem] = field(default_factory=list)


@dataclass
class ProblemRow:
    """A problem of the plan's problem list: its catalogue label (group · item), description and cause."""

    label: str
    description: str
    cause_analysis: str


@dataclass
class EntryItem:
    happened_on: object
    content: str


@dataclass
class ExportRow:
    """A designation with everything its ledger row needs (attached per chunk, not per row)."""

    designation: Designation
    times_designated: int = 1
    cycle: PlanCycle | None = None
    problems: list[ProblemRow] = field(default_factory=list)
    measures: list[MeasureItem] = field(default_factory=list)
    entries: list[EntryItem] = field(default_factory=list)
    last_report_on: object = None
    #: The latest six-monthly check, acceptance meeting and follow-up review (date, grade/result/finding).
    last_check: tuple | None = None
    last_acceptance: tuple | None = None
    last_follow_up: tuple | None = None
    #: The organization's contact leader, first secretary and helping unit today (the cadres records).
    four_ones: FourOnes = NO_FOUR_ONES
    #: The values of the columns upper apps add to the ledger (``organizations.registry`` slot "ledger").
    extra: tuple = ()


def _chunks(ids: Iterator[int], size: int) -> Iterator[list[int]]:
    chunk: list[int] = []
    for pk in ids:
        chunk.append(pk)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def export_rows(queryset: QuerySet[Designation], chunk_size: int = CHUNK_SIZE) -> Iterator[ExportRow]:
    """The designations of ``queryset`` in its order, ``chunk_size`` at a time, each with its row data."""
    ordering = queryset.query.order_by or Designation._meta.ordering
    ids = queryset.order_by(*ordering, "pk").values_list("pk", flat=True)
    # Materialise the id list once: one integer per row, and the chunk queries below can run freely.
    for chunk in _chunks(iter(list(ids)), chunk_size):
        yield from _load_chunk(chunk)


def _load_chunk(ids: list[int]) -> list[ExportRow]:
    designations = {
        d.pk: d for d in Designation.objects.filter(pk__in=ids)
        .select_related("round", "organization", "organization__village", "county", "township", "plan")
        .prefetch_related("categories")
    }
    plan_ids = [d.plan.pk for d in designations.values() if plan_of(d) is not None]
    cycles: dict[int, PlanCycle] = {}
    for cycle in PlanCycle.objects.filter(plan_id__in=plan_ids).order_by("plan_id", "number"):
        cycles[cycle.plan_id] = cycle  # the last one wins: the current cycle
    parts = _chunk_parts(ids, plan_ids, {d.organization_id for d in designations.values()},
                         {plan_id: cycle.pk for plan_id, cycle in cycles.items()})
    rows = []
    for pk in ids:
        designation = designations.get(pk)
        if designation is None:
            continue  # deleted since the id list was read
        plan = plan_of(designation)
        plan_id = plan.pk if plan is not None else None
        rows.append(ExportRow(
            designation=designation,
            times_designated=parts.times_designated(designation.organization_id, designation.round.year),
            cycle=cycles.get(plan_id),
            problems=parts.problems.get(plan_id, []),
            measures=parts.measures.get(plan_id, []),
            entries=parts.entries.get(plan_id, []),
            last_report_on=parts.reports.get(plan_id),
            last_check=parts.records["check"].get(pk),
            last_acceptance=parts.records["acceptance"].get(pk),
            last_follow_up=parts.records["follow_up"].get(pk),
            four_ones=parts.supporters[designation.organization_id],
            extra=parts.extra.get(pk, ()),
        ))
    return rows


@dataclass
class ChunkParts:
    """What a chunk of ledger rows needs beyond the designation, plan and cycle, read set-based (plain tuples)."""

    problems: dict[int, list[ProblemRow]]
    measures: dict[int, list[MeasureItem]]
    entries: dict[int, list[EntryItem]]
    reports: dict[int, object]
    years: dict[int, list[int]]
    records: dict[str, dict[int, tuple]]
    supporters: dict[int, FourOnes] = field(default_factory=dict)
    extra: dict[int, tuple] = field(default_factory=dict)
    #: Each designation's categories (sort order, code, name), for the export's rows (``categories=True``).
    categories: dict[int, list] | None = None
    #: The measures and progress texts per plan when PostgreSQL wrote them (``TextFormats``), else None.
    measure_texts: dict[int, str] | None = None
    entry_texts: dict[int, str] | None = None

    def times_designated(self, organization_id: int, year: int) -> int:
        """How often the organization was designated up to ``year`` (this designation included)."""
        return sum(1 for y in self.years[organization_id] if y <= year)


def _chunk_parts(ids: list[int], plan_ids: list[int], org_ids: set[int],
                 current_cycles: dict[int, int], texts: TextFormats | None = None, *,
                 plan_facts: bool = True, reads=None) -> ChunkParts:
    """The problem lists, measures of the current cycle with their tasks, latest progress entries, latest
    submitted reports, years designated, "four ones", check records and upper apps' columns of one chunk
    (``current_cycles``: plan id -> its current cycle's id). ``reads``: a callable answering ``_chunk_reads``
    (read meanwhile by another connection); the "four ones" and the upper apps' columns are read here first."""
    supporters = four_ones_by_organization(org_ids)
    extra = export_column_values("ledger", ids)
    parts = reads() if reads is not None else _chunk_reads(ids, plan_ids, org_ids, current_cycles, texts,
                                                         plan_facts=plan_facts)
    parts.supporters, parts.extra = supporters, extra
    return parts


def _chunk_reads(ids: list[int], plan_ids: list[int], org_ids: set[int], current_cycles: dict[int, int],
                 texts: TextFormats | None = None, *, plan_facts: bool = True,
                 categories: bool = False) -> ChunkParts:
    """``_chunk_parts``' own queries (not the registry's providers). With ``texts``, on PostgreSQL, the measures
    (with their tasks) and the latest progress come as each plan's text, written by the database. Without
    ``plan_facts`` the latest reports are left out (the export's rows carry them); with ``categories`` each
    designation's categories are read too."""
    measure_texts = entry_texts = None
    if texts is not None and texts.sql() is not None:
        measure_texts, entry_texts = _plan_texts(plan_ids, current_cycles, texts)
    texts_done = measure_texts is not None
    found_categories = None
    if categories:
        found_categories = defaultdict(list)
        for designation_id, sort_order, code, name in (
                Designation.categories.through.objects.filter(in_ids("designation_id", ids)).order_by()
                .values_list("designation_id", "category__sort_order", "category__code", "category__name")):
            found_categories[designation_id].append((sort_order, code, name))
    problems: dict[int, list[ProblemRow]] = defaultdict(list)
    for plan_id, code, description, cause in (PlanProblem.objects.filter(in_ids("plan_id", plan_ids))
                                              .order_by("plan_id", "sort_order", "pk")
                                              .values_list("plan_id", "item", "description", "cause_analysis")):
        problems[plan_id].append(ProblemRow(item_label(code), description, cause))
    # Measures, tasks and entries as plain tuples: thousands per chunk, model instances would dominate the cost.
    measures: dict[int, list[MeasureItem]] = defaultdict(list)
    by_measure: dict[int, MeasureItem] = {}
    for pk, plan_id, cycle_id, title in (Measure.objects.filter(in_ids("plan_id", [] if texts_done else plan_ids))
                                         .order_by("plan_id", "cycle__number", "sort_order", "pk")
                                         .values_list("pk", "plan_id", "cycle_id", "title")):
        current = current_cycles.get(plan_id)
        if current is None or cycle_id == current:
            by_measure[pk] = MeasureItem(title)
            measures[plan_id].append(by_measure[pk])
    for measure_id, title, owner, deadline, status in (
            Task.objects.filter(in_ids("measure_id", by_measure)).order_by("deadline", "pk")
            .values_list("measure_id", "title", "owner_name", "deadline", "status")):
        by_measure[measure_id].tasks.append(TaskItem(title, owner, deadline, status))
    entries: dict[int, list[EntryItem]] = defaultdict(list)
    for plan_id, happened_on, content in _latest_entries([] if texts_done else plan_ids):
        entries[plan_id].append(EntryItem(happened_on, content))
    reports: dict = {}
    if plan_facts:
        reports = dict(PeriodReport.objects.filter(in_ids("plan_id", plan_ids), status=ReportStatus.SUBMITTED)
                       .order_by().values("plan_id").annotate(last=Max("submitted_at"))
                       .values_list("plan_id", "last"))
    years = defaultdict(list)
    for org_id, year in (Designation.objects.filter(in_ids("organization_id", org_ids)).order_by()
                         .values_list("organization_id", "round__year")):
        years[org_id].append(year)
    return ChunkParts(problems=problems, measures=measures, entries=entries, reports=reports, years=years,
                      records=_latest_records(ids), measure_texts=measure_texts, entry_texts=entry_texts,
                      categories=found_categories)


# --- the export's rows: plain values, no model instances ----------------------------------------------------------

#: The designation's own values a ledger row prints, read with ``values_list`` (joined in the same query).
FACT_FIELDS = (
    "pk", "county__name", "township__name", "organization__village__name", "organization__name",
    "organization__org_type", "organization__member_count", "organization__secretary_name", "round__year",
    "organization_id", "problems", "status", "closed_out_on", "consolidation_until", "follow_up_result",
    "plan__id", "plan__deadline", "plan__responsible_unit", "plan__responsible_person", "plan__secretary_adjusted",
    "plan__secretary_trained", "plan__cause_analysis", "plan__objectives", "plan__township_leader",
)


@dataclass(slots=True)
class LedgerFacts:
    """One ledger row's data as plain values (the export's fast path; ``ExportRow`` holds model instances)."""

    pk: int
    county: str | None
    township: str | None
    village: str | None
    organization: str
    org_type: str
    member_count: int
    secretary_name: str
    year: int
    organization_id: int
    problems_found: str
    status: str
    closed_out_on: object
    consolidation_until: object
    follow_up_result: str
    plan_id: int | None
    plan_deadline: object
    responsible_unit: str | None
    responsible_person: str | None
    secretary_adjusted: bool | None
    secretary_trained: bool | None
    cause_analysis: str | None
    objectives: str | None
    township_leader: str | None
    current_cycle_id: int | None = None
    cycle_deadline: object = None
    last_report_on: object = None
    times_designated: int = 1
    categories: list = field(default_factory=list)
    problems: list[ProblemRow] = field(default_factory=list)
    measures: list[MeasureItem] = field(default_factory=list)
    entries: list[EntryItem] = field(default_factory=list)
    last_check: tuple | None = None
    last_acceptance: tuple | None = None
    last_follow_up: tuple | None = None
    four_ones: FourOnes = NO_FOUR_ONES
    extra: tuple = ()
    #: The measures and progress cells as PostgreSQL wrote them (``TextFormats``); None: from the lists above.
    measures_text: str | None = None
    progress_text: str | None = None


def export_facts(queryset: QuerySet[Designation], chunk_size: int = CHUNK_SIZE,
                 texts: TextFormats | None = None) -> Iterator[LedgerFacts]:
    """The designations of ``queryset`` in its order as ``LedgerFacts``: the same data as ``export_rows``,
    read with ``values_list`` only (no model instances): the rows' own values streamed by one query in the export's
    order (the current cycle and the latest submitted report as subqueries through their indexes), the rest a
    fixed number of set-based queries per chunk; with ``texts``, on PostgreSQL, the
    measures and progress cells are written by the database."""
    ordering = queryset.query.order_by or Designation._meta.ordering
    rows = (queryset.order_by(*ordering, "pk").annotate(**_fact_annotations())
            .values_list(*FACT_FIELDS, *FACT_ANNOTATIONS).iterator(chunk_size=chunk_size))
    chunks = _chunks(rows, chunk_size)
    if texts is None or texts.sql() is None or connections[router.db_for_read(Measure)].in_atomic_block:
        for chunk in chunks:
            yield from _load_facts(chunk, texts)
        return
    yield from _with_reads_ahead(chunks, texts)


def _chunk_keys(rows: list[tuple]) -> tuple[list[int], list[int], set[int], dict[int, int]]:
    """The designations, plans, organizations and plans' current cycles of a chunk's rows (``FACT_FIELDS`` +
    ``FACT_ANNOTATIONS``)."""
    pk_at, org_at, plan_at = (FACT_FIELDS.index(name) for name in ("pk", "organization_id", "plan__id"))
    cycle_at = len(FACT_FIELDS) + FACT_ANNOTATIONS.index("fact_cycle_id")
    plan_ids = [row[plan_at] for row in rows if row[plan_at] is not None]
    return ([row[pk_at] for row in rows], plan_ids, {row[org_at] for row in rows},
            {row[plan_at]: row[cycle_at] for row in rows if row[plan_at] is not None and row[cycle_at] is not None})


def _with_reads_ahead(chunks, texts: TextFormats) -> Iterator[LedgerFacts]:
    """``_load_facts`` of each chunk, the chunk's own queries (``_chunk_reads``: the measures and progress texts,
    problem lists, categories, check records, years designated) run by a helper thread on its own connection,
    the next chunk's while this one is written: the database reads them while Python writes the workbook. The
    helper holds the interpreter only to send a query and take its rows (a read-ahead of the whole chunk, the
    providers' Python included, was slower: the two threads took turns). Outside a transaction only (the
    helper's connection would not see the caller's uncommitted rows); the caller's context (the replica's
    scope), language and time zone go with it."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-reads")
    language, zone = translation.get_language(), timezone.get_current_timezone()

    def read(keys):
        with translation.override(language), timezone.override(zone):
            return _chunk_reads(*keys, texts, plan_facts=False, categories=True)

    def ask(chunk):
        return pool.submit(contextvars.copy_context().run, read, _chunk_keys(chunk))

    try:
        current = next(chunks, None)
        pending = ask(current) if current is not None else None
        while current is not None:
            following = next(chunks, None)
            upcoming = ask(following) if following is not None else None
            yield from _load_facts(current, texts, reads=pending.result)
            current, pending = following, upcoming
    finally:
        pool.submit(connections.close_all)  # the helper's own connection
        pool.shutdown(wait=True)


#: Computed per row in the rows' query (``_fact_annotations``), in ``LedgerFacts``' order after FACT_FIELDS.
FACT_ANNOTATIONS = ("fact_cycle_id", "fact_cycle_deadline", "fact_last_report_on")


def _fact_annotations() -> dict:
    cycles = PlanCycle.objects.filter(plan_id=OuterRef("plan__id")).order_by("-number")
    return {
        "fact_cycle_id": Subquery(cycles.values("pk")[:1]),  # the current cycle: the last by number
        "fact_cycle_deadline": Subquery(cycles.values("deadline")[:1]),
        "fact_last_report_on": Subquery(
            PeriodReport.objects.filter(plan_id=OuterRef("plan__id"), status=ReportStatus.SUBMITTED)
            .order_by().values("plan_id").annotate(last=Max("submitted_at")).values("last")[:1]),
    }


def _load_facts(rows: list[tuple], texts: TextFormats | None = None, reads=None) -> list[LedgerFacts]:
    """The chunk's ``LedgerFacts`` from its rows; ``reads``: a callable answering the chunk's ``_chunk_reads``
    (read by the helper connection), else they are read here."""
    facts = [LedgerFacts(*row) for row in rows]
    ids, plan_ids, org_ids, current_cycles = _chunk_keys(rows)
    if reads is None:
        def reads():
            return _chunk_reads(ids, plan_ids, org_ids, current_cycles, texts, plan_facts=False, categories=True)
    parts = _chunk_parts(ids, plan_ids, org_ids, current_cycles, texts, reads=reads)
    measure_texts, entry_texts, categories = parts.measure_texts, parts.entry_texts, parts.categories
    for row in facts:
        pk, plan_id = row.pk, row.plan_id
        row.categories = [(code, name) for _order, code, name in sorted(categories.get(pk, []))]
        row.times_designated = parts.times_designated(row.organization_id, row.year)
        if plan_id is None:
            row.cycle_deadline = None
        row.problems = parts.problems.get(plan_id, [])
        if measure_texts is None:
            row.measures = parts.measures.get(plan_id, [])
            row.entries = parts.entries.get(plan_id, [])
        else:
            row.measures_text = measure_texts.get(plan_id, "")
            row.progress_text = entry_texts.get(plan_id, "")
        row.last_check = parts.records["check"].get(pk)
        row.last_acceptance = parts.records["acceptance"].get(pk)
        row.last_follow_up = parts.records["follow_up"].get(pk)
        row.four_ones = parts.supporters[row.organization_id]
        row.extra = parts.extra.get(pk, ())
    return facts


@dataclass(frozen=True)
class TextFormats:
    """How the export writes a task's line (a translated ``%(task)s … %(owner)s … %(deadline)s … %(status)s``
    template) and the task statuses' labels: what PostgreSQL needs to write the measures cell itself."""

    task_line: str
    task_statuses: dict

    def sql(self) -> tuple[str, list] | None:
        """The task line as a PostgreSQL expression over ``t`` (a task) and its parameters; None where the
        database cannot write it (another database, a template with other ``%`` directives)."""
        if _reader(Measure).vendor != "postgresql":
            return None
        columns = {"task": "t.title", "owner": "t.owner_name", "deadline": _SQL_DATE.format("t.deadline"),
                   "status": "(CASE t.status {} ELSE t.status END)".format(
                       " ".join("WHEN %s THEN %s" for _value in self.task_statuses))}
        status_params = [x for value, label in self.task_statuses.items() for x in (value, str(label))]
        pieces, params, literal, at = [], [], "", 0
        for match in _TEMPLATE_FIELD.finditer(self.task_line):
            literal += self.task_line[at:match.start()]
            at = match.end()
            if match.group(0) == "%%":
                literal += "%"
                continue
            if "%" in literal:
                return None
            pieces += ["%s::text", columns[match.group(1)]]
            params += [literal, *(status_params if match.group(1) == "status" else [])]
            literal = ""
        literal += self.task_line[at:]
        if "%" in literal:
            return None
        pieces.append("%s::text")
        params.append(literal)
        return " || ".join(pieces), params


#: ``_date(day)`` in SQL: 2026-05-01 (the year unpadded, as Python's f-string writes it).
_SQL_DATE = "(extract(year FROM {0})::int::text || to_char({0}, '-MM-DD'))"
_TEMPLATE_FIELD = re.compile(r"%\((task|owner|deadline|status)\)s|%%")


def _plan_texts(plan_ids: list[int], current_cycles: dict[int, int], texts: TextFormats) -> tuple[dict, dict]:
    """PostgreSQL: each plan's measures cell (its current cycle's measures numbered, each with its task lines) and
    progress cell (the ``LATEST_ENTRIES`` latest entries, newest first), in one query per chunk: what
    ``measures_text`` and ``progress_text`` make of the rows, written by the database (a tenth of the rows
    travel, no Python per task)."""
    if not plan_ids:
        return {}, {}
    task_line, task_params = texts.sql()
    reader = _reader(Measure)
    table = {name: reader.ops.quote_name(model._meta.db_table) for name, model in (
        ("m", Measure), ("t", Task), ("c", PlanCycle), ("e", ProgressEntry))}
    newline = "E'\\n'"
    sql = f"""
        SELECT p.id,
          (SELECT string_agg(m.n::text || '. ' || m.title || coalesce({newline} || (
                     SELECT string_agg({task_line}, {newline} ORDER BY t.deadline, t.id)
                     FROM {table['t']} t WHERE t.measure_id = m.id), ''), {newline} ORDER BY m.n)
           FROM (SELECT m.id, m.title, row_number() OVER (ORDER BY c.number, m.sort_order, m.id) AS n
                 FROM {table['m']} m JOIN {table['c']} c ON c.id = m.cycle_id
                 WHERE m.plan_id = p.id AND (p.cycle IS NULL OR m.cycle_id = p.cycle)) m),
          (SELECT string_agg({_SQL_DATE.format("e.happened_on")} || ' ' || e.content, {newline}
                             ORDER BY e.happened_on DESC, e.id DESC)
           FROM (SELECT x.happened_on, x.content, x.id FROM {table['e']} x WHERE x.plan_id = p.id
                 ORDER BY x.happened_on DESC, x.id DESC LIMIT %s) e)
        FROM unnest(%s::bigint[], %s::bigint[]) AS p(id, cycle)"""
    with reader.cursor() as cursor:
        cursor.execute(sql, [*task_params, LATEST_ENTRIES, list(plan_ids),
                             [current_cycles.get(plan_id) for plan_id in plan_ids]])
        rows = cursor.fetchall()
    return ({plan_id: measures or "" for plan_id, measures, _progress in rows},
            {plan_id: progress or "" for plan_id, _measures, progress in rows})


def _reader(model):
    """The connection the ORM reads ``model`` from here (the replica inside ``organizations.replica``'s scope)."""
    return connections[router.db_for_read(model)]


def _latest_entries(plan_ids: list[int]):
    """(plan id, happened on, content) of the ``LATEST_ENTRIES`` latest progress entries of each plan, newest first.

    PostgreSQL reads each plan's few rows from the end of its ``(plan, happened_on)`` index (a lateral join:
    30 rows of 200,000 for a chunk of the province); elsewhere a window ranks every entry of the chunk's plans."""
    if not plan_ids:
        return []
    reader = _reader(ProgressEntry)
    if reader.vendor == "postgresql":
        table = reader.ops.quote_name(ProgressEntry._meta.db_table)
        with reader.cursor() as cursor:
            cursor.execute(
                f"""SELECT p.id, e.happened_on, e.content FROM unnest(%s::bigint[]) AS p(id) CROSS JOIN LATERAL (
                    SELECT x.happened_on, x.content, x.id FROM {table} x WHERE x.plan_id = p.id
                    ORDER BY x.happened_on DESC, x.id DESC LIMIT %s) e
                ORDER BY p.id, e.happened_on DESC, e.id DESC""", [list(plan_ids), LATEST_ENTRIES])
            return cursor.fetchall()
    return (ProgressEntry.objects.filter(in_ids("plan_id", plan_ids))
            .annotate(rank=Window(RowNumber(), partition_by=[F("plan_id")],
                                  order_by=[F("happened_on").desc(), F("pk").desc()]))
            .filter(rank__lte=LATEST_ENTRIES).order_by("plan_id", "-happened_on", "-pk")
            .values_list("plan_id", "happened_on", "content"))


def _latest_records(ids: list[int]) -> dict[str, dict[int, tuple]]:
    """The latest check record of each kind per designation (one query per chunk): (date, outcome)."""
    from ..models import AcceptanceReview, FollowUpReview, SixMonthlyCheck

    kinds = (("check", SixMonthlyCheck, "checked_on", "grade"), ("acceptance", AcceptanceReview, "held_on", "result"),
             ("follow_up", FollowUpReview, "reviewed_on", "finding"))
    parts = [model.objects.filter(in_ids("designation_id", ids)).order_by()
             .annotate(kind=Value(key, output_field=CharField()), on=F(day), outcome=F(outcome))
             .values_list("kind", "designation_id", "on", "pk", "outcome") for key, model, day, outcome in kinds]
    latest: dict[str, dict[int, tuple]] = {key: {} for key, *_rest in kinds}
    rows = parts[0].union(*parts[1:], all=True) if ids else []
    for key, designation_id, on, _pk, value in sorted(rows, key=lambda r: (r[0], r[1], r[2], r[3])):
        latest[key][designation_id] = (on, value)  # the last one wins
    return latest


def ledger_export_queryset(user, params: dict) -> QuerySet[Designation]:
    """The export's designations: ``user``'s scope narrowed by the ledger page's filters ``params`` ({name: [values]},
    as a request's query string holds them), in the ledger's order; invalid filters give nothing (as the page)."""
    from django.http import QueryDict

    from ..filters.ledger import designation_filter_for
    from .ledger import LEDGER_ORDER

    data = QueryDict(mutable=True)
    for key, values in params.items():
        data.setlist(key, values if isinstance(values, list) else [values])
    filterset = designation_filter_for(user, data)
    queryset = Designation.objects.visible_to(user)
    if filterset.is_bound:
        queryset = filterset.qs if filterset.is_valid() else queryset.none()
    return queryset.order_by(*LEDGER_ORDER)


def plan_of(designation: Designation):
    """The designation's plan, or None (a proposed designation has none yet)."""
    try:
        return designation.plan
    except Designation.plan.RelatedObjectDoesNotExist:
        return None
