"""Precomputed dashboard figures (issue 13 item 1): the leader dashboard's numbers per county and township.

A summary is derived data, rebuilt set-based per county by ``services.dashboard_summary`` (a Celery job after
writes, debounced per county, and nightly); the dashboard reads it for users above the county (one indexed
query per panel) instead of grouping the province's ledger on every request. No audit history: nobody edits
it, every row can be recomputed from the ledger at any time.

Rows of one (figure set, counted, county): one ``county`` row (township null) holding the county's figures and
the refresh state, and one ``township`` row per township with designations (township null: the
organizations directly under the county). The county row's ``stale_since`` is set by the first write after a
refresh (``marked_at`` by every write); a reader treats a county whose figures are for another day, or stale
for longer than the policy's minutes, as missing and computes it live. The county row's ``figures`` also hold,
under their names, the per-county figures upper apps register (``services.dashboard_summary.
register_county_figures``; cadres: the cadre dashboard's guarantee ledger, reserve pool and "four ones"), refreshed
and marked stale with the ledger's.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organizations.scoping import ScopedManager, ScopeSpec

#: The figure set of the leader dashboard, counted under the counting rule's current round of each county.
FIGURE_SET = "ledger"
CURRENT = "current"


class SummaryLevel(models.TextChoices):
    COUNTY = "county", _("County (district)")
    TOWNSHIP = "township", _("Township (subdistrict)")


class DashboardSummary(models.Model):
    #: Which dashboard the figures are for (``ledger``: the leader dashboard).
    figure_set = models.CharField(max_length=20)
    #: The designations counted: ``current`` (the current round of the county: the dashboard without filters).
    counted = models.CharField(max_length=20)
    level = models.CharField(max_length=10, choices=SummaryLevel.choices)
    county = models.ForeignKey("organizations.Division", on_delete=models.CASCADE, related_name="+")
    township = models.ForeignKey("organizations.Division", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")
    figures = models.JSONField(default=dict)
    #: The day the figures were computed for (overdue tasks, reports past due and this month's visits
    #: depend on the date: figures of another day are not shown).
    computed_for = models.DateField()
    refreshed_at = models.DateTimeField()
    #: County rows only: the first write since the refresh (None: fresh), the latest write.
    stale_since = models.DateTimeField(null=True, blank=True)
    marked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager()
    scope = ScopeSpec(levels={"province": "county__province_id", "city": "county__city_id", "county": "county_id",
                              "township": "township_id"})

    class Meta:
        verbose_name = _("dashboard summary")
        verbose_name_plural = _("dashboard summaries")
        constraints = [
            models.UniqueConstraint(fields=["figure_set", "counted", "county", "level", "township"],
                                    name="dashboard_summary_key"),
            models.UniqueConstraint(fields=["figure_set", "counted", "county", "level"],
                                    condition=Q(township__isnull=True), name="dashboard_summary_key_null"),
        ]
        indexes = [models.Index(fields=["figure_set", "counted", "level", "county"], name="dashboard_summary_read"),
                   models.Index(fields=["stale_since"], name="dashboard_summary_stale")]

    def __str__(self) -> str:
        return f"{self.figure_set}/{self.counted} {self.county_id}/{self.township_id}"
