"""Party member star management (seed 004): members, commitments, bulletins, assessments, "1+2" households.

Members fall into four categories; the policy gives the star cap (10, or 6 for capped categories).
Five aspects are striven for. Year-end ratings are finalised per organization and year, with the
quotas of the policy checked at that moment.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from organizations.models.base import SCOPE_FIELDS, OrganizationScoped


class MemberCategory(models.TextChoices):
    CADRE = "cadre", _("Two-committee members and other village cadres")
    IN_VILLAGE = "in_village", _("Members farming or unemployed in the village")
    INCAPACITATED = "incapacitated", _("Members without capacity to work")
    MOBILE = "mobile", _("Mobile members working away")


#: Categories whose star cap is the policy's ``member_star_cap_limited`` (6 by default).
CAPPED_CATEGORIES = frozenset({MemberCategory.INCAPACITATED, MemberCategory.MOBILE})


class Aspect(models.TextChoices):
    POLITICAL = "political", _("Ideological and political star")
    DISCIPLINE = "discipline", _("Discipline and compliance star")
    CIVILIZATION = "civilization", _("Civilization star")
    JOINT_SERVICE = "joint_service", _("Joint service star")
    POST_DUTY = "post_duty", _("Post responsibility star")


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


STARS = [MinValueValidator(0), MaxValueValidator(10)]


class PartyMember(OrganizationScoped):
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    joined_party_on = models.DateField(_("joined the Party on"), null=True, blank=True)
    category = models.CharField(_("member category"), max_length=16, choices=MemberCategory.choices)
    exempt = models.BooleanField(_("exempt from rating"), default=False,
                                 help_text=_("Elderly or infirm members exempted by the Party members' meeting."))
    post_claimed = models.CharField(_("post claimed"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["organization", "name", "pk"]
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        indexes = [models.Index(fields=["county", "category"]), models.Index(fields=["township", "organization"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_capped(self) -> bool:
        return self.category in CAPPED_CATEGORIES


class ContactHousehold(OrganizationScoped):
    """A household a member keeps in contact with ("1+2": each member contacts 1-2 households)."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="households",
                               verbose_name=_("Party member"))
    head_name = models.CharField(_("head of household"), max_length=50)
    address = models.CharField(_("address"), max_length=200, blank=True)
    since = models.DateField(_("in contact since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["member", "pk"]
        verbose_name = _("contact household")
        verbose_name_plural = _("contact households")


class MemberCommitment(OrganizationScoped):
    """The annual commitment: star goals per aspect, signed with the branch secretary, publicly listed."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="commitments",
                               verbose_name=_("Party member"))
    year = models.PositiveSmallIntegerField(_("year"))
    goals = models.JSONField(_("star goals per aspect"), default=dict)
    goal_stars = models.PositiveSmallIntegerField(_("star goal"), default=0, validators=STARS)
    pledges = models.TextField(_("commitments"), blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    published = models.BooleanField(_("publicly listed"), default=False)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-year", "member__name"]
        verbose_name = _("annual commitment")
        verbose_name_plural = _("annual commitments")
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="commitment_once_per_year")]


class MemberBulletin(OrganizationScoped):
    """The quarterly bulletin of a branch on its members' progress towards their stars."""

    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    held_on = models.DateField(_("held on"))
    summary = models.TextField(_("bulletin"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("entered by"))

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-year", "-quarter"]
        verbose_name = _("quarterly bulletin")
        verbose_name_plural = _("quarterly bulletins")
        constraints = [models.UniqueConstraint(fields=["organization", "year", "quarter"],
                                               name="bulletin_once_per_quarter")]


class AssessmentKind(models.TextChoices):
    HALF_YEAR = "half_year", _("Half-year pre-assessment")
    YEAR_END = "year_end", _("Year-end assessment")


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Appraisals being entered")
    PRELIMINARY = "preliminary", _("Branch preliminary rating")
    PUBLIC_NOTICE = "public_notice", _("Public notice")
    FINAL = "final", _("Final")


class MemberAssessment(OrganizationScoped):
    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="assessments",
                               verbose_name=_("Party member"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("assessment"), max_length=16, choices=AssessmentKind.choices)
    star_cap = models.PositiveSmallIntegerField(_("star cap"), validators=STARS)
    aspect_stars = models.JSONField(_("stars per aspect"), default=dict, blank=True)
    score = models.DecimalField(_("points"), max_digits=5, decimal_places=1, null=True, blank=True)
    self_stars = models.PositiveSmallIntegerField(_("self-assessment"), null=True, blank=True, validators=STARS)
    peer_stars = models.PositiveSmallIntegerField(_("peer assessment"), null=True, blank=True, validators=STARS)
    public_stars = models.PositiveSmallIntegerField(_("public appraisal"), null=True, blank=True, validators=STARS)
    preliminary_stars = models.PositiveSmallIntegerField(_("branch preliminary rating"), null=True, blank=True,
                                                         validators=STARS)
    final_stars = models.PositiveSmallIntegerField(_("final stars"), null=True, blank=True, validators=STARS)
    status = models.CharField(_("status"), max_length=16, choices=AssessmentStatus.choices,
                              default=AssessmentStatus.DRAFT)
    notice_start = models.DateField(_("public notice from"), null=True, blank=True)
    notice_end = models.DateField(_("public notice until"), null=True, blank=True)
    finalized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("finalised by"))
    finalized_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    policy = models.JSONField(_("policy values used"), default=dict, blank=True)
    note = models.TextField(_("remarks"), blank=True)

    history = HistoricalRecords(excluded_fields=SCOPE_FIELDS)

    class Meta:
        ordering = ["-year", "member__name"]
        verbose_name = _("member star assessment")
        verbose_name_plural = _("member star assessments")
        constraints = [models.UniqueConstraint(fields=["member", "year", "kind"], name="assessment_once_per_kind")]
        indexes = [models.Index(fields=["organization", "year", "kind"]),
                   models.Index(fields=["county", "year", "final_stars"])]
