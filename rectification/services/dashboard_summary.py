"""The leader dashboard's precomputed figures (issue 13 item 1): refreshed set-based per county, marked stale
by writes.

- ``dashboard_summary_refresh``: one county's figures for today, per township, with the live dashboard's own
  selectors (``selectors.dashboard.dashboard_figures`` and ``chart_series``, grouped by township) over the
  county's counted designations (the current round: the dashboard without filters); the rows are replaced
  in one transaction. Run by the nightly job (``dashboard_summaries``, fanned out per county) and by the
  minutely task for the counties written to since their refresh (``refresh_stale``). With a replica
  (``organizations.replica``) the figures are read from it once it has replayed what the primary had when the
  refresh started, else from the primary; the rows are written to the primary.
- ``dashboard_summary_mark_stale``: the county's figures no longer match its ledger. Sent after the commit
  of any write to the fact tables the figures read (``connect_stale_marks``: post_save and post_delete
  signals, once per county and transaction), and of a policy setting (every county below its division).
  Writes that bypass the signals (``QuerySet.update``, raw SQL) are picked up by the nightly refresh.

A reader (``selectors.dashboard_summary``) takes a county's figures only when they were computed for today
and were not stale for longer than the policy ``dashboard_summary_max_age_minutes``; otherwise it counts
that county live, so no figure shown is older than the policy allows.

Upper apps add their own per-county figures to the same rows (``register_county_figures``, called from their
``AppConfig.ready()``: rectification never imports them): each source's ``compute(county_id, today=...)`` is
stored under its name in the county row's ``figures``, computed in the same refresh, and the writes to the models
it names mark the county stale as the ledger's do (e.g. cadres: the cadre dashboard's guarantee ledger, reserve
pool and "four ones" coverage).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from organizations.replica import replica_reads

from ..models import Designation
from ..models.dashboard_summary import CURRENT, FIGURE_SET, DashboardSummary, SummaryLevel


class SystemReader:
    """The refresh reads a whole county (every row, no user scope): the superuser's view of the selectors."""

    pk = None
    is_authenticated = True
    is_active = True
    is_superuser = True


def _today(today) -> dt.date:
    if isinstance(today, str) and today:
        return dt.date.fromisoformat(today)
    return today or timezone.localdate()


def county_figures(county_id: int, *, today: dt.date) -> dict[int | None, dict]:
    """The figures of each township of the county (None: organizations directly under the county) and of
    the whole county (key ``"county"``), as stored in ``DashboardSummary.figures``."""
    from ..selectors.counting import counted
    from ..selectors.dashboard import TOWNSHIP, DashboardRow, chart_series, dashboard_figures

    designations = counted(Designation.objects.filter(county_id=county_id), today=today)
    reader = SystemReader()
    rows = dashboard_figures(reader, designations, today=today, level=TOWNSHIP)
    charts = chart_series(designations, today=today, group_by="township_id")
    years: dict[int | None, set[int]] = {}
    for township_id, year in designations.order_by().values_list("township_id", "round__year").distinct():
        years.setdefault(township_id, set()).add(year)
    whole = DashboardRow(key=county_id, name="", level="county")
    result: dict = {}
    for key in {*rows, *charts, *years}:
        row = rows.get(key) or DashboardRow(key=key, name="", level=TOWNSHIP)
        whole.add(row)
        result[key] = {**_numbers(row), "chart": charts.get(key), "round_years": sorted(years.get(key, ()))}
    county_chart = None
    for chart in (c for c in charts.values() if c):
        county_chart = chart if county_chart is None else {
            kind: [a + b for a, b in zip(county_chart[kind], chart[kind], strict=True)] for kind in chart}
    result["county"] = {**_numbers(whole), "chart": county_chart,
                        "round_years": sorted(set().union(*years.values())) if years else []}
    return result


@dataclass(frozen=True)
class CountyFigures:
    """Figures an upper app keeps in each county's summary row (``DashboardSummary.figures[name]``, county rows
    only), recomputed by every refresh of the county."""

    name: str
    #: ``fn(county_id, *, today) -> dict`` (JSON): the county's figures for ``today``, over the whole county
    #: (every row, no user scope), with the app's live selectors.
    compute: Callable[..., dict]
    #: Models whose writes (post_save, post_delete; ``m2m_changed`` for a many-to-many's through model) mark
    #: the county of the row written stale (its ``county_id``; for a many-to-many, the instance's and the
    #: related rows').
    stale_on: tuple = ()


_COUNTY_FIGURES: dict[str, CountyFigures] = {}


def register_county_figures(source: CountyFigures) -> None:
    """Add an upper app's figures to every county's summary (the same name again replaces them) and connect
    the stale marks of the models they read."""
    _COUNTY_FIGURES[source.name] = source
    for model in source.stale_on:
        _connect(model)


def county_figure_sources() -> list[CountyFigures]:
    return list(_COUNTY_FIGURES.values())


def _numbers(row) -> dict:
    values = row.as_dict()
    values.pop("name")
    values.pop("level")
    return values


def dashboard_summary_refresh(*, county_id: int, today: dt.date | str | None = None) -> dict:
    """Recompute one county's summary rows for ``today`` and replace them (one transaction). A write committed
    while the figures were read keeps the county stale (its ``marked_at`` is after the start)."""
    today = _today(today)
    started = timezone.now()
    # Read from the replica once it has replayed everything committed before ``started`` (else from the
    # primary), so the stale-mark rule below holds as on the primary.
    with replica_reads(caught_up=True):
        figures = county_figures(county_id, today=today)
        for source in county_figure_sources():
            if source.name in figures["county"]:
                raise ValueError(f"county figures {source.name!r} would replace the ledger's")
            figures["county"][source.name] = source.compute(county_id, today=today)
    now = timezone.now()
    key = {"figure_set": FIGURE_SET, "counted": CURRENT, "county_id": county_id}
    try:
        with transaction.atomic():
            state = (DashboardSummary.objects.select_for_update().filter(level=SummaryLevel.COUNTY, **key)
                     .values("marked_at").first())
            marked_at = state["marked_at"] if state else None
            stale_since = started if marked_at is not None and marked_at >= started else None
            DashboardSummary.objects.filter(**key).delete()
            DashboardSummary.objects.bulk_create([
                DashboardSummary(level=SummaryLevel.COUNTY if township == "county" else SummaryLevel.TOWNSHIP,
                                 township_id=None if township == "county" else township, figures=values,
                                 computed_for=today, refreshed_at=now, stale_since=stale_since if township == "county"
                                 else None, marked_at=marked_at if township == "county" else None, **key)
                for township, values in figures.items()])
    except IntegrityError:  # another refresh of the county inserted its rows first: they are as good
        return {"townships": 0, "designations": 0, "skipped": True}
    return {"townships": len(figures) - 1, "designations": figures["county"]["total"]}


def dashboard_summary_refresh_county(*, county_id: int, today: str | None = None) -> dict:
    """The nightly job (``organizations.registry`` job ``dashboard_summaries``): one county."""
    return dashboard_summary_refresh(county_id=county_id, today=today)


def dashboard_summary_mark_stale(*, county_ids) -> int:
    """The figures of these counties no longer match their ledger: ``marked_at`` now, ``stale_since`` kept
    if already set (the first write since the refresh). One UPDATE; counties without a summary: nothing."""
    ids = sorted({pk for pk in county_ids if pk})
    if not ids:
        return 0
    now = timezone.now()
    return DashboardSummary.objects.filter(level=SummaryLevel.COUNTY, county_id__in=ids).update(
        marked_at=Value(now), stale_since=Coalesce(F("stale_since"), Value(now)))


def counties_to_refresh(*, today: dt.date) -> list[int]:
    """Counties whose summary was written to since its refresh or was computed for another day, the longest
    waiting first."""
    rows = DashboardSummary.objects.filter(Q(stale_since__isnull=False) | ~Q(computed_for=today),
                                           figure_set=FIGURE_SET, counted=CURRENT, level=SummaryLevel.COUNTY)
    return list(rows.order_by(Coalesce("stale_since", "refreshed_at"), "county_id").values_list("county_id", flat=True))


def refresh_stale(*, today: dt.date | str | None = None, budget_seconds: float = 50.0) -> dict:
    """The minutely task: refresh the counties ``counties_to_refresh`` names, one after another, until the
    time budget is spent (the rest waits for the next minute). Writes to one county within a minute cost
    one refresh (the debounce)."""
    today = _today(today)
    started = time.monotonic()
    done = []
    for county_id in counties_to_refresh(today=today):
        if time.monotonic() - started > budget_seconds:
            break
        dashboard_summary_refresh(county_id=county_id, today=today)
        done.append(county_id)
    return {"refreshed": len(done), "counties": done}


# --- stale marks from the writes -------------------------------------------------------------------------------


class _StaleMark:
    """An on-commit callback marking one county stale (recognised to send it once per transaction)."""

    def __init__(self, county_id: int):
        self.county_id = county_id

    def __call__(self) -> None:
        dashboard_summary_mark_stale(county_ids=[self.county_id])


def mark_after_commit(county_id: int | None) -> None:
    """Mark the county stale once the current transaction commits (at once outside one); once per county
    and transaction (a savepoint rolled back drops its callbacks, and so the mark, with it)."""
    if not county_id:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(isinstance(callback, _StaleMark) and callback.county_id == county_id
                                          for _ids, callback, *_rest in connection.run_on_commit):
        return
    transaction.on_commit(_StaleMark(county_id), robust=True)  # a failed mark never fails the write


def _fact_written(sender, instance, **kwargs) -> None:
    mark_after_commit(getattr(instance, "county_id", None))


def _many_to_many_written(sender, instance, action, model, pk_set, **kwargs) -> None:
    """A many-to-many of a watched model changed: the instance's county and those of the related rows
    (before a clear: the rows about to be removed)."""
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    mark_after_commit(getattr(instance, "county_id", None))
    field = next((f for f in model._meta.concrete_fields if f.name == "county"), None)
    if field is None:
        return
    if action == "pre_clear":
        related = sender.objects.filter(**{_through_column(sender, instance): instance.pk})
        column = _through_column(sender, model, to=True)
        pk_set = set(related.values_list(column, flat=True))
    for county_id in set(model.objects.filter(pk__in=pk_set or ()).values_list("county_id", flat=True)):
        mark_after_commit(county_id)


def _through_column(through, target, *, to: bool = False) -> str:
    """The through model's column pointing to ``target`` (a model or an instance): the first one, or with
    ``to`` the last one (a self-referencing many-to-many has both)."""
    target = target if isinstance(target, type) else type(target)
    columns = [f.attname for f in through._meta.concrete_fields
               if f.is_relation and issubclass(target, f.related_model)]
    return columns[-1] if to else columns[0]


def _connect(model) -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save

    label = model._meta.label
    if model._meta.auto_created:  # a many-to-many's through model
        m2m_changed.connect(_many_to_many_written, sender=model, dispatch_uid=f"dashboard-summary-m2m-{label}")
        return
    for signal, name in ((post_save, "save"), (post_delete, "delete")):
        signal.connect(_fact_written, sender=model, dispatch_uid=f"dashboard-summary-{name}-{label}")


def _policy_written(sender, instance, **kwargs) -> None:
    from organizations.models import Division

    division = Division.objects.filter(pk=instance.division_id).first()
    if division is None:
        return
    if division.county_id or division.level == "county":
        mark_after_commit(division.county_id or division.pk)
        return
    counties = Division.objects.filter(Q(province_id=division.pk) | Q(city_id=division.pk), level="county")
    for county_id in counties.values_list("pk", flat=True):
        mark_after_commit(county_id)


def connect_stale_marks() -> None:
    """Connect the signals (from ``registrations.register``): the fact tables the figures read."""
    from django.db.models.signals import post_delete, post_save

    from organizations.models import PolicySetting

    from ..models import ContactVisit, PeriodReport, Plan, PlanCycle, Round, Task

    for model in (Designation, Plan, PlanCycle, Task, PeriodReport, ContactVisit, Round):
        _connect(model)
    for signal in (post_save, post_delete):
        signal.connect(_policy_written, sender=PolicySetting, dispatch_uid=f"dashboard-summary-policy-{id(signal)}")
