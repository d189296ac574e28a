"""The exception handler: the database's refusals as 400, 409 and 412 answers; every error rolls back."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings

from crm.versioning import RecordChangedError

from .serializers import django_error_detail


def _blocker_summary(instance):
    return {"type": str(instance._meta.verbose_name), "id": instance.pk, "name": str(instance)}


def answer_in_json(request):
    """An error is answered in JSON, also when the request asked for CSV."""
    request.accepted_renderer, request.accepted_media_type = JSONRenderer(), JSONRenderer.media_type


def exception_handler(exc, context):
    """DRF's handler, plus the database's refusals as client errors; every error rolls back and
    is answered in JSON."""
    response = _error_response(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        answer_in_json(request)
    return response


def _error_response(exc, context):
    # Imported here: rest_framework.views reads the REST_FRAMEWORK settings, which name this module.
    from rest_framework.views import exception_handler as drf_exception_handler
    from rest_framework.views import set_rollback

    if isinstance(exc, (ProtectedError, RestrictedError)):
        blockers = [_blocker_summary(instance) for instance in list(exc.args[1])[:50]]
        set_rollback()
        return Response(
            {
                "detail": _("This record is referred to by other records; remove those references first."),
                "blockers": blockers,
            },
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, RecordChangedError):
        set_rollback()
        request = context.get("request")
        precondition = request is not None and "If-Match" in request.headers
        return Response(
            {
                "detail": _("Someone else changed this record since you read it; read it again, then retry."),
                "current_version": exc.current_version,
            },
            status=status.HTTP_412_PRECONDITION_FAILED if precondition else status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_error_detail(exc))
    elif isinstance(exc, IntegrityError):
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [str(exc).splitlines()[0]]})
    elif isinstance(exc, exceptions.ParseError):
        exc = exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: [exc.detail]})
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError) and not isinstance(response.data, dict):
        response.data = as_serializer_error(exc)
    return response
