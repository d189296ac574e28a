"""Whole lists as CSV: streamed from one query, nested records as dotted columns."""
import csv
from contextlib import closing, suppress
from functools import partial
from itertools import islice
import json
import logging
import queue
import re
import threading
import time

from django.db import connections, transaction
from django.db.models import Case, F, Func, Subquery, TextField, Value, When
from django.db.models.functions import Cast, NullIf
from django.db.models.lookups import Exact, IsNull
from django.http import StreamingHttpResponse
from django_countries.serializer_fields import CountryField
from rest_framework import relations, serializers
from rest_framework_csv.renderers import PaginatedCSVRenderer

from .pagination import in_key_order, ordering_keys
from .serializers import CodeField

logger = logging.getLogger(__name__)


def is_export(request):
    """Whether the list is asked for whole, as CSV, rather than a page at a time."""
    return request.accepted_renderer.format == "csv"


CSV_CHUNK_ROWS = 1000


class CSVPlan:
    """A read plan (crm/api/readpaths.py) flattened into CSV cells: a nested record's fields are
    columns of the row's own query, joined, rather than a JSON object parsed and walked for every
    row; nested lists stay one JSON column each. Rows are read as tuples and each cell is finished
    by its column's converter alone. With `in_database`, every cell PostgreSQL can write as the
    converter would is written by the query itself (SQLCells), and Python only joins the row."""

    def __init__(self, plan, request=None, in_database=False):
        self.header = []  # "organization.name_en": nested records become dotted columns
        self.columns = {}  # values() keyword arguments, in cell order
        self.converters = []  # (kind, extra) of each cell, or None for a cell the query wrote
        self.links = plan.all_links()
        self.cells = SQLCells(self.links, request) if in_database else None
        self._flatten(plan, "")

    def _flatten(self, plan, prefix):
        for _key, name, kind, extra in plan.steps:
            if kind == "object":
                self._flatten(extra, f"{prefix}{name}.")
                continue
            self.header.append(prefix + name)
            text = self.cells.cell(plan, name, kind, extra) if self.cells else None
            if text is None:
                self.columns[f"csv_{len(self.columns)}"] = plan.selected[name]
                self.converters.append((kind, extra))
            else:
                # An empty text as no value: COPY would write it as "", the csv module as nothing.
                self.columns[f"csv_{len(self.columns)}"] = NullIf(text, Value(""), output_field=TextField())
                self.converters.append(None)

    def chunks(self, queryset, keys, request):
        """The CSV lines of the queryset's rows, without the header, as bytes in chunks: copied
        by PostgreSQL when the query writes every cell, else read through a cursor and written
        in Python."""
        if self.copied:
            return copied_csv(queryset.values_list(*self.columns.values()))
        return self.written(queryset.values_list(*[key.column for key in keys], *self.columns.values()), request, len(keys))

    @property
    def copied(self):
        """Whether PostgreSQL writes the whole file (every cell is the query's)."""
        return self.cells is not None and all(converter is None for converter in self.converters)

    def header_line(self):
        # Lines end as COPY ends them ("\n"), or as the csv module does ("\r\n": it quotes a
        # cell holding a lone "\r" only when that is its line end).
        return csv.writer(_Echo(), lineterminator="\n" if self.copied else "\r\n").writerow(self.header)

    def written(self, rows, request, skip):
        writer = csv.writer(_Echo())
        with closing(rows.iterator(chunk_size=CSV_CHUNK_ROWS)) as stream:
            while chunk := list(islice(stream, CSV_CHUNK_ROWS)):
                yield "".join(map(writer.writerow, self.cell_rows(chunk, request, skip))).encode()

    def cell_rows(self, rows, request, skip):
        """Each row's cells; `skip` leading values are the ordering keys the query selected first."""
        links = {view_name: link.bind(request) for view_name, link in self.links.items()}
        finish = []
        for index, converter in enumerate(self.converters):
            if converter is None:
                continue  # the query wrote the cell
            kind, extra = converter
            if kind in ("link", "date"):
                convert = links[extra]
            elif kind == "boolean":
                convert = true_or_false
            elif kind == "list":
                convert = partial(records_cell, extra, links)
            elif kind == "field":
                convert = extra.to_representation
            elif kind == "keys":
                convert = list_cell
            elif isinstance(extra, NEVER_TEXT):
                continue  # written as it is (the csv module writes None as an empty cell)
            else:
                convert = spreadsheet_safe
            finish.append((index, convert))
        if not finish:
            for row in rows:
                yield row[skip:]
            return
        for row in rows:
            cells = list(row[skip:])
            for index, convert in finish:
                value = cells[index]
                cells[index] = "" if value is None else convert(value)
            yield cells


def true_or_false(value):
    return "true" if value else "false"


def records_cell(plan, links, rows):
    """A nested list's cell, from the rows its JSON column holds."""
    return list_cell([plan.represent(row, links) for row in rows])


class Joined(Func):
    """Texts joined with ||: NULL when a part is NULL (a missing record has no link)."""

    arg_joiner = " || "
    template = "(%(expressions)s)"
    output_field = TextField()

    def __init__(self, *parts):
        super().__init__(*[part if hasattr(part, "resolve_expression") else Value(part) for part in parts])


class OnValue(Func):
    """SQL that names one value several times ({value}): the value is compiled once and its
    parameters given as often as it appears."""

    output_field = TextField()

    def __init__(self, sql, expression):
        super().__init__(expression)
        self.sql = sql

    def as_sql(self, compiler, connection, **extra_context):
        value, params = compiler.compile(self.source_expressions[0])
        return self.sql.replace("{value}", f"({value})"), tuple(params) * self.sql.count("{value}")


class TextRows(Subquery):
    """The texts in the subquery's `item` column, in its order, joined by `template`'s aggregate."""

    output_field = TextField()

    def __init__(self, queryset, template):
        super().__init__(queryset, template=template)


# spreadsheet_safe() below, in SQL.
SPREADSHEET_SAFE_SQL = (
    "(CASE WHEN LEFT({value}, 1) IN ('=', '+', '-', '@', CHR(9), CHR(13)) "
    r"AND {value} !~ '^[+-]?[0-9]+(\.[0-9]+)?$' THEN '''' || {value} ELSE {value} END)"
)
# DRF's ISO 8601 of a date-time in UTC: microseconds only when there are some, "Z" for +00:00.
ISO_DATETIME_UTC_SQL = (
    """(TO_CHAR({value} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') """
    "|| CASE WHEN TO_CHAR({value}, 'US') = '000000' THEN '' ELSE '.' || TO_CHAR({value}, 'US') END || 'Z')"
)
ISO_DATE_SQL = "TO_CHAR({value}, 'YYYY-MM-DD')"
BOOLEAN_SQL = "(CASE {value} WHEN TRUE THEN 'true' WHEN FALSE THEN 'false' END)"
JSON_SQL = "COALESCE(TO_JSON({value})::text, 'null')"
# A nested list's cell (list_cell): records as a JSON array written as json.dumps() writes it,
# primary keys joined by "; ", nothing when the list is empty; inside JSON, an empty list is [].
JSON_ARRAY_CELL = "(SELECT '[' || STRING_AGG(_rows.item, ', ') || ']' FROM (%(subquery)s) _rows)"
JSON_ARRAY = "(SELECT COALESCE('[' || STRING_AGG(_rows.item, ', ') || ']', '[]') FROM (%(subquery)s) _rows)"
KEYS_CELL = "(SELECT STRING_AGG(_rows.item::text, '; ') FROM (%(subquery)s) _rows)"
KEYS_ARRAY = "(SELECT COALESCE('[' || STRING_AGG(_rows.item::text, ', ') || ']', '[]') FROM (%(subquery)s) _rows)"


class SQLCells:
    """The CSV cells of a read plan as PostgreSQL writes them, text equal to what CSVPlan's
    converters make of the values in Python: a whole-list export then costs the reading and
    joining of text, where converting every value of every row in Python capped it at ~25k rows
    a second. `cell()` is None for a value only Python writes (a decimal, a date in another
    format); that cell, or the list that holds it, is converted in Python as before. The cells
    are compared with the JSON list's, as csv_cell() writes them, on both databases."""

    def __init__(self, links, request):
        self.links = links
        self.request = request

    def cell(self, plan, name, kind, extra):
        expression = plan.selected[name]
        if kind == "value":
            text = Cast(expression, TextField())
            return text if isinstance(extra, NEVER_TEXT) else OnValue(SPREADSHEET_SAFE_SQL, text)
        if kind == "list":
            record = self.record(extra)
            return None if record is None else TextRows(plan.items(name, record), JSON_ARRAY_CELL)
        if kind == "keys":
            return TextRows(plan.items(name, F("pk")), KEYS_CELL)
        return self.converted(kind, extra, expression)

    def json_value(self, plan, name, kind, extra):
        """The value's JSON text, as json.dumps() writes its representation."""
        expression = plan.selected[name]
        if kind in ("value", "boolean"):
            return OnValue(JSON_SQL, expression)
        if kind == "list":
            record = self.record(extra)
            return None if record is None else TextRows(plan.items(name, record), JSON_ARRAY)
        if kind == "keys":
            return TextRows(plan.items(name, F("pk")), KEYS_ARRAY)
        if kind == "object":
            record = self.record(extra)
            if record is None:
                return None
            missing = IsNull(extra.selected["_pk"], True)
            return Case(When(missing, then=Value("null")), default=record, output_field=TextField())
        text = self.converted(kind, extra, expression)
        return None if text is None else OnValue(JSON_SQL, text)

    def record(self, plan):
        """A nested record's JSON text, its keys in the serializer's order."""
        parts = []
        for _key, name, kind, extra in plan.steps:
            value = self.json_value(plan, name, kind, extra)
            if value is None:
                return None
            parts += [("{" if not parts else ", ") + json.dumps(name) + ": ", value]
        return Joined(*parts, "}") if parts else Value("{}")

    def converted(self, kind, extra, expression):
        """A link's, a date's, a boolean's or a code's text; None for what only Python writes."""
        if kind == "link":
            head, tail = self.links[extra].parts(self.request)
            if head is None:
                return Value(None, output_field=TextField())
            return Joined(head, Cast(expression, TextField()), tail)
        if kind == "date":
            form, zone = extra.iso_form()
            if form == "date":
                return OnValue(ISO_DATE_SQL, expression)
            if form == "datetime" and getattr(zone, "key", str(zone)) in ("UTC", "Etc/UTC"):
                return OnValue(ISO_DATETIME_UTC_SQL, expression)
            return None
        if kind == "boolean":
            return OnValue(BOOLEAN_SQL, expression)
        if kind == "field" and isinstance(extra, CodeField):
            codes = [When(Exact(expression, Value(value)), then=Value(code)) for value, code in extra.codes.items()]
            return Case(When(IsNull(expression, True), then=Value(None)), *codes, default=Value(""), output_field=TextField())
        return None


# A cell a spreadsheet program would run as a formula (OWASP, CSV injection): starting with =, +,
# -, @, a tab or a carriage return. A plain number ("-40000000.000") is data and stays as it is.
FORMULA_STARTS = frozenset("=+-@\t\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")  # the whole value (fullmatch), ASCII digits only
# Columns whose values are numbers or fixed codes, never text someone typed: written as they are.
NEVER_TEXT = (serializers.IntegerField, serializers.ChoiceField, CountryField, relations.PrimaryKeyRelatedField)


def spreadsheet_safe(value):
    """The value as a spreadsheet cell that cannot run: text that a spreadsheet would read as a
    formula gets a leading apostrophe, as OWASP's CSV-injection guidance says; other values are
    returned as they are."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
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
    request = view.request
    csv_plan = CSVPlan(plan, request, in_database=connections[queryset.db].vendor == "postgresql")
    keys = ordering_keys(queryset)
    ordered = in_key_order(queryset, keys)

    def lines():
        # One query, read in chunks: memory stays flat, and a list ordered by an aggregate (the
        # partner list) computes it once, where keyset chunks computed it again for every chunk.
        # Inside a transaction, because outside one a server-side cursor is declared WITH HOLD:
        # PostgreSQL then computes the whole result before the first row is sent, and beyond the
        # reach of statement_timeout. Closed however the export ends, so that a failed one
        # releases its cursor (or its copy) at once.
        with transaction.atomic(using=queryset.db), closing(csv_plan.chunks(ordered, keys, request)) as chunks:
            # The first rows are read and shaped before the first byte goes out, so a query that
            # fails fails before the status line: the server answers 500, never a 200 that
            # holds a header alone.
            first = next(chunks, b"")
            # A byte-order mark, so that spreadsheet programs read the Arabic as UTF-8.
            yield ("\ufeff" + csv_plan.header_line()).encode() + first
            try:
                yield from chunks
            except Exception:
                # Too late for an error status: the exception ends the response without its
                # last chunk, so an HTTP client reports the download as incomplete, rather than
                # a file that merely looks shorter.
                logger.exception("CSV export of %s failed after it had started", request.path)
                raise

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = getattr(view, "basename", None) or queryset.model._meta.model_name
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


# What the copying thread hands over at a time, and how many such chunks may wait: ~1 MB at most.
COPY_CHUNK_BYTES = 64 * 1024
COPY_CHUNKS_WAITING = 16


class CopiedChunks:
    """The file copy_expert() writes to, a row at a time: rows handed over in chunks."""

    def __init__(self, handed):
        self.handed = handed
        self.parts, self.size = [], 0

    def write(self, data):
        self.parts.append(data)
        self.size += len(data)
        if self.size >= COPY_CHUNK_BYTES:
            self.flush()

    def flush(self):
        if self.parts:
            self.handed.put(b"".join(self.parts))
            self.parts, self.size = [], 0


def copied_csv(rows):
    """The rows of `rows` (a values_list() of text cells) as CSV bytes written by PostgreSQL
    (COPY … TO STDOUT): the database formats the file while the worker passes it on.

    psycopg2's copy_expert() returns only when the whole file is written, so it runs in a thread
    on the request's connection (which nothing else uses meanwhile) and hands chunks over a
    short queue: memory stays flat, and a slow client slows the copy down. Closed early (the
    client went away), the copy is cancelled and the thread waited for.

    A query may carry `planner_settings` (name: value) for PostgreSQL's planner, set for the
    copy's transaction alone (stream_csv's), where the planner misjudges a whole list."""
    connection = connections[rows.db]
    planner_settings = getattr(rows.query, "planner_settings", {})
    connection.ensure_connection()
    raw = connection.connection
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    with raw.cursor() as cursor:
        statement = b"COPY (" + cursor.mogrify(sql, params) + b") TO STDOUT WITH (FORMAT csv)"
    handed = queue.Queue(maxsize=COPY_CHUNKS_WAITING)
    done = object()

    def copy():
        chunks = CopiedChunks(handed)
        try:
            with raw.cursor() as cursor:
                for name, value in planner_settings.items():
                    cursor.execute("SELECT set_config(%s, %s, true)", [name, value])  # SET LOCAL
                cursor.copy_expert(statement, chunks)
            chunks.flush()
            handed.put(done)
        except BaseException as error:  # handed to the request's thread, which raises it
            handed.put(error)

    started = time.monotonic()
    thread = threading.Thread(target=copy, name="csv-copy", daemon=True)
    thread.start()
    try:
        while (chunk := handed.get()) is not done:
            if isinstance(chunk, BaseException):
                with connection.wrap_database_errors:  # psycopg2's error as Django's, as a query raises it
                    raise chunk
            yield chunk
    finally:
        if thread.is_alive():
            raw.cancel()
            while thread.is_alive():  # the thread may wait for room in the queue
                with suppress(queue.Empty):
                    handed.get(timeout=0.05)
        thread.join()
        if connection.queries_logged:  # where Django's debug cursor logs a query, for whoever counts them
            connection.queries_log.append({"sql": statement.decode(), "time": f"{time.monotonic() - started:.3f}"})


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
