"""Whole lists as CSV: streamed from one query, nested records as dotted columns."""
import csv
from contextlib import closing
from itertools import islice
import json
import logging
import re

from django.db import transaction
from django.http import StreamingHttpResponse
from django_countries.serializer_fields import CountryField
from rest_framework import relations, serializers
from rest_framework_csv.renderers import PaginatedCSVRenderer

from .pagination import in_key_order, ordering_keys

logger = logging.getLogger(__name__)


def is_export(request):
    """Whether the list is asked for whole, as CSV, rather than a page at a time."""
    return request.accepted_renderer.format == "csv"


CSV_CHUNK_ROWS = 1000


class CSVPlan:
    """A read plan (crm/api/readpaths.py) flattened into CSV cells: a nested record's fields are
    columns of the row's own query, joined, rather than a JSON object parsed and walked for every
    row; nested lists stay one JSON column each. Rows are read as tuples and each cell is finished
    by its column's converter alone."""

    def __init__(self, plan):
        self.header = []  # "organization.name_en": nested records become dotted columns
        self.columns = {}  # values() keyword arguments, in cell order
        self.converters = []  # (kind, extra) of each cell
        self.links = plan.all_links()
        self._flatten(plan, "")

    def _flatten(self, plan, prefix):
        for _key, name, kind, extra in plan.steps:
            if kind == "object":
                self._flatten(extra, f"{prefix}{name}.")
                continue
            self.header.append(prefix + name)
            self.columns[f"csv_{len(self.columns)}"] = plan.selected[name]
            self.converters.append((kind, extra))

    def fetch(self, queryset, key_columns):
        return queryset.values_list(*key_columns, *self.columns.values())

    def cell_rows(self, rows, request, skip):
        """Each row's cells; `skip` leading values are the ordering keys the query selected first."""
        links = {view_name: link.bind(request) for view_name, link in self.links.items()}
        finish = []
        for kind, extra in self.converters:
            if kind == "link":
                finish.append(links[extra])
            elif kind == "date":
                finish.append(links[extra])
            elif kind == "boolean":
                finish.append(lambda value: "true" if value else "false")
            elif kind == "list":
                finish.append(lambda items, child=extra: list_cell([child.represent(item, links) for item in items]))
            elif kind == "field":
                finish.append(extra.to_representation)
            elif kind == "keys":
                finish.append(list_cell)
            elif isinstance(extra, NEVER_TEXT):
                finish.append(as_it_is)
            else:
                finish.append(spreadsheet_safe)
        for row in rows:
            yield ["" if value is None else convert(value) for convert, value in zip(finish, row[skip:])]


# A cell a spreadsheet program would run as a formula (OWASP, CSV injection): starting with =, +,
# -, @, a tab or a carriage return. A plain number ("-40000000.000") is data and stays as it is.
FORMULA_STARTS = frozenset("=+-@\t\r")
PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
# Columns whose values are numbers or fixed codes, never text someone typed: written as they are.
NEVER_TEXT = (serializers.IntegerField, serializers.ChoiceField, CountryField, relations.PrimaryKeyRelatedField)


def spreadsheet_safe(value):
    """The value as a spreadsheet cell that cannot run: text that a spreadsheet would read as a
    formula gets a leading apostrophe, as OWASP's CSV-injection guidance says; other values are
    returned as they are."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and not PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def as_it_is(value):
    return value


def list_cell(items):
    """A nested list as one cell: plain values joined by "; ", records as JSON."""
    if all(not isinstance(item, (dict, list)) for item in items):
        return spreadsheet_safe("; ".join(str(item) for item in items))
    return json.dumps(items, ensure_ascii=False, default=str)


def csv_cell(record, column):
    """The cell of a dotted column in a record's representation, as the export writes it."""
    value = record
    for part in column.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, list):
        return list_cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_safe(value)


class _Echo:
    def write(self, value):
        return value


def stream_csv(queryset, plan, view):
    """The whole list as CSV, as `plan` (a read plan) shapes each row, streamed from one query."""
    csv_plan = CSVPlan(plan)
    keys = ordering_keys(queryset)
    rows = csv_plan.fetch(in_key_order(queryset, keys), [key.column for key in keys])

    def lines():
        writer = csv.writer(_Echo())

        def written(rows):
            return "".join(map(writer.writerow, csv_plan.cell_rows(rows, view.request, len(keys))))

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
            yield "\ufeff" + writer.writerow(csv_plan.header) + first_rows
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
