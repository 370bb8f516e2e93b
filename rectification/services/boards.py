"""The public disclosure board (公开栏): the county publishes it (after the plan's approval) or withdraws it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.services.common import by, require

from ..models import Designation, DisclosureBoard, Plan, PlanStatus
from ..models.disclosure import new_token


def board_of(designation: Designation) -> DisclosureBoard | None:
    try:
        return designation.board
    except Designation.board.RelatedObjectDoesNotExist:
        return None


@transaction.atomic
def board_publish(*, user, designation: Designation) -> DisclosureBoard:
    """Publish the board: its public link then works. Only once the county approved the plan."""
    require(user, "board", "publish", designation)
    designation = Designation.objects.select_for_update().get(pk=designation.pk)
    plan = Plan.objects.filter(designation=designation).first()
    if plan is None or plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("The board can be published once the county has approved the plan."))
    board = board_of(designation) or DisclosureBoard(designation=designation)
    if board.is_published:
        return board
    board.copy_scope_from(designation)
    board.published_at = timezone.now()
    board.published_by = user
    by(board, user).save()
    return board


@transaction.atomic
def board_unpublish(*, user, designation: Designation) -> DisclosureBoard | None:
    """Withdraw the board: its public link answers 404 for good. The token is rotated now, so publishing
    again gives a new link and a new QR code, and a withdrawn QR code never works again."""
    require(user, "board", "publish", designation)
    board = board_of(designation)
    if board is None or not board.is_published:
        return board
    board.token = new_token()
    board.published_at = None
    board.published_by = None
    by(board, user).save()
    return board
