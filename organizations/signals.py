"""Security log entries for logins and failed logins; a background export's file goes with its run."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.db.models.signals import post_delete
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

