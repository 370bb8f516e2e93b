"""Who is told about a consequential step of the ledger (issue 12 item 7), through the kernel's ``notify``.

- The county confirms a nomination (``confirm``): the township organizers and the village secretary of that
  organization learn that it is on the list and that the plan is next.
- The county approves or returns a plan (``approve_plan``, ``return_plan``, also a new cycle's plan): whoever
  submitted it and the township organizers, with the review comment.

The recipients are found the kernel's way (``role_holders``: role assignments over the organization, object
assignments on it); the one who acted is not told. One notification per person and step (the status change's
id is the dedupe key), written in the step's transaction.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from organizations.roles import Role
from organizations.services.notifications import notify, role_holders

from ..models import Designation, StatusChange

#: Told when a nomination is confirmed.
CONFIRMED_ROLES = (Role.TOWNSHIP_ORGANIZER, Role.VILLAGE_SECRETARY)
#: Told when a plan is approved or returned (besides whoever submitted it).
PLAN_REVIEW_ROLES = (Role.TOWNSHIP_ORGANIZER,)

ANNOUNCED_ACTIONS = frozenset({"confirm", "approve_plan", "return_plan"})


def transition_notify(*, designation: Designation, change: StatusChange, user) -> None:
    """Tell the people concerned about ``change`` (a lifecycle step just recorded) when it is one of
    ``ANNOUNCED_ACTIONS``."""
    if change.action not in ANNOUNCED_ACTIONS:
        return
    organization = designation.organization
    names = {"organization": organization.name, "round": designation.round.name,
             "who": user.display_name if user is not None else _("system")}
    comment = change.comment.strip()
    if change.action == "confirm":
        people = role_holders(organization, CONFIRMED_ROLES, exclude=user)
        title = _("%(organization)s is confirmed as an organization to rectify (%(round)s)") % names
        lines = [_("%(who)s confirmed the nomination. Next: write the one-village-one-policy plan and submit it "
                   "to the county.") % names]
        if comment:
            lines.append(_("Comment: %(comment)s") % {"comment": comment})
        url = reverse("rectification:designation", args=[designation.pk])
    else:
        submitter = (StatusChange.objects.filter(designation=designation, action="submit_plan")
                     .exclude(user__isnull=True).select_related("user").order_by("-pk").first())
        people = role_holders(organization, PLAN_REVIEW_ROLES, exclude=user)
        if submitter is not None and (user is None or submitter.user_id != user.pk):
            people.insert(0, submitter.user)
        if change.action == "approve_plan":
            title = _("The plan of %(organization)s is approved") % names
            lines = [_("%(who)s approved the plan: the rectification goes ahead as planned.") % names]
        else:
            title = _("The plan of %(organization)s is returned") % names
            lines = [_("%(who)s returned the plan: revise it and submit it again.") % names]
        lines.append(_("Review comment: %(comment)s") % {"comment": comment or "—"})
        url = reverse("rectification:plan", args=[designation.plan.pk])
    notify(users=people, title=title, body="\n".join(lines), url=url, dedupe_key=f"status-change-{change.pk}")
