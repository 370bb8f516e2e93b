"""Recognition: advanced models and experiences publicized (seed 000 #4), the 七一 and year-end commendations of
Party members drawn from the star ratings (seed 004: 9 stars or more are commended on July 1 and at year end),
and the 共产党员户 (Communist Party member household) plaque list.

- ``Exemplar`` (先进典型、经验做法): written by the village, township or county for an organization; it goes
  draft → submitted → approved by the county → published, and only then appears on the county's public
  recognition page (names only, free text masked).
- ``CommendationList`` (表彰名单) of a township or county, for 七一 or the year end: proposed from the members of
  its area whose final year-end stars reach the top band (cap − 1: 9 of 10, 5 of 6), then decided by the
  township or county with the date and the document number; its rows are ``Commendation``.
- ``MemberPlaque`` (共产党员户挂牌): the plaque hung at a member's home, with its number, and its removal (摘牌).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped
from organizations.scoping import ScopedManager, ScopeSpec

from .members import STARS, MemberAssessment, PartyMember


class ExemplarKind(models.TextChoices):
    ORGANIZATION = "organization", _("Advanced Party organization")
    PERSON = "person", _("Advanced individual")
    EXPERIENCE = "experience", _("Experience and practice")


class ExemplarStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the county")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved by the county")
    PUBLISHED = "published", _("Published")


#: States in which the text may still be changed by its authors.
EXEMPLAR_EDITABLE = (ExemplarStatus.DRAFT, ExemplarStatus.RETURNED)


class Exemplar(OrganizationScoped):
    kind = models.CharField(_("kind"), max_length=16, choices=ExemplarKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=120)
    #: Whose example it is: the organization's or the person's name (names only, never contacts).
    subject = models.CharField(_("name of the model"), max_length=80,
                               help_text=_("The organization's or the person's name; nothing else about a person."))
    summary = models.TextField(_("deeds or practice"))
    status = models.CharField(_("status"), max_length=12, choices=ExemplarStatus.choices,
                              default=ExemplarStatus.DRAFT, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("written by"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-year", "-published_at", "-pk"]
        verbose_name = _("advanced model or experience")
        verbose_name_plural = _("advanced models and experiences")
        indexes = [models.Index(fields=["county", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_editable(self) -> bool:
        return self.status in EXEMPLAR_EDITABLE


class CommendationOccasion(models.TextChoices):
    JULY_FIRST = "july_first", _("July 1 commendation")
    YEAR_END = "year_end", _("Year-end commendation")


class CommendationListStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DECIDED = "decided", _("Decided")


class CommendationList(models.Model):
    """A township's or county's list of Party members commended on an occasion of a year."""

    division = models.ForeignKey("organizations.Division", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("area"))
    year = models.PositiveSmallIntegerField(_("year"))
    occasion = models.CharField(_("occasion"), max_length=12, choices=CommendationOccasion.choices)
    #: The year of the final year-end star ratings the candidates come from.
    ratings_year = models.PositiveSmallIntegerField(_("star ratings of"))
    honour = models.CharField(_("honour"), max_length=60)
    status = models.CharField(_("status"), max_length=12, choices=CommendationListStatus.choices,
                              default=CommendationListStatus.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("proposed by"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_number = models.CharField(_("document number"), max_length=60, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    note = models.TextField(_("remarks"), blank=True)

    history = HistoricalRecords()
    objects = ScopedManager()
    scope = ScopeSpec.on_division("division__")

    class Meta:
        ordering = ["-year", "occasion", "division__code"]
        verbose_name = _("commendation list")
        verbose_name_plural = _("commendation lists")
        constraints = [models.UniqueConstraint(fields=["division", "year", "occasion"],
                                               name="commendation_list_once_per_occasion")]

    def __str__(self) -> str:
        return f"{self.division} {self.year} {self.get_occasion_display()}"

    @property
    def is_decided(self) -> bool:
        return self.status == CommendationListStatus.DECIDED


class Commendation(OrganizationScoped):
    """A member on a commendation list, with the final stars that put them there."""

    commendation_list = models.ForeignKey(CommendationList, on_delete=models.CASCADE, related_name="entries",
                                          verbose_name=_("commendation list"))
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="commendations",
                               verbose_name=_("Party member"))
    assessment = models.ForeignKey(MemberAssessment, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("year-end assessment"))
    stars = models.PositiveSmallIntegerField(_("final stars"), validators=STARS)
    star_cap = models.PositiveSmallIntegerField(_("star cap"), validators=STARS)
    included = models.BooleanField(_("commended"), default=True)
    remark = models.CharField(_("remarks"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["commendation_list", "organization__division__code", "-stars", "member__name"]
        verbose_name = _("commended member")
        verbose_name_plural = _("commended members")
        constraints = [models.UniqueConstraint(fields=["commendation_list", "member"],
                                               name="commendation_once_per_list")]


class MemberPlaque(OrganizationScoped):
    """The 共产党员户 plaque at a member's home: hung with a number, removed (摘牌) with a reason."""

    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="plaques",
                               verbose_name=_("Party member"))
    number = models.CharField(_("plaque number"), max_length=30)
    hung_on = models.DateField(_("hung on"))
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removed_reason = models.CharField(_("reason for removal"), max_length=200, blank=True)
    note = models.CharField(_("remarks"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["organization__division__code", "number", "pk"]
        verbose_name = _("Party member household plaque")
        verbose_name_plural = _("Party member household plaques")
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(removed_on__isnull=True),
                                    name="plaque_one_hung_per_member"),
            models.UniqueConstraint(fields=["organization", "number"], name="plaque_number_unique"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_hung(self) -> bool:
        return self.removed_on is None
