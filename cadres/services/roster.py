"""Writes of the cadre roster: add a cadre to an organization, correct the record, end a post.

Every write checks the role table ("cadre"/"change" on the organization: township organizer or
secretary, county admin), runs the model's full validation (GB 11643 ID number, date of birth,
mobile) and records the author in the audit trail.

Post rules (checked here and by the roster import, through :func:`post_conflicts`):

* one person (ID number) holds a given post in an organization at most once at a time;
* an organization has at most one current Party secretary (``secretary`` or ``secretary_director``);
* an organization has at most one current villagers' committee director (``director`` or
  ``secretary_director``: "一肩挑" is the secretary who is also the director);
* a township organizer sits in a township Party committee.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization
from organizations.models.orgs import OrganizationCategory
from organizations.services.common import by, require

from ..identity import normalise_id_number
from ..models import Cadre, Post

#: Posts of which an organization has at most one current holder, and the posts they exclude.
SINGLE_POSTS: dict[str, tuple[str, ...]] = {
    Post.SECRETARY: (Post.SECRETARY, Post.SECRETARY_DIRECTOR),
    Post.SECRETARY_DIRECTOR: (Post.SECRETARY, Post.SECRETARY_DIRECTOR, Post.DIRECTOR),
    Post.DIRECTOR: (Post.DIRECTOR, Post.SECRETARY_DIRECTOR),
}

PERSON_FIELDS = ("name", "sex", "ethnicity", "birth_date", "id_number", "phone", "education", "political_status",
                 "joined_party_on")
EDITABLE_FIELDS = (*PERSON_FIELDS, "post", "post_started_on", "note")


def conflicting_posts(post: str) -> tuple[str, ...]:
    return SINGLE_POSTS.get(post, ())


def post_conflicts(organization, post: str, id_number: str, *, exclude_pk=None) -> list[str]:
    """Messages for the post rules a new current ``post`` of ``id_number`` in ``organization`` would break."""
    messages = []
    current = Cadre.objects.filter(organization=organization, post_ended_on__isnull=True)
    if exclude_pk is not None:
        current = current.exclude(pk=exclude_pk)
    if id_number and current.filter(post=post, id_number=id_number).exists():
        messages.append(_("This person (same ID number) already holds the post of %(post)s in %(org)s.")
                        % {"post": Post(post).label, "org": organization.name})
    blocking = conflicting_posts(post)
    if blocking:
        holder = current.filter(post__in=blocking).order_by("pk").first()
        if holder is not None and not (id_number and holder.id_number == id_number and holder.post == post):
            messages.append(_("%(org)s already has %(name)s as %(post)s; end that post first.")
                            % {"org": organization.name, "name": holder.name, "post": holder.get_post_display()})
    if post == Post.TOWNSHIP_ORGANIZER and organization.category != OrganizationCategory.TOWNSHIP:
        messages.append(_("A township organizer belongs to a township Party committee."))
    return messages


def _set_organization(cadre: Cadre, organization: Organization) -> None:
    cadre.organization = organization
    cadre.county_id = organization.county_id
    cadre.township_id = organization.township_id


def _validate(cadre: Cadre) -> None:
    errors: dict[str, list] = {}
    try:
        cadre.full_clean(exclude=["county", "township"], validate_constraints=False)
    except ValidationError as exc:
        errors = exc.message_dict
    if cadre._state.adding and not cadre.id_number:
        errors.setdefault("id_number", []).append(_("The ID number is missing."))
    if not errors.get("id_number") and cadre.post_ended_on is None:
        conflicts = post_conflicts(cadre.organization, cadre.post, cadre.id_number, exclude_pk=cadre.pk)
        if conflicts:
            errors.setdefault("post", []).extend(conflicts)
    if cadre.post_started_on and cadre.post_started_on > timezone.localdate():
        errors.setdefault("post_started_on", []).append(_("The date cannot be in the future."))
    if cadre.joined_party_on and cadre.birth_date and cadre.joined_party_on < cadre.birth_date:
        errors.setdefault("joined_party_on", []).append(_("The date is before the date of birth."))
    if errors:
        raise ValidationError(errors)
    try:
        cadre.validate_constraints()
    except ValidationError as exc:
        raise ValidationError(_("This person already holds this post in this organization.")) from exc


@transaction.atomic
def cadre_add(*, user, organization: Organization, post: str, post_started_on: dt.date | None = None,
              note: str = "", **person) -> Cadre:
    """Add a person holding ``post`` in ``organization`` (fields of PersonFields as keywords; the ID number
    is required, as in the roster import)."""
    require(user, "cadre", "change", organization)
    unknown = set(person) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {sorted(unknown)}")
    cadre = Cadre(post=post, post_started_on=post_started_on, note=(note or "").strip())
    for name, value in person.items():
        setattr(cadre, name, value if value is not None or name in ("birth_date", "joined_party_on") else "")
    cadre.id_number = normalise_id_number(cadre.id_number)
    cadre.name = (cadre.name or "").strip()
    _set_organization(cadre, organization)
    _validate(cadre)
    by(cadre, user).save()
    return cadre


@transaction.atomic
def cadre_update(*, user, cadre: Cadre, organization: Organization | None = None, **changes) -> Cadre:
    """Correct a cadre's record; fields not given keep their values. Moving to another organization
    needs the right on both."""
    require(user, "cadre", "change", cadre)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown cadre fields: {sorted(unknown)}")
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if organization is not None and organization.pk != cadre.organization_id:
        require(user, "cadre", "change", organization)
        _set_organization(cadre, organization)
    for name, value in changes.items():
        if value is None and name not in ("birth_date", "joined_party_on", "post_started_on"):
            value = ""
        setattr(cadre, name, value)
    cadre.id_number = normalise_id_number(cadre.id_number)
    if "id_number" in changes and cadre.id_number and "birth_date" not in changes:
        cadre.birth_date = None  # taken again from the new ID number
    _validate(cadre)
    by(cadre, user).save()
    return cadre


@transaction.atomic
def cadre_end_post(*, user, cadre: Cadre, ended_on: dt.date, note: str = "") -> Cadre:
    """The person leaves the post on ``ended_on`` (the record stays, as a former holder)."""
    require(user, "cadre", "change", cadre)
    cadre = Cadre.objects.select_for_update().get(pk=cadre.pk)
    if cadre.post_ended_on is not None:
        raise ValidationError(_("This post has already ended."))
    if ended_on is None:
        raise ValidationError({"ended_on": [_("Enter the date.")]})
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": [_("The date cannot be in the future.")]})
    if cadre.post_started_on and ended_on < cadre.post_started_on:
        raise ValidationError({"ended_on": [_("The post cannot end before it started.")]})
    cadre.post_ended_on = ended_on
    if note:
        cadre.note = note.strip()[:200]
    by(cadre, user).save()
    return cadre
