"""API token authentication with an expiry (``API_TOKEN_TTL_HOURS``); revoking is deleting the token."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


def token_expires_at(token):
    return token.created + timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_is_expired(token) -> bool:
    return timezone.now() >= token_expires_at(token)


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing tokens older than ``API_TOKEN_TTL_HOURS`` (401)."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise AuthenticationFailed(_("The API token has expired; request a new one."))
        return user, token
