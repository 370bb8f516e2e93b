"""The append-only security log: logins, lockouts, exports, views of unmasked personal data."""

from __future__ import annotations

from typing import Any

from ..models import SecurityEvent


def security_event_record(*, kind: str, user=None, username: str = "", request=None, **detail: Any) -> None:
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR")
    SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and getattr(user, "is_authenticated", False) else None,
        username=username or (getattr(user, "username", "") or ""),
        ip_address=ip,
        detail=detail,
    )
