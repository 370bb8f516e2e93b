"""Security log entries for logins and failed logins; a background export's file goes with its run; the
shared grants are renewed when an assignment or an organization changes."""

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    from .services import security_event_record

    security_event_record(kind="login", user=user, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    from .services import security_event_record

    if user is not None:
        security_event_record(kind="logout", user=user, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    from .services import security_event_record

    security_event_record(kind="login_failed", username=str(credentials.get("username", ""))[:150],
                          request=request)


@receiver(post_delete, sender="organizations.ExportRun")
def _export_run_file_deleted(sender, instance, **kwargs):
    """A background export's workbook goes with its run (a deleted account takes its runs along): deleted once
    the deletion is committed, never left on disk without a run pointing at it."""
    if instance.file:
        name, storage = instance.file.name, instance.file.storage
        transaction.on_commit(lambda: storage.delete(name))


@receiver(post_save, sender="organizations.RoleAssignment")
@receiver(post_delete, sender="organizations.RoleAssignment")
@receiver(post_save, sender="organizations.ObjectAssignment")
@receiver(post_delete, sender="organizations.ObjectAssignment")
@receiver(post_save, sender="organizations.Organization")
@receiver(post_delete, sender="organizations.Organization")
def _grants_changed(sender, **kwargs):
    """Now and once the change is committed (a request that read the grants in between keeps no stale copy)."""
    from .caching import grants_changed

    grants_changed()
    transaction.on_commit(grants_changed)


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def _user_changed(sender, instance, **kwargs):
    """The kept account (organizations.backends) goes, now and once the change is committed."""
    from .backends import forget_user

    forget_user(instance.pk)
    transaction.on_commit(lambda: forget_user(instance.pk))
