"""Short-lived figures per person, shared by every web process through the cache (Redis in production).

The home page's to-do counts run a dozen counting queries over the apps' ledgers for every visit, and an
organizer goes back to the home page many times an hour. ``person_figures`` keeps what such a block computed
for ``PERSON_FIGURES_SECONDS`` (60 s by default; 0 turns it off), per person, language and day, with the time
it was computed (the page says "as of HH:MM"). It is never stale for the person's own writes: every request of
theirs that wrote (POST, PUT, PATCH, DELETE answered below 400) moves their write mark
(``PersonWritesMiddleware``), which is part of the key, so their next page computes afresh. Other people's
writes show within the minute.

Only figures that are already scoped to the person go in (computed from their own grants): the key is theirs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone, translation

_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class Figures:
    value: Any
    computed_at: Any  # an aware datetime


def _seconds() -> int:
    return getattr(settings, "PERSON_FIGURES_SECONDS", 60)


def _mark_key(user) -> str:
    return f"person-wrote:{user.pk}"


def person_figures(user, name: str, compute: Callable[[], Any]) -> Figures:
    """``compute()``'s value for ``user`` (computed now, or within the last ``PERSON_FIGURES_SECONDS`` and
    since the person's last write), with when it was computed. ``value`` must pickle (no lazy translations:
    the key holds the language, so compute plain strings)."""
    seconds = _seconds()
    if seconds <= 0 or user is None or not user.is_authenticated:
        return Figures(compute(), timezone.now())
    mark = cache.get(_mark_key(user), 0)
    key = f"person:{user.pk}:{name}:{translation.get_language()}:{timezone.localdate().isoformat()}:{mark}"
    found = cache.get(key)
    if found is None:
        found = Figures(compute(), timezone.now())
        cache.set(key, found, seconds)
    return found


def note_person_wrote(user) -> None:
    """``user`` has just changed something: their cached figures are not used again. The mark outlives every
    entry computed before it (their time-out is ``PERSON_FIGURES_SECONDS``)."""
    seconds = _seconds()
    if seconds > 0 and user is not None and user.is_authenticated:
        cache.set(_mark_key(user), time.time_ns(), seconds + 5)


class PersonWritesMiddleware:
    """Moves the write mark of a person whose request wrote (the API's token users included: DRF sets the
    request's user)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method in _WRITE_METHODS and response.status_code < 400:
            note_person_wrote(getattr(request, "user", None))
        return response
