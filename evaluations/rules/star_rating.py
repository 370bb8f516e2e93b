"""Pure rules of star management: no database, no user. Services and selectors call these.

Organization rating: a grade allows the star counts of the policy ``organization_grade_stars``
(好 → 5 or 4, 较好 → 3, 一般 → 2, 差 → 1 or 0 by default).

Member rating: a member's cap is ``member_star_cap`` (10) or, for the capped categories, the policy's
``member_star_cap_limited`` (6). The quotas count members on each scale who reach the "high" band:
on the 10-star scale 9 stars or more (cap - 1), on the 6-star scale 5 stars or more (cap - 1).
The allowed number is ``floor(quota% x applicable members)``: floor is the stricter reading of
"does not exceed 30%" (a 10-member branch at 30% may have 3; a 7-member branch may have 2, as 3 would be
42.9%). Exempt members are not counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.utils.translation import gettext as _

GRADE_KEYS = ("good", "fairly_good", "average", "poor")
ORG_STAR_POLICY_KEYS = ["organization_grade_stars", "public_notice_days", "organization_star_screening_below"]
MEMBER_POLICY_KEYS = ["member_star_cap", "member_star_cap_limited", "member_high_star_quota",
                      "member_limited_high_star_quota", "public_notice_days"]


def allowed_stars(policy, grade: str) -> list[int]:
    """The star counts the policy allows for ``grade`` (highest first)."""
    mapping = policy["organization_grade_stars"]
    return sorted(mapping.get(grade, []), reverse=True)


def check_stars_for_grade(policy, grade: str, stars: int | None) -> int:
    """The stars for ``grade``: the given count when the policy allows it, the only option when there is
    one, else a ValidationError naming the allowed counts."""
    from django.core.exceptions import ValidationError

    options = allowed_stars(policy, grade)
    if not options:
        raise ValidationError({"review_grade": _("Choose a grade.")})
    if stars is None or stars == "":
        if len(options) == 1:
            return options[0]
        raise ValidationError({"stars": _("Choose the stars: %(options)s.") % {
            "options": " / ".join(str(s) for s in options)}})
    stars = int(stars)
    if stars not in options:
        raise ValidationError({"stars": _("%(stars)s stars is not allowed for this grade; the policy allows "
                                          "%(options)s.") % {"stars": stars,
                                                             "options": " / ".join(str(s) for s in options)}})
    return stars


def notice_end(start: dt.date, days: int) -> dt.date:
    """The last day of a public notice of ``days`` days starting on ``start`` (start counts as day one).

    A 5-day notice from 1 December runs to 5 December inclusive; approval is possible from 6 December.
    """
    return start + dt.timedelta(days=max(int(days), 1) - 1)


def notice_over(end: dt.date | None, today: dt.date) -> bool:
    return end is not None and today > end


def member_cap(policy, category: str) -> int:
    from ..models.members import CAPPED_CATEGORIES

    return int(policy["member_star_cap_limited"] if category in CAPPED_CATEGORIES else policy["member_star_cap"])


def quota_allowed(quota_percent, applicable: int) -> int:
    """floor(quota% x applicable): the most members allowed in the high band."""
    value = Decimal(str(quota_percent)) * Decimal(applicable) / Decimal(100)
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


@dataclass
class QuotaLine:
    """One scale's quota at finalisation: who is in the high band, how many are allowed."""

    cap: int
    threshold: int
    quota: str
    applicable: int
    allowed: int
    high_names: list[str] = field(default_factory=list)

    @property
    def high(self) -> int:
        return len(self.high_names)

    @property
    def excess(self) -> int:
        return max(self.high - self.allowed, 0)

    @property
    def ok(self) -> bool:
        return self.high <= self.allowed

    def message(self) -> str:
        names = "、".join(self.high_names[:8]) + ("…" if len(self.high_names) > 8 else "")
        return _("%(threshold)s stars or more: %(high)s members (%(names)s) but at most %(allowed)s of "
                 "%(applicable)s members on the %(cap)s-star scale (quota %(quota)s%%).") % {
            "threshold": self.threshold, "high": self.high, "names": names, "allowed": self.allowed,
            "applicable": self.applicable, "cap": self.cap, "quota": self.quota}


def quota_lines(policy, rows) -> list[QuotaLine]:
    """The quota lines for ``rows``: iterable of (name, star_cap, stars, exempt).

    Members are grouped by the policy's two scales; a frozen cap different from both (policy changed
    during the year) is counted on the scale it is closest to.
    """
    full = int(policy["member_star_cap"])
    limited = int(policy["member_star_cap_limited"])
    lines = {
        full: QuotaLine(cap=full, threshold=full - 1, quota=str(policy["member_high_star_quota"]), applicable=0,
                        allowed=0),
        limited: QuotaLine(cap=limited, threshold=limited - 1, quota=str(policy["member_limited_high_star_quota"]),
                           applicable=0, allowed=0),
    }
    for name, cap, stars, exempt in rows:
        if exempt:
            continue
        scale = full if abs(int(cap) - full) <= abs(int(cap) - limited) else limited
        line = lines[scale]
        line.applicable += 1
        if stars is not None and int(stars) >= line.threshold:
            line.high_names.append(name)
    for line in lines.values():
        line.allowed = quota_allowed(line.quota, line.applicable)
    return [lines[full]] + ([lines[limited]] if limited != full else [])


def lagging_threshold(stars_list: list[int], *, at_most: int = 3) -> int | None:
    """Members at or under this are shown as lagging: ``at_most`` stars, or the lowest rating when all
    are above it. None when nobody has stars."""
    values = [s for s in stars_list if s is not None]
    if not values:
        return None
    return at_most if min(values) <= at_most else min(values)


def change_against(previous: int | None, current: int | None) -> int | None:
    if previous is None or current is None:
        return None
    return int(current) - int(previous)
