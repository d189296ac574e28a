"""API tokens: POST /api/auth/token/ with username and password returns a token.

Tokens come from django-rest-knox: stored hashed, expiring, and revocable one by one
(POST /api/auth/token/revoke/ with the token) or all at once (…/revoke-all/).
"""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from knox.views import LoginView, LogoutAllView, LogoutView
from rest_framework import permissions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, BaseThrottle

from .api.authentication import TokenAuthentication, delete_expired_tokens
from .api.errors import answer_in_json


def client_address(request):
    """The client's address as the API's throttles see it: the socket's, or the one the declared
    proxies (DJANGO_NUM_PROXIES) report; django-axes counts failed logins by it too."""
    return BaseThrottle().get_ident(request)


class LoginThrottle(AnonRateThrottle):
    """Password guessing is slowed down per client address."""

    rate = "20/minute"


class TokenLoginView(LoginView):
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [LoginThrottle]
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses=inline_serializer(
            "Token", {"token": serializers.CharField(), "expiry": serializers.DateTimeField(allow_null=True)}
        ),
        auth=[],
    )
    def post(self, request, format=None):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            answer_in_json(request)
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": _("Too many failed logins from this address; try again later.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            # Answered rather than raised: a raised error rolls the request back, and with it
            # django-axes's record of this failed attempt, which the lockout must count.
            return Response(serializer.errors, status=status.HTTP_400_BAD_REQUEST)
        request.user = serializer.validated_data["user"]
        delete_expired_tokens()
        return super().post(request, format=format)

    def get_post_response_data(self, request, token, instance):
        return {"token": token, "expiry": self.format_expiry_datetime(instance.expiry)}


class TokenRevokeView(LogoutView):
    authentication_classes = [TokenAuthentication]  # knox's views name knox's own

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format=format)


class TokenRevokeAllView(LogoutAllView):
    authentication_classes = [TokenAuthentication]

    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format=format)


class RevokeTokensOnPasswordChange:
    """Revokes every API token of a user whose password changes, wherever it is changed (the
    admin, `changepassword`, `set_password()` then `save()`): a token is a stand-in for the
    password, and one taken by whoever knew the old password must stop working with it.

    Listed in AUTH_PASSWORD_VALIDATORS because that is the hook Django calls after a password
    change (`password_changed`); it refuses no password.
    """

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            AuthToken.objects.filter(user=user).delete()

    def get_help_text(self):
        return ""
