"""Importing divisions and organizations: parse, validate every row, write all in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import ImportJob


def import_job_create(*, user, county, upload) -> ImportJob:
    raise ValidationError(_("Import is not available yet."))
