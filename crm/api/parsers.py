"""Request bodies: DRF's JSON parser, refusing what Python's json module cannot read safely."""
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """JSON nested deeper than Python's recursion limit (about a thousand levels) made the json
    module raise RecursionError, a 500; it is a 400 like any other unreadable body."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from None
