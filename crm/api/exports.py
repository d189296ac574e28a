"""Whole lists as CSV: streamed from one query, nested records as dotted columns."""
import csv
from contextlib import closing
from itertools import islice
import json
import logging
import re

from django.db import transaction
from django.http import StreamingHttpResponse
from rest_framework_csv.renderers import PaginatedCSVRenderer

from .pagination import in_key_order, ordering_keys

logger = logging.getLogger(__name__)


def is_export(request):
    """Whether the list is asked for whole, as CSV, rather than a page at a time."""
    return request.accepted_renderer.format == "csv"


CSV_CHUNK_ROWS = 1000


def csv_columns(plan, prefix=""):
    """The CSV header: nested records become dotted columns, nested lists one column each."""
    columns = []
    for _key, name, kind, extra in plan.steps:
        if kind == "object":
            columns += csv_columns(extra, f"{prefix}{name}.")
        else:
            columns.append(f"{prefix}{name}")
    return columns


# A cell a spreadsheet program would run as a formula (OWASP, CSV injection): starting with =, +,
# -, @, a tab or a carriage return. A plain number ("-40000000.000") is data and stays as it is.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def spreadsheet_safe(value):
    """The value as a spreadsheet cell that cannot run: text that a spreadsheet would read as a
    formula gets a leading apostrophe, as OWASP's CSV-injection guidance says; other values are
    returned as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def csv_cell(record, column):
    value = record
    for part in column.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            return spreadsheet_safe("; ".join(str(item) for item in value))
        return json.dumps(value, ensure_ascii=False, default=str)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_safe(value)


class _Echo:
    def write(self, value):
        return value


def stream_csv(queryset, fetch, represent, columns, view):
    keys = ordering_keys(queryset)
    rows = fetch(in_key_order(queryset, keys), [key.column for key in keys])

    def lines():
        writer = csv.writer(_Echo())

        def written(rows):
            return "".join(writer.writerow([csv_cell(record, column) for column in columns]) for record in represent(rows))

        # One query, read in chunks (through a server-side cursor on PostgreSQL): memory stays
        # flat, and a list ordered by an aggregate (the partner list) computes it once, where
        # keyset chunks computed it again for every chunk. Inside a transaction, because outside
        # one the cursor is declared WITH HOLD: PostgreSQL then computes the whole result before
        # the first row is sent, and beyond the reach of statement_timeout.
        # Closed however the export ends, so that a failed one releases its cursor at once.
        with transaction.atomic(using=rows.db), closing(rows.iterator(chunk_size=CSV_CHUNK_ROWS)) as stream:
            # The first rows are read and shaped before the first byte goes out, so a query that
            # fails fails before the status line: the server answers 500, never a 200 that
            # holds a header alone.
            first_rows = written(list(islice(stream, CSV_CHUNK_ROWS)))
            # A byte-order mark, so that spreadsheet programs read the Arabic as UTF-8.
            yield "\ufeff" + writer.writerow(columns) + first_rows
            try:
                while chunk := list(islice(stream, CSV_CHUNK_ROWS)):
                    yield written(chunk)
            except Exception:
                # Too late for an error status: the exception ends the response without its
                # last chunk, so an HTTP client reports the download as incomplete, rather than
                # a file that merely looks shorter.
                logger.exception("CSV export of %s failed after it had started", view.request.path)
                raise

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = getattr(view, "basename", None) or queryset.model._meta.model_name
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


class CSVRenderer(PaginatedCSVRenderer):
    """`?format=csv` or `Accept: text/csv`; nested records become dotted columns."""

    format = "csv"
    media_type = "text/csv"
    charset = "utf-8"

    def tablize(self, data, header=None, labels=None):
        for row in super().tablize(data, header, labels):
            yield [spreadsheet_safe(cell) for cell in row]

    def render(self, data, media_type=None, renderer_context=None, writer_opts=None):
        if data is None:
            # An answer without a body (204 after a delete): nothing to write. Raising here came
            # after the delete was committed.
            return b""
        if isinstance(data, dict) and "results" not in data:
            data = [data]
        # A byte-order mark, so that spreadsheet programs read the Arabic as UTF-8.
        return b"\xef\xbb\xbf" + super().render(data, media_type, renderer_context, writer_opts)
