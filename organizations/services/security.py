"""The append-only security log: logins, lockouts, exports, views of unmasked personal data."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings

from ..models import SecurityEvent


def _valid_ip(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip_address(request) -> str | None:
    """The client's address, trusting exactly ``AXES_IPWARE_PROXY_COUNT`` proxies in front of the app.

    With no proxy (0) ``X-Forwarded-For`` is ignored: anyone can send it. Behind N proxies, each of which
    appends the address it received the request from, the client is the N-th entry from the right of
    ``X-Forwarded-For`` (entries further left were written by the client and are not trusted). A header
    shorter than that, or an entry that is not an address, falls back to ``REMOTE_ADDR``.
    Used by django-axes (``AXES_CLIENT_IP_CALLABLE``) and by the security log.
    """
    remote = _valid_ip(request.META.get("REMOTE_ADDR"))
    count = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return _valid_ip(forwarded[-count]) or remote


def security_event_record(*, kind: str, user=None, username: str = "", request=None, **detail: Any) -> None:
    ip = None
    if request is not None:
        ip = client_ip_address(request)
    SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
        username=username or (getattr(user, "username", "") or ""),
        ip_address=ip,
        detail=detail,
    )
