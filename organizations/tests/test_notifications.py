"""The notification inbox: one's own notifications only (another's id is a 404), mark read, mark all read, the
unread count in the navigation; notify is idempotent per dedupe key; e-mail only when mail is configured."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from organizations.models import Notification
from organizations.services.notifications import email_configured, notifications_mark_read, notify

INBOX = reverse("organizations:notifications")


def send(user, title, key=""):
    return notify(users=[user], title=title, body="正文", url=reverse("home"), dedupe_key=key)


def test_the_inbox_shows_only_ones_own(demo, login):
    mine = send(demo.users["town_organizer"], "给组织委员的通知")[0]
    theirs = send(demo.users["county_admin"], "给县委组织部的通知")[0]
    client = login("town_organizer")
    html = client.get(INBOX).content.decode()
    assert mine.title in html and theirs.title not in html
    assert client.get(reverse("organizations:notification", args=[mine.pk])).status_code == 200
    for method in ("get", "post"):
        response = getattr(client, method)(reverse("organizations:notification", args=[theirs.pk]))
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_and_mark_all_read(demo, login):
    user = demo.users["town_organizer"]
    # the demo's own story told the organizer of its confirmations and plan reviews: read those first
    notifications_mark_read(user=user)
    first, second, third = (send(user, f"通知{i}")[0] for i in range(3))
    client = login("town_organizer")
    assert 'data-unread="3"' in client.get(INBOX).content.decode()
    response = client.post(reverse("organizations:notification", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("home")
    first.refresh_from_db()
    assert first.read_at is not None
    assert 'data-unread="2"' in client.get(INBOX).content.decode()
    unread = client.get(INBOX, {"unread": "1"}).context["notifications"]
    assert {n.pk for n in unread} == {second.pk, third.pk}
    client.post(INBOX)
    assert not Notification.objects.filter(user=user, read_at__isnull=True).exists()
    assert "data-unread" not in client.get(INBOX).content.decode()


def test_notify_is_idempotent_per_key(demo):
    user = demo.users["county_admin"]
    assert len(send(user, "提醒", key="check:1")) == 1
    assert send(user, "提醒", key="check:1") == []
    assert Notification.objects.filter(user=user, dedupe_key="check:1").count() == 1


def test_email_only_when_configured(demo, settings, django_capture_on_commit_callbacks):
    user = demo.users["county_admin"]
    user.email = "admin@example.org"
    user.save(update_fields=["email"])
    assert email_configured()  # the test settings use the locmem backend
    with django_capture_on_commit_callbacks(execute=True):
        send(user, "有邮件")
    assert [m.subject for m in mail.outbox] == ["有邮件"]

    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert not email_configured()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "mail.example.org"
    assert email_configured()
    settings.NOTIFICATIONS_EMAIL = False
    assert not email_configured()
