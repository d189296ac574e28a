"""Errors answered outside DRF: a database that cannot be reached answers 503 with Retry-After,
never a 500 with a trace; an unexpected error under /api/ answers 500 in JSON.

PostgreSQL restarting, a dropped connection or SQLite's "database is locked" are passing
conditions: a client should wait a few seconds and send the request again. ATOMIC_REQUESTS has
already rolled the request back when the error reaches here, so nothing of it was written.
"""
import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.views import defaults
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# SQLite reports a table or column that is not there as an OperationalError as well: that is a
# database `migrate` has not brought up to date, which waiting does not mend.
MISSING_SCHEMA = ("no such table", "no such column")


def is_database_unavailable(error):
    if isinstance(error, InterfaceError):
        return True
    return isinstance(error, OperationalError) and not str(error).startswith(MISSING_SCHEMA)


def database_unavailable_response(request):
    message = _("The database is unavailable; try again in a few seconds.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(message, content_type="text/plain; charset=utf-8", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def page_not_found(request, exception):
    """handler404: JSON under /api/ (an address no route matches, `/api/agreements/1.5/`), Django's
    page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("No such address in the API.")}, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """handler500: JSON under /api/, where clients parse every answer, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("A server error occurred.")}, status=500)
    return defaults.server_error(request)


def _note_database_error(sender, request=None, **kwargs):
    # Sent while Django turns an exception raised inside a middleware (a session saved after the
    # view, a user loaded before it) into a 500; process_exception only sees the view's.
    if request is not None and is_database_unavailable(sys.exc_info()[1]):
        request.database_unavailable = True


got_request_exception.connect(_note_database_error, dispatch_uid="crm.middleware.database_unavailable")


class DatabaseUnavailableMiddleware:
    """Turns a database connection error into 503 + Retry-After: JSON under /api/, text elsewhere.

    Goes before every middleware that can query the database (sessions, authentication,
    messages), so that the errors those raise, which Django has made into 500 responses before
    they get here, are answered 503 as well.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "database_unavailable", False):
            return database_unavailable_response(request)
        return response

    def process_exception(self, request, exception):
        if not is_database_unavailable(exception):
            return None
        logger.warning("Database unavailable, answered 503: %s %s: %s", request.method, request.path, exception)
        return database_unavailable_response(request)
