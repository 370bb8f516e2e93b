"""Login lockout (django-axes): per username at one address, and per username across addresses.

``AXES_LOCKOUT_PARAMETERS`` lists alternatives; axes locks when any of them reaches one limit
(``AXES_FAILURE_LIMIT``). The alternative ``"username"`` alone (password spraying against one account
from many addresses) gets its own, higher limit ``AXES_USERNAME_FAILURE_LIMIT``: otherwise anyone
could lock any account out with a handful of guesses, and the address would no longer matter.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit, get_lockout_parameters
from django.conf import settings
from django.db.models import Sum


def _own_limit(parameter, request, credentials) -> int:
    base = get_failure_limit(request, credentials)
    if parameter == "username" or parameter == ["username"]:
        return getattr(settings, "AXES_USERNAME_FAILURE_LIMIT", base)
    return base


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures of the alternative nearest its own limit, expressed against ``AXES_FAILURE_LIMIT``
        (a count ``n`` under a limit ``L`` reads ``n - L + AXES_FAILURE_LIMIT``), so axes' single comparison
        locks exactly when one alternative reaches its own limit."""
        base = get_failure_limit(request, credentials)
        parameters = get_lockout_parameters(request, credentials)
        attempts_list = self.get_user_attempts(request, credentials)
        result = 0
        for parameter, attempts in zip(parameters, attempts_list, strict=True):
            count = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if count:
                result = max(result, count - _own_limit(parameter, request, credentials) + base)
        return result
