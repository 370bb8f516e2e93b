"""Sending in-app notifications (and e-mail when the mail settings are configured).

``notify`` is the one way to tell people something. With a ``dedupe_key`` it is idempotent:
the same key for the same person is sent once, however often a job runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification, NotificationKind


def email_configured() -> bool:
    backend = getattr(settings, "EMAIL_BACKEND", "")
    return bool(getattr(settings, "NOTIFICATIONS_EMAIL", False)) or backend.endswith("locmem.EmailBackend")


def notify(*, users: Iterable, kind: str = NotificationKind.GENERAL, title: str, body: str = "", url: str = "",
           dedupe_key: str = "") -> list[Notification]:
    """Send one notification to each distinct user; returns the rows created (not those already sent)."""
    created = []
    seen = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                row = Notification.objects.create(user=user, kind=kind, title=title[:200], body=body, url=url,
                                                  dedupe_key=dedupe_key)
        except IntegrityError:  # a concurrent run sent it first
            continue
        created.append(row)
    if created and email_configured():
        transaction.on_commit(lambda ids=[r.pk for r in created]: _email(ids))
    return created


def _email(ids: list[int]) -> None:
    for row in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("user"):
        if not row.user.email:
            continue
        send_mail(row.title, row.body, None, [row.user.email], fail_silently=True)
        Notification.objects.filter(pk=row.pk).update(emailed_at=timezone.now())
