"""Short-lived figures and pages per person, shared by every web process through the cache (Redis in production).

The home page's to-do counts run a dozen counting queries over the apps' ledgers for every visit, and an
organizer goes back to the home page many times an hour. ``person_figures`` keeps what such a block computed
for ``PERSON_FIGURES_SECONDS`` (60 s by default; 0 turns it off), per person, language and day, with the time
it was computed (the page says "as of HH:MM"). It is never stale for the person's own writes: every request of
theirs that wrote (POST, PUT, PATCH, DELETE answered below 400) moves their write mark
(``PersonWritesMiddleware``), which is part of the key, so their next page computes afresh. Other people's
writes show within the minute.

Only figures that are already scoped to the person go in (computed from their own grants): the key is theirs.

``person_page`` does the same for a whole page of figures (the home page, the dashboards): a GET's HTML is kept
per person, address (query string included), language, day and login (the CSRF cookie, which a login renews,
so the page's forms carry a token of this session); a page with messages waiting is not served from it.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
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
    key = _person_key(user, name)
    found = cache.get(key)
    if found is None:
        found = Figures(compute(), timezone.now())
        cache.set(key, found, seconds)
    return found


def _person_key(user, name: str) -> str:
    mark = cache.get(_mark_key(user), 0)
    part = f"{name}:{translation.get_language()}:{timezone.localdate().isoformat()}:{mark}"
    return f"person:{user.pk}:{hashlib.sha256(part.encode()).hexdigest()[:32]}"


def person_page(view):
    """Keep the HTML of ``view``'s successful GETs ``PERSON_FIGURES_SECONDS`` per person (see the module)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = getattr(request, "user", None)
        if (_seconds() <= 0 or request.method != "GET" or user is None or not user.is_authenticated
                or not request.COOKIES.get(settings.CSRF_COOKIE_NAME) or len(messages.get_messages(request))):
            return view(request, *args, **kwargs)
        key = _person_key(user, f"page:{request.get_full_path()}:{request.COOKIES[settings.CSRF_COOKIE_NAME]}")
        found = cache.get(key)
        if found is not None:
            content, content_type = found
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
            response.render()
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, (response.content, response["Content-Type"]), _seconds())
        return response

    return wrapper


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
