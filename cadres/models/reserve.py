"""The village reserve cadre pool (村级后备干部): 2-3 per village by policy, students preferred."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped

from .people import PersonFields


class ReserveType(models.TextChoices):
    STUDENT_OFFICIAL = "student_official", _("University-student village official")
    MIGRANT_BUSINESS = "migrant_business", _("Migrant business person")
    RICH_LEADER = "rich_leader", _("Local leader in getting rich")
    RETURNING_GRADUATE = "returning_graduate", _("Returning graduate")
    VETERAN = "veteran", _("Veteran")
    OTHER = "other", _("Other")


class Track(models.TextChoices):
    SECRETARY = "secretary", _("Village Party secretary")
    DIRECTOR = "director", _("Villagers' committee director")
    COMMITTEE_MEMBER = "committee_member", _("Two-committee member")


class ReserveStatus(models.TextChoices):
    IN_POOL = "in_pool", _("In the pool")
    ENTERED_COMMITTEE = "entered_committee", _("Entered the two committees")
    LEFT = "left", _("Left the pool")


class ReserveCadre(OrganizationScoped, PersonFields):
    reserve_type = models.CharField(_("type"), max_length=24, choices=ReserveType.choices)
    track = models.CharField(_("development track"), max_length=24, choices=Track.choices)
    current_post = models.CharField(_("current post"), max_length=100, blank=True)
    mentor = models.CharField(_("mentor"), max_length=50, blank=True)
    joined_on = models.DateField(_("joined the pool on"))
    measures = models.TextField(_("development measures"), blank=True)
    status = models.CharField(_("status"), max_length=24, choices=ReserveStatus.choices,
                              default=ReserveStatus.IN_POOL)
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    source_member = models.ForeignKey("evaluations.PartyMember", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("from the member star rating of"))
    note = models.CharField(_("remarks"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["organization", "name"]
        verbose_name = _("reserve cadre")
        verbose_name_plural = _("reserve cadres")
        constraints = [
            models.UniqueConstraint(fields=["organization", "id_number"],
                                    condition=Q(status="in_pool") & ~Q(id_number=""),
                                    name="reserve_once_per_village"),
        ]
        indexes = [models.Index(fields=["county", "status"]), models.Index(fields=["township", "status"]),
                   models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return self.name


class ReviewResult(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASICALLY_COMPETENT = "basically_competent", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")


class ReserveReview(OrganizationScoped):
    """The yearly review of a reserve cadre."""

    reserve = models.ForeignKey(ReserveCadre, on_delete=models.CASCADE, related_name="reviews",
                                verbose_name=_("reserve cadre"))
    year = models.PositiveSmallIntegerField(_("year"))
    result = models.CharField(_("result"), max_length=24, choices=ReviewResult.choices)
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("yearly review")
        verbose_name_plural = _("yearly reviews")
        constraints = [models.UniqueConstraint(fields=["reserve", "year"], name="reserve_review_once_per_year")]
