"""Security log entries for logins and failed logins."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
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
