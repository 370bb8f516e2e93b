"""The login backend: Django's ModelBackend, with the person loaded for every request kept in the shared cache.

``get_user`` runs first thing on every request (the session names the person). ``CachedModelBackend`` keeps the
loaded account ``GRANTS_CACHE_SECONDS`` under ``user:<pk>``, and organizations/signals.py deletes that entry
whenever the account is saved or deleted (deactivated, password changed, logged in), now and once committed:
a deactivated account is logged out on its next request, a changed password ends the other sessions at once.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache


def user_key(user_id) -> str:
    return f"user:{user_id}"


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        seconds = getattr(settings, "GRANTS_CACHE_SECONDS", 300)
        if seconds <= 0:
            return super().get_user(user_id)
        user = cache.get(user_key(user_id))
        if user is None:
            user = super().get_user(user_id)
            if user is None:
                return None
            cache.set(user_key(user_id), user, seconds)
        return user if self.user_can_authenticate(user) else None


def forget_user(user_id) -> None:
    cache.delete(user_key(user_id))
