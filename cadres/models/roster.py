"""The cadre roster: people holding posts in an organization (村"两委", first secretary, township organizer)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped

from .people import PersonFields


class Post(models.TextChoices):
    SECRETARY = "secretary", _("Party secretary")
    SECRETARY_DIRECTOR = "secretary_director", _("Party secretary and committee director (一肩挑)")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy Party secretary")
    DIRECTOR = "director", _("Villagers' committee director")
    COMMITTEE_MEMBER = "committee_member", _("Two-committee member")
    FIRST_SECRETARY = "first_secretary", _("First secretary")
    STUDENT_OFFICIAL = "student_official", _("University-student village official")
    TOWNSHIP_ORGANIZER = "township_organizer", _("Township organizer")


#: Posts counted as "the village Party secretary" (training, dashboards).
SECRETARY_POSTS = (Post.SECRETARY, Post.SECRETARY_DIRECTOR)


class Cadre(OrganizationScoped, PersonFields):
    post = models.CharField(_("post"), max_length=24, choices=Post.choices)
    post_started_on = models.DateField(_("in post since"), null=True, blank=True)
    post_ended_on = models.DateField(_("left post on"), null=True, blank=True)
    note = models.CharField(_("remarks"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["organization", "post", "name"]
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        constraints = [
            models.UniqueConstraint(fields=["organization", "post", "id_number"],
                                    condition=Q(post_ended_on__isnull=True) & ~Q(id_number=""),
                                    name="cadre_one_current_post_per_person"),
            models.CheckConstraint(condition=Q(post_ended_on__isnull=True) | Q(post_started_on__isnull=True)
                                   | Q(post_ended_on__gte=models.F("post_started_on")),
                                   name="cadre_post_ends_after_start"),
        ]
        indexes = [models.Index(fields=["county", "post"]), models.Index(fields=["township", "post"]),
                   models.Index(fields=["id_number"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_post_display()}）"

    @property
    def is_current(self) -> bool:
        return self.post_ended_on is None
