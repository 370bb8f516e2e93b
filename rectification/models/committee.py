"""Party committee study of the rectification (seed 002: "the Party committee ... regularly studies the
rectification work, coordinates and solves key and difficult problems"; "the secretary of the Party committee
should take the lead in contacting key villages and difficult villages, especially those in disorder").

``CommitteeMeeting``: a meeting of a township Party committee (乡镇党委会议) or of the county Party committee's
Standing Committee (县委常委会议) that studied the rectification: date, attendees, topics, decisions, the
organizations discussed. The policy says how often each level must study it
(``township_committee_study_months``, ``county_committee_study_months``); a division with organizations in
rectification and no meeting in a period is a shortfall (``selectors.committee``).

``SecretaryContact``: a township Party secretary's own contact village (书记联系村): who, since when, until
when. A disorderly village (乱: a designation of the current round whose types are in seed 002's groups
"chaotic democratic management" or "prominent social contradictions") without such a contact is flagged.
Both audited (simple_history).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped
from organizations.scoping import ScopedManager, ScopeSpec


class CommitteeMeeting(models.Model):
    """A Party committee meeting (township or county) that studied the rectification of weak organizations."""

    division = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("Party committee of"))
    held_on = models.DateField(_("meeting date"))
    attendees = models.CharField(_("attendees"), max_length=500)
    topics = models.TextField(_("topics"))
    decisions = models.TextField(_("decisions"))
    organizations = models.ManyToManyField("organizations.Organization", blank=True, related_name="+",
                                           verbose_name=_("organizations discussed"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[organizations])
    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        ordering = ["-held_on", "division__code", "pk"]
        verbose_name = _("Party committee meeting on rectification")
        verbose_name_plural = _("Party committee meetings on rectification")
        indexes = [models.Index(fields=["division", "held_on"])]

    def __str__(self) -> str:
        return f"{self.division} {self.held_on}"

    @property
    def county_id(self) -> int | None:
        """The county of the committee (itself for a county's): whose dashboard figures a meeting changes."""
        return self.division.county_id or self.division_id


class SecretaryContact(OrganizationScoped):
    """A township Party secretary's own contact village (乡镇党委书记联系村)."""

    secretary_name = models.CharField(_("township Party secretary"), max_length=50)
    started_on = models.DateField(_("contact since"))
    ended_on = models.DateField(_("contact ended on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["township", "organization__division__code", "-started_on", "pk"]
        verbose_name = _("township secretary's contact village")
        verbose_name_plural = _("township secretaries' contact villages")
        constraints = [models.CheckConstraint(
            condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("started_on")),
            name="secretary_contact_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.secretary_name} · {self.organization}"

    def active_on(self, day) -> bool:
        return self.started_on <= day and (self.ended_on is None or self.ended_on >= day)
