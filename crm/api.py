"""Shared DRF pieces: model-validated serializers, permissions, search, pagination, CSV, ETags
and the exception handler that turns database refusals into 400, 409 and 412 answers."""
import copy
import csv
from decimal import Decimal
import hashlib
from itertools import islice
import json

from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, OrderBy, ProtectedError, Q, RestrictedError
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, pagination, permissions, serializers, status
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param
from rest_framework_csv.renderers import PaginatedCSVRenderer

from crm.readpaths import read_plans, represent_rows
from partners.search import search_queryset
from partners.versioning import RecordChangedError


def django_error_detail(error):
    """A Django ValidationError as DRF's field-keyed detail ("non_field_errors" for the rest)."""
    if hasattr(error, "error_dict"):
        detail = {}
        for field, messages in error.message_dict.items():
            key = api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field
            detail[key] = messages
        return detail
    return {api_settings.NON_FIELD_ERRORS_KEY: error.messages}


class ModelValidatedSerializer(serializers.ModelSerializer):
    """Applies the incoming attributes to a copy of the instance and runs the model's
    `full_clean()`, so the API obeys exactly the rules the admin and the seed loader obey.

    `nested_children` maps a nested list field to the child's foreign key to this model: the list
    sent replaces the children (items with an `id` update that child, the others are added, the
    ones left out are removed); leaving the field out leaves the children as they are.
    """

    nested_children = {}

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        many_to_many = {field.name for field in self.Meta.model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in many_to_many and name not in self.nested_children:
                setattr(instance, name, value)
        try:
            instance.full_clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(self._as_input_names(django_error_detail(error))) from error
        return attrs

    def _as_input_names(self, detail):
        """Key errors by the names the client sent (`donor_id`), not the model's (`donor`)."""
        input_names = {
            field.source: name for name, field in self.fields.items() if not field.read_only and field.source != name
        }
        return {input_names.get(key, key): messages for key, messages in detail.items()}

    def create(self, validated_data):
        children = self._pop_children(validated_data)
        instance = super().create(validated_data)
        self._write_children(instance, children)
        return instance

    def update(self, instance, validated_data):
        children = self._pop_children(validated_data)
        instance = super().update(instance, validated_data)
        self._write_children(instance, children)
        return instance

    def _pop_children(self, validated_data):
        return {name: validated_data.pop(name) for name in self.nested_children if name in validated_data}

    def _write_children(self, parent, children):
        errors = {}
        for name, items in children.items():
            parent_field = self.nested_children[name]
            manager = getattr(parent, name)
            existing = {child.pk: child for child in manager.all()}
            kept = {item["id"] for item in items if item.get("id") is not None}
            for pk, child in existing.items():
                if pk not in kept:
                    child.delete()
            item_errors = []
            for item in items:
                item = dict(item)
                pk = item.pop("id", None)
                if pk is not None and pk not in existing:
                    item_errors.append({"id": [_("No such item of this record: %(id)s.") % {"id": pk}]})
                    continue
                child = existing[pk] if pk is not None else manager.model()
                for attribute, value in item.items():
                    setattr(child, attribute, value)
                setattr(child, parent_field, parent)
                try:
                    child.full_clean()
                except DjangoValidationError as error:
                    item_errors.append(django_error_detail(error))
                    continue
                # Saved one by one, so the next child's uniqueness check sees this one.
                child.save()
                item_errors.append({})
            if any(item_errors):
                errors[name] = item_errors
        if errors:
            raise serializers.ValidationError(errors)


@extend_schema_field(OpenApiTypes.STR)
class CodeField(serializers.ReadOnlyField):
    """Another vocabulary's code for a field's value (IATI's for our statuses and roles), ""
    where it has none; a field rather than a model property, so that lists read the column."""

    def __init__(self, codes, **kwargs):
        self.codes = codes
        super().__init__(**kwargs)

    def to_representation(self, value):
        return self.codes.get(value, "")


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django's model permissions, reading included: a viewer reads, an editor writes, a user
    with neither gets nothing."""

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }


class QueryStringFilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the query string names none of the list's filters.

    With no filter given the filter form changes nothing, but building and validating it was the
    largest single cost of an unfiltered list page (about 2 ms of 6, deep-copying every field).
    A range filter's parameters start with its name (`signed_after`), so they count as naming it.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        names = filterset_class.base_filters if filterset_class is not None else ()
        if not any(key.startswith(name) for key in request.query_params for name in names):
            return queryset
        return super().filter_queryset(request, queryset, view)


class NormalizedSearchFilter(BaseFilterBackend):
    """`?search=` over the normalised names of the row and of the rows along the view's
    `search_paths`, with the admin's Arabic normalisation."""

    search_param = "search"

    def filter_queryset(self, request, queryset, view):
        term = request.query_params.get(self.search_param, "").strip()
        paths = getattr(view, "search_paths", None)
        if not term or paths is None:
            return queryset
        return search_queryset(queryset, term, paths)

    def get_schema_operation_parameters(self, view):
        if getattr(view, "search_paths", None) is None:
            return []
        return [
            {
                "name": self.search_param,
                "required": False,
                "in": "query",
                "description": str(_("Words to find in names, acronyms and aliases, English or Arabic.")),
                "schema": {"type": "string"},
            }
        ]


CURSOR_SALT = "crm.api.KeysetPagination"


class KeysetPagination(pagination.BasePagination):
    """Pages that go on from the last row seen (`?cursor=`, from the `next` and `previous`
    links), so a deep page costs what the first one does and nothing counts the whole table.
    `?count=true` adds the number of matching rows, for a client that needs it.

    The list's ordering, whether the view's default or `?ordering=`, is made total with the
    primary key; empty values sort last, in both directions and on both databases.
    """

    page_size = api_settings.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 500
    cursor_query_param = "cursor"
    count_query_param = "count"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [_("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}]}
            )
        return size

    def paginate_queryset(self, queryset, request, view=None, fetch=None):
        """One page of the queryset's rows, one query whatever the page size. `fetch(queryset,
        key_columns)` reads them (values() with the key columns, say); by default instances."""
        self.request = request
        self.page_size = self.get_page_size(request)
        self.keys = ordering_keys(queryset)
        self.signature = [key.signature for key in self.keys]
        direction, position = self._decode_cursor(request, self.signature)
        self.count = queryset.count() if _is_true(request.query_params.get(self.count_query_param)) else None
        keys = [key.reversed() for key in self.keys] if direction == "before" else self.keys
        rows = keyset_page(queryset, keys, position, self.page_size + 1, fetch)
        return self.cut_page(rows, direction, position, lambda row: row_position(row, self.keys))

    def cut_page(self, rows, direction, position, position_of):
        """The page out of `rows`, read nearest first from the cursor's position and one more
        than a page when there are more; notes where the next and previous pages start."""
        backwards = direction == "before"
        more = len(rows) > self.page_size
        rows = rows[: self.page_size]
        if backwards:
            rows.reverse()
        positions = [position_of(row) for row in (rows[0], rows[-1])] if rows else []
        self.next_position = positions[1] if rows and (more or backwards) else None
        self.previous_position = positions[0] if rows and (position is not None and (more or not backwards)) else None
        return rows

    def _decode_cursor(self, request, signature):
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:
            return None, None
        try:
            # Signed, so that what reaches the query is a position this server wrote.
            cursor = signing.loads(raw, salt=CURSOR_SALT)
            direction = "after" if "after" in cursor else "before"
            position = cursor[direction]
            valid = cursor["order"] == signature and isinstance(position, list) and len(position) == len(signature)
        except (signing.BadSignature, TypeError, KeyError):
            valid = False
        if not valid:
            raise exceptions.ValidationError(
                {self.cursor_query_param: [_("This cursor does not belong to this list; start again from the first page.")]}
            )
        return direction, position

    def _link(self, direction, position):
        if position is None:
            return None
        token = signing.dumps({"order": self.signature, direction: position}, salt=CURSOR_SALT)
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, token)

    def get_paginated_response(self, data):
        body = {"next": self._link("after", self.next_position), "previous": self._link("before", self.previous_position)}
        if self.count is not None:
            body["count"] = self.count
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "count": {"type": "integer", "description": "Only with ?count=true."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The page after or before another, from its `next` or `previous` link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": "true to add the number of matching rows (it costs a count).",
                "schema": {"type": "boolean"},
            },
        ]


def _is_true(value):
    return (value or "").strip().lower() in {"1", "true", "yes"}


def row_position(row, keys):
    """A row's place in the keys' order, as a cursor carries it."""
    position = []
    for key in keys:
        value = row[key.column] if isinstance(row, dict) else getattr(row, key.column)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value)
        position.append(value)
    return position


def in_key_order(queryset, keys):
    """The queryset in the keys' order, each key's value selected as its column."""
    queryset = queryset.annotate(**{key.column: key.expression for key in keys})
    return queryset.order_by(*(key.order_by() for key in keys))


def keyset_page(queryset, keys, position, size, fetch=None):
    """Up to `size` rows after `position` (None: from the start) in the keys' order."""
    queryset = in_key_order(queryset, keys)
    if position is not None:
        queryset = queryset.filter(rows_after(keys, position))
    page = queryset[:size]
    return list(fetch(page, [key.column for key in keys]) if fetch else page)


class OrderingKey:
    """One column of a list's ordering, as keyset pagination needs it."""

    def __init__(self, index, name, descending, nullable):
        self.column = f"keyset_{index}"
        self.name = name
        self.descending = descending
        self.nullable = nullable
        self.expression = F(name)
        self.signature = ("-" if descending else "") + name

    nulls_first = False

    def reversed(self):
        key = copy.copy(self)
        key.descending, key.nulls_first = not self.descending, not self.nulls_first
        return key

    def order_by(self):
        if not self.nullable:
            return OrderBy(F(self.column), descending=self.descending)
        nulls = {"nulls_first": True} if self.nulls_first else {"nulls_last": True}
        return OrderBy(F(self.column), descending=self.descending, **nulls)

    def after(self, value):
        """Rows strictly after `value` in this key's order."""
        column = self.column
        if value is None:
            # Empty values sort last going forward, first going back.
            return Q(**{f"{column}__isnull": False}) if self.nulls_first else Q(pk__in=[])
        beyond = Q(**{f"{column}__{'lt' if self.descending else 'gt'}": value})
        if self.nullable and not self.nulls_first:
            beyond |= Q(**{f"{column}__isnull": True})
        return beyond

    def equal(self, value):
        return Q(**{f"{self.column}__isnull": True}) if value is None else Q(**{self.column: value})


def ordering_keys(queryset):
    """The queryset's ordering as keys, ending with the primary key so that it is total."""
    model = queryset.model
    ordering = list(queryset.query.order_by or model._meta.ordering)
    keys = []
    for index, item in enumerate(ordering):
        if isinstance(item, OrderBy):
            name, descending = item.expression.name, item.descending
        elif isinstance(item, F):
            name, descending = item.name, False
        else:
            name, descending = item.lstrip("-"), item.startswith("-")
        name = "pk" if name == model._meta.pk.name else name
        keys.append(OrderingKey(index, name, descending, _is_nullable(model, name)))
        if name == "pk":
            break
    else:
        keys.append(OrderingKey(len(keys), "pk", False, False))
    return keys


def _is_nullable(model, name):
    """Whether a field path may be empty; annotations are taken to be."""
    nullable = False
    for part in name.split("__"):
        if part == "pk":
            return nullable
        try:
            field = model._meta.get_field(part)
        except FieldDoesNotExist:
            return True
        nullable = nullable or field.null
        model = field.related_model or model
    return nullable


def rows_after(keys, position):
    """The rows after `position` (one value per key) in the keys' order."""
    condition, ties = Q(pk__in=[]), Q()
    for key, value in zip(keys, position):
        condition |= ties & key.after(value)
        ties &= key.equal(value)
    first, value = keys[0], position[0]
    if value is not None and not first.nullable:
        # Redundant, but it is the range an index on the first key can start from.
        condition &= Q(**{f"{first.column}__{'lte' if first.descending else 'gte'}": value})
    return condition


class DatabaseShapedReadMixin:
    """`list()` in one query per page and `retrieve()` in one query: the representations are
    read with values() as the serializer shapes them (crm/readpaths.py), not built object by
    object; a CSV export streams the whole list in keyset chunks, so its memory does not grow
    with the table."""

    def _shaped_queryset(self):
        queryset = self.filter_queryset(self.get_queryset())
        if queryset.query.distinct:
            # A filter across a relation made the list DISTINCT, which PostgreSQL would apply to
            # every selected column, JSON included; the matching keys are kept instead.
            matching = queryset.order_by().values("pk")
            matching.query.distinct = False
            queryset = self.get_queryset().filter(pk__in=matching).order_by(*queryset.query.order_by)
        queryset = queryset.select_related(None).prefetch_related(None)
        return queryset, read_plans.for_serializer(self.get_serializer_class(), queryset.model)

    def list(self, request, *args, **kwargs):
        queryset, plan = self._shaped_queryset()
        return shaped_list_response(self, queryset, plan)

    def retrieve(self, request, *args, **kwargs):
        queryset, plan = self._shaped_queryset()
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field
        try:
            record = queryset.filter(**{self.lookup_field: self.kwargs[lookup_url_kwarg]}).order_by()
            rows = list(record.values(**plan.columns)[:1])
        except (TypeError, ValueError, DjangoValidationError):
            rows = []
        if not rows:
            raise Http404
        return Response(represent_rows(rows, plan, request)[0])


def is_export(request):
    """Whether the list is asked for whole, as CSV, rather than a page at a time."""
    return request.accepted_renderer.format == "csv"


def shaped_list_response(view, queryset, plan):
    """The paginated JSON answer, or the streamed CSV one, for rows read as `plan` says."""
    request = view.request

    def fetch(page, key_columns):
        return page.values(*key_columns, **plan.columns)

    def represent(rows):
        return represent_rows(rows, plan, request)

    if is_export(request):
        return stream_csv(queryset, fetch, represent, csv_columns(plan), view)
    rows = view.paginator.paginate_queryset(queryset, request, view, fetch=fetch)
    return view.paginator.get_paginated_response(represent(rows))


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


def csv_cell(record, column):
    value = record
    for part in column.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, list):
        if all(not isinstance(item, (dict, list)) for item in value):
            return "; ".join(str(item) for item in value)
        return json.dumps(value, ensure_ascii=False, default=str)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


class _Echo:
    def write(self, value):
        return value


def stream_csv(queryset, fetch, represent, columns, view):
    keys = ordering_keys(queryset)
    rows = fetch(in_key_order(queryset, keys), [key.column for key in keys])

    def lines():
        writer = csv.writer(_Echo())
        # A byte-order mark, so that spreadsheet programs read the Arabic as UTF-8.
        yield "\ufeff" + writer.writerow(columns)
        # One query, read in chunks (through a server-side cursor on PostgreSQL): memory stays
        # flat, and a list ordered by an aggregate (the partner list) computes it once, where
        # keyset chunks computed it again for every chunk. Inside a transaction, because outside
        # one the cursor is declared WITH HOLD: PostgreSQL then computes the whole result before
        # the first row is sent, and beyond the reach of statement_timeout.
        with transaction.atomic(using=rows.db):
            stream = rows.iterator(chunk_size=CSV_CHUNK_ROWS)
            while chunk := list(islice(stream, CSV_CHUNK_ROWS)):
                for record in represent(chunk):
                    yield writer.writerow([csv_cell(record, column) for column in columns])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = getattr(view, "basename", None) or queryset.model._meta.model_name
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


class CSVRenderer(PaginatedCSVRenderer):
    """`?format=csv` or `Accept: text/csv`; nested records become dotted columns."""

    format = "csv"
    media_type = "text/csv"
    charset = "utf-8"

    def render(self, data, media_type=None, renderer_context=None, writer_opts=None):
        if isinstance(data, dict) and "results" not in data:
            data = [data]
        # A byte-order mark, so that spreadsheet programs read the Arabic as UTF-8.
        return b"\xef\xbb\xbf" + super().render(data, media_type, renderer_context, writer_opts)


def _blocker_summary(instance):
    return {"type": str(instance._meta.verbose_name), "id": instance.pk, "name": str(instance)}


def exception_handler(exc, context):
    """DRF's handler, plus the database's refusals as client errors; every error rolls back."""
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


def representation_etag(version, data):
    """A strong ETag: the row's version (what If-Match compares) and a digest of the body, so
    that a change to nested records (a payment received) also changes it."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f'"{version}-{digest}"'


def version_from_etag(etag):
    value = etag.strip()
    if value.startswith("W/"):
        value = value[2:]
    value = value.strip('"')
    head = value.split("-", 1)[0]
    return int(head) if head.isdigit() else None


class VersionedViewSetMixin:
    """ETag on every read of a versioned record, 304 for a matching If-None-Match, and 412 for
    a write whose If-Match names an older version; the model's versioned UPDATE closes the race."""

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        etag = representation_etag(response.data["version"], response.data)
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        response["ETag"] = etag
        return response

    def update(self, request, *args, **kwargs):
        return self._with_etag(super().update(request, *args, **kwargs))

    def create(self, request, *args, **kwargs):
        return self._with_etag(super().create(request, *args, **kwargs))

    def _with_etag(self, response):
        response["ETag"] = representation_etag(response.data["version"], response.data)
        return response

    def get_object(self):
        instance = super().get_object()
        if self.request.method in {"PUT", "PATCH", "DELETE"}:
            self._check_if_match(instance)
        return instance

    def _check_if_match(self, instance):
        header = self.request.headers.get("If-Match")
        if header is None or header.strip() == "*":
            return
        versions = {version_from_etag(tag) for tag in header.split(",")}
        if instance.version not in versions:
            raise RecordChangedError(instance, instance.version)
