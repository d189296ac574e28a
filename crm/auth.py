"""API tokens: POST /api/auth/token/ with username and password returns a token.

Tokens come from django-rest-knox: stored hashed, expiring, and revocable one by one
(POST /api/auth/token/revoke/ with the token) or all at once (…/revoke-all/).
"""
from drf_spectacular.utils import extend_schema, inline_serializer
from knox.models import AuthToken
from knox.views import LoginView, LogoutAllView, LogoutView
from rest_framework import permissions, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.throttling import AnonRateThrottle


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
        serializer.is_valid(raise_exception=True)
        request.user = serializer.validated_data["user"]
        return super().post(request, format=format)

    def get_post_response_data(self, request, token, instance):
        return {"token": token, "expiry": self.format_expiry_datetime(instance.expiry)}


class TokenRevokeView(LogoutView):
    @extend_schema(request=None, responses={204: None})
    def post(self, request, format=None):
        return super().post(request, format=format)


class TokenRevokeAllView(LogoutAllView):
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
