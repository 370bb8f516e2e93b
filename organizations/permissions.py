"""Which role may do what: the one table of write permissions.

``visible_to`` decides what a user may *see*; this table decides what they may *change*,
and only inside the part of their scope granted by a role listed here. A resource or
action missing from the table is refused (fail closed).
"""

from __future__ import annotations

from .roles import Role

R = Role

WRITE_RULES: dict[str, dict[str, frozenset[str]]] = {
    "division": {
        "create": frozenset({R.COUNTY_ADMIN}),
        "change": frozenset({R.COUNTY_ADMIN}),
        "import": frozenset({R.COUNTY_ADMIN}),
    },
    "organization": {
        "create": frozenset({R.COUNTY_ADMIN}),
        "change": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
        "delete": frozenset({R.COUNTY_ADMIN}),
        "import": frozenset({R.COUNTY_ADMIN}),
    },
    "policy": {
        "change": frozenset({R.COUNTY_ADMIN}),
    },
    "role_assignment": {
        "create": frozenset({R.COUNTY_ADMIN}),
        "delete": frozenset({R.COUNTY_ADMIN}),
    },
    "object_assignment": {
        "create": frozenset({R.COUNTY_ADMIN}),
        "delete": frozenset({R.COUNTY_ADMIN}),
    },
    "export": {
        "run": frozenset(Role.values),
    },
    # The rectification ledger (rectification app). Status changes follow rectification/lifecycle.py.
    "round": {
        "create": frozenset({R.COUNTY_ADMIN}),
    },
    "category": {
        "create": frozenset({R.COUNTY_ADMIN}),
    },
    "designation": {
        "propose": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
        "import": frozenset({R.COUNTY_ADMIN}),
    },
    "plan": {
        "change": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
    },
    "task": {
        "change": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.VILLAGE_SECRETARY,
                             R.FIRST_SECRETARY}),
    },
    "progress": {
        "create": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.VILLAGE_SECRETARY,
                             R.FIRST_SECRETARY}),
    },
    "report": {
        "submit": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
    },
    "visit": {
        "create": frozenset({R.CONTACT_LEADER}),
        # Entered on behalf of a contact leader (most have no account), the leader chosen among the village's.
        "record": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER}),
    },
    "board": {
        "publish": frozenset({R.COUNTY_ADMIN}),
    },
    # The records of the six-monthly check, the year-end acceptance and the follow-up review (回头看).
    "check": {
        "create": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
        "change": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),  # corrected, audited
    },
    "acceptance": {
        "create": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
        "change": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),  # corrected, audited
    },
    "follow_up": {
        "create": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
        "change": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),  # corrected, audited
    },
    # Violations of discipline or law investigated in a designated organization (the statistical form's last column).
    "discipline_case": {
        "create": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
    },
    # The annual report (township → county → city): the division's own officials draft and submit it, the
    # level above reviews it; the division the role is held at matters too (services/annual_reports.py).
    "annual_report": {
        "draft": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
        "review": frozenset({R.COUNTY_ADMIN, R.REVIEWER}),
    },
    # Background jobs run on demand and the bimonthly progress reports they make.
    "job": {
        "run": frozenset({R.COUNTY_ADMIN}),
    },
    # Satisfaction evaluation (evaluations app): the higher level opens, counts and decides.
    "evaluation": {
        "open": frozenset({R.COUNTY_ADMIN, R.EVALUATOR}),
        "count": frozenset({R.COUNTY_ADMIN, R.EVALUATOR}),
        "close": frozenset({R.COUNTY_ADMIN, R.EVALUATOR}),
        "decide": frozenset({R.COUNTY_ADMIN}),
    },
    # Organization star rating: the branch assesses itself, the township appraises and reviews,
    # the township Party committee (or the county) approves after the public notice.
    "rating": {
        "self_assess": frozenset({R.VILLAGE_SECRETARY, R.FIRST_SECRETARY, R.TOWNSHIP_ORGANIZER,
                                  R.TOWNSHIP_SECRETARY, R.COUNTY_ADMIN}),
        "review": frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.COUNTY_ADMIN}),
        "approve": frozenset({R.TOWNSHIP_SECRETARY, R.TOWNSHIP_ORGANIZER, R.COUNTY_ADMIN}),
    },
    # Party member star management: the branch keeps members and rates; the township finalises.
    "member": {
        "change": frozenset({R.VILLAGE_SECRETARY, R.FIRST_SECRETARY, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY,
                             R.COUNTY_ADMIN}),
        "assess": frozenset({R.VILLAGE_SECRETARY, R.FIRST_SECRETARY, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY,
                             R.COUNTY_ADMIN}),
        "finalize": frozenset({R.TOWNSHIP_SECRETARY, R.TOWNSHIP_ORGANIZER, R.COUNTY_ADMIN}),
    },
    # The planning ledger (multi-year rectification plan): kept by the county organization department.
    "planning": {
        "change": frozenset({R.COUNTY_ADMIN}),
    },
    # Party committee meetings on the rectification and the township secretaries' contact villages: the
    # township keeps its own, the county both its own and the townships'.
    "committee_meeting": {
        "create": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
        "change": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
    },
    "secretary_contact": {
        "change": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
    },
    # Cadres (cadres app).
    "cadre": {
        "change": frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.COUNTY_ADMIN}),
        "import": frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.COUNTY_ADMIN}),
    },
    "reserve": {
        "change": frozenset({R.VILLAGE_SECRETARY, R.FIRST_SECRETARY, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY,
                             R.COUNTY_ADMIN}),
        "import": frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.COUNTY_ADMIN}),
    },
    # Seeing a full ID or mobile number (each view is written to the security log).
    "personal_data": {
        "unmask": frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.COUNTY_ADMIN}),
    },
    "first_secretary": {
        "change": frozenset({R.COUNTY_ADMIN}),
    },
    "support": {
        "change": frozenset({R.COUNTY_ADMIN}),
    },
    "training": {
        "change": frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.COUNTY_ADMIN}),
    },
    # Recognition (evaluations app): advanced models and experiences are written below and approved and
    # published by the county; commendation lists are proposed and decided by the township or county;
    # the 共产党员户 plaques are kept by the branch and the township.
    "exemplar": {
        "change": frozenset({R.VILLAGE_SECRETARY, R.FIRST_SECRETARY, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY,
                             R.COUNTY_ADMIN}),
        "approve": frozenset({R.COUNTY_ADMIN}),
    },
    "commendation": {
        "propose": frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.COUNTY_ADMIN}),
        "decide": frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.COUNTY_ADMIN}),
    },
    "plaque": {
        "change": frozenset({R.VILLAGE_SECRETARY, R.FIRST_SECRETARY, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY,
                             R.COUNTY_ADMIN}),
    },
    # The escalation ladder (issue 14 item 1): a township may remind its organizations; the county organization
    # department takes them up the ladder (督办, 约谈, 通报, 问责) and resolves them; a county leader writes 批示.
    "escalation": {
        "create": frozenset({R.COUNTY_ADMIN, R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY}),
        "escalate": frozenset({R.COUNTY_ADMIN}),
        "resolve": frozenset({R.COUNTY_ADMIN}),
    },
    "circular": {
        "issue": frozenset({R.COUNTY_ADMIN}),
    },
    "instruction": {
        "create": frozenset({R.COUNTY_LEADER}),
    },
    # County supervision teams (督导组) and their inspections (issue 14 item 2).
    "supervision": {
        "change": frozenset({R.COUNTY_ADMIN}),
        "inspect": frozenset({R.COUNTY_ADMIN}),
    },
    # The guarantee ledger (保障台账): subsidy disbursements, venue, secretary's pay, monthly days in the village.
    "guarantee": {
        "change": frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.COUNTY_ADMIN}),
        # A month's days in the village: the keepers above for everyone resident, a first secretary their own
        # (cadres.services.guarantee.presence_record checks whose row it is).
        "days": frozenset({R.TOWNSHIP_ORGANIZER, R.TOWNSHIP_SECRETARY, R.COUNTY_ADMIN, R.FIRST_SECRETARY}),
    },
}


def roles_allowed(resource: str, action: str) -> frozenset[str]:
    return WRITE_RULES.get(resource, {}).get(action, frozenset())


def can(user, resource: str, action: str, obj=None) -> bool:
    """May ``user`` perform ``action`` on ``resource`` (on ``obj``, when given)?

    With an object, the user must hold an allowed role whose grant covers that object:
    checked through ``visible_to(user, roles=...)``, the same mechanism that scopes reads.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    allowed = roles_allowed(resource, action)
    if not allowed:
        return False
    from .scoping import grants_for

    grants = grants_for(user)
    if obj is None:
        return bool(grants.roles() & allowed)
    # Only the roles the user holds count (visible_to(roles=A) is visible_to(roles=A & held)), and where an
    # object lies does not change within a request: one query per object and set of held allowed roles (one per
    # object for a person of one role, whatever the action).
    held = frozenset(grants.roles() & allowed)
    if not held:
        return False
    key = (type(obj), obj.pk, held)
    if key not in grants.object_checks:
        grants.object_checks[key] = type(obj).objects.visible_to(user, roles=held).filter(pk=obj.pk).exists()
    return grants.object_checks[key]


def writable(queryset, user, resource: str, action: str):
    """The rows of ``queryset`` the user may change: used for form choices and bulk checks."""
    if user.is_superuser:
        return queryset.visible_to(user)
    return queryset.visible_to(user, roles=roles_allowed(resource, action))


def acting_division(user, resource: str, action: str, *, level: str = "county"):
    """The division of ``level`` (a county by default) in which ``user`` may ``action`` on ``resource`` (a
    county's circular, its supervision teams): the user's own, the first by code for a user holding several;
    None when the role may not. Pages wrap it in ``organizations.web.base.acting_division_or_404``."""
    from .models import Division

    return writable(Division.objects.filter(level=level), user, resource, action).order_by("code").first()
