"""API tokens checked in one query.

django-rest-knox's TokenAuthentication also reads every other token of the user on every request,
to delete the expired ones; here an expired token is simply never found, and expired tokens are
deleted when someone takes a new one (crm.auth.TokenLoginView).
"""
import binascii
from hmac import compare_digest

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.models import AuthToken
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions


class TokenAuthentication(knox_auth.TokenAuthentication):
    def authenticate_credentials(self, token):
        refused = exceptions.AuthenticationFailed(_("Invalid token."))
        token = token.decode("utf-8")
        try:
            digest = hash_token(token)
        except (TypeError, binascii.Error):
            raise refused from None
        candidates = (
            AuthToken.objects.filter(token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH])
            .filter(Q(expiry__isnull=True) | Q(expiry__gt=timezone.now()))
            .select_related("user")
        )
        for auth_token in candidates:
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise refused


def delete_expired_tokens():
    AuthToken.objects.filter(expiry__lt=timezone.now()).delete()


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI schema names the token as it does knox's (drf-spectacular matches the exact class)."""

    target_class = TokenAuthentication
