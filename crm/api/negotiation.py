"""Which renderer answers: DRF's choice, except that an unknown or empty ?format= is 406 Not Acceptable."""
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation


class ContentNegotiation(DefaultContentNegotiation):
    """DRF answers an unknown ?format= with 404, as if the record did not exist."""

    unknown_format_message = _("Ask for format=json or format=csv.")

    def select_renderer(self, request, renderers, format_suffix=None):
        if request.query_params.get(self.settings.URL_FORMAT_OVERRIDE, None) == "":
            # An empty ?format= is no format the schema offers; DRF took it as none given.
            raise exceptions.NotAcceptable(self.unknown_format_message)
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except Http404:
            raise exceptions.NotAcceptable(self.unknown_format_message) from None
