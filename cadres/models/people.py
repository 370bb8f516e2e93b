"""Person data shared by the roster, the reserve pool and first secretaries."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..identity import birth_date_from_id, normalise_id_number, validate_id_number, validate_mobile


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Education(models.TextChoices):
    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior high school")
    SENIOR = "senior", _("Senior high school or technical secondary")
    ASSOCIATE = "associate", _("Associate degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class PoliticalStatus(models.TextChoices):
    MEMBER = "member", _("CPC member")
    PROBATIONARY = "probationary", _("Probationary CPC member")
    ACTIVIST = "activist", _("Activist applying for Party membership")
    MASSES = "masses", _("The masses (no party)")


class PersonFields(models.Model):
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True, default="汉族")
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    id_number = models.CharField(_("ID number"), max_length=18, blank=True)
    phone = models.CharField(_("mobile"), max_length=11, blank=True)
    education = models.CharField(_("education"), max_length=16, choices=Education.choices, blank=True)
    political_status = models.CharField(_("political status"), max_length=16, choices=PoliticalStatus.choices,
                                        blank=True)
    joined_party_on = models.DateField(_("joined the Party on"), null=True, blank=True)

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        self.id_number = normalise_id_number(self.id_number)
        if self.id_number:
            try:
                validate_id_number(self.id_number)
            except ValidationError as exc:
                errors["id_number"] = exc.messages
            else:
                born = birth_date_from_id(self.id_number)
                if self.birth_date and self.birth_date != born:
                    errors["birth_date"] = [_("The date of birth does not match the ID number.")]
                self.birth_date = self.birth_date or born
        if self.phone:
            try:
                validate_mobile(self.phone)
            except ValidationError as exc:
                errors["phone"] = exc.messages
        if errors:
            raise ValidationError(errors)
