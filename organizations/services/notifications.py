"""Sending in-app notifications (and e-mail when the mail settings are configured).

``notify`` is the one way to tell people something. With a ``dedupe_key`` it is idempotent:
the same key for the same person is sent once, however often a job runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import Notification, NotificationKind, User
from ..roles import LEVEL_ORDER


def email_configured() -> bool:
    """E-mail is sent when the mail settings name a server (EMAIL_HOST), when NOTIFICATIONS_EMAIL is set, or
    with the test backend (locmem); never with the default console backend of development."""
    backend = getattr(settings, "EMAIL_BACKEND", "")
    flag = getattr(settings, "NOTIFICATIONS_EMAIL", None)
    if flag is not None:
        return bool(flag)
    if backend.endswith(("locmem.EmailBackend", "console.EmailBackend", "dummy.EmailBackend",
                         "filebased.EmailBackend")):
        return backend.endswith("locmem.EmailBackend")
    return bool(getattr(settings, "EMAIL_HOST", ""))


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


def role_holders(target, roles: Iterable[str], *, exclude=None) -> list[User]:
    """The active users holding one of ``roles`` over ``target`` (an organization or a division): the people to
    tell about it, found the way the scoping grants them: a role assignment on its division or an ancestor
    (county, township...), or for an organization an object assignment on it (roles.OBJECT_ROLES). One query;
    ``exclude``: a user left out (the one who acted)."""
    roles = list(roles)
    divisions = {getattr(target, f"{level}_id") for level in LEVEL_ORDER}
    is_organization = hasattr(target, "division_id")
    divisions.add(target.division_id if is_organization else target.pk)
    grants = Q(role_assignments__role__in=roles, role_assignments__division_id__in=divisions - {None})
    if is_organization:
        grants |= Q(object_assignments__role__in=roles, object_assignments__organization_id=target.pk)
    users = User.objects.filter(grants, is_active=True).distinct().order_by("pk")
    if exclude is not None:
        users = users.exclude(pk=exclude.pk)
    return list(users)


@dataclass(frozen=True)
class Message:
    user_id: int
    title: str
    body: str = ""
    url: str = ""
    kind: str = NotificationKind.GENERAL
    dedupe_key: str = ""


def notify_many(messages: Iterable[Message]) -> list[int]:
    """Send many different messages at once (a digest run): a fixed number of queries whatever their number.

    Each message with a ``dedupe_key`` already sent to its user is skipped (and a concurrent run's row is
    kept: conflicts are ignored). Returns the ids of the rows created."""
    messages = [m for m in messages if m.user_id]
    if not messages:
        return []
    keys = {m.dedupe_key for m in messages if m.dedupe_key}
    users = {m.user_id for m in messages}
    existing = set(Notification.objects.filter(user_id__in=users, dedupe_key__in=keys).values_list(
        "user_id", "dedupe_key")) if keys else set()
    active = set(User.objects.filter(pk__in=users, is_active=True).values_list("pk", flat=True))
    rows, seen = [], set()
    for m in messages:
        pair = (m.user_id, m.dedupe_key)
        if m.user_id not in active or (m.dedupe_key and (pair in existing or pair in seen)):
            continue
        seen.add(pair)
        rows.append(Notification(user_id=m.user_id, kind=m.kind, title=m.title[:200], body=m.body, url=m.url[:300],
                                 dedupe_key=m.dedupe_key))
    if not rows:
        return []
    started = timezone.now()
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    # bulk_create with ignore_conflicts returns no ids: find the rows this call made.
    created = list(Notification.objects.filter(
        user_id__in={r.user_id for r in rows}, dedupe_key__in={r.dedupe_key for r in rows},
        created_at__gte=started).values_list("pk", flat=True))
    if created and email_configured():
        transaction.on_commit(lambda ids=created: _email(ids))
    return created


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def _email(ids: list[int]) -> None:
    for row in Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).select_related("user"):
        if not row.user.email:
            continue
        send_mail(row.title, row.body, None, [row.user.email], fail_silently=True)
        Notification.objects.filter(pk=row.pk).update(emailed_at=timezone.now())


def notifications_mark_read(*, user, notification: Notification | None = None) -> int:
    """Mark one of ``user``'s notifications (or all of them) read; returns how many changed.

    Notifications are not audited models (they are the audit's messages), so one UPDATE is fine; the
    filter on ``user`` means nobody marks another person's messages.
    """
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        rows = rows.filter(pk=notification.pk)
    return rows.update(read_at=timezone.now())
