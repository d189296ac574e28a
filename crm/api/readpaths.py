"""Reads that leave DRF's usual road: lists and details read straight from the database, shaped
by the serializer that writes the record.

A list page is one SQL query: the row's own columns, its single related records as JSON objects
and its lists (aliases, parties, participants…) as JSON arrays built by correlated subqueries, so
the query count does not grow with the page size or the number of children, and no model
instance is built. `ReadPlan` walks the serializer's fields once, so the list says exactly what
the detail says; a test compares both on the seed data.

What it cannot express it refuses loudly: a serializer field of a kind it does not know (a
SerializerMethodField, a model property as a source) raises `UnreadableField` naming the
serializer and the field, and the system check `check_read_plans` plans every viewset's
serializers at start-up. A viewset's `get_queryset()` must not select or prefetch related rows:
the read path never uses them, so the check refuses them too.
"""
from datetime import date, datetime

import orjson
from django.contrib.contenttypes.fields import GenericRelation
from django.core import checks
from django.core.exceptions import FieldDoesNotExist, FieldError
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import CharField as CharModelField
from django.db.models import Expression, F, JSONField, OuterRef, Subquery
from django.db.models.expressions import Col
from django.db.models.fields.related import ManyToManyField, ManyToManyRel, ManyToOneRel
from django.db.models.functions import Cast, JSONObject
from django.db.models.sql import Query
from django.http import Http404
from django.urls import reverse
from django_countries.serializer_fields import CountryField
from rest_framework import relations, serializers
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import ISO_8601, api_settings

from .exports import is_export, stream_csv
from .serializers import CappedListSerializer, CodeField, ListLinkField

# Representations that are the value as the database returns it.
AS_IS = (
    serializers.CharField,
    serializers.IntegerField,
    serializers.ChoiceField,
    CountryField,
    relations.PrimaryKeyRelatedField,
)
# Fields whose representation is their to_representation() of the column's value.
CONVERTED = (serializers.BooleanField, serializers.DateField, serializers.DateTimeField, serializers.DecimalField, CodeField)
LINK_SENTINEL = 987654321


class UnreadableField(TypeError):
    """A serializer field the read path cannot turn into a column."""

    def __init__(self, serializer, name, field, reason):
        super().__init__(
            f"{type(serializer).__name__}.{name} ({type(field).__name__}): {reason}. The read path "
            "(crm/api/readpaths.py) reads model fields, relations and nested serializers only."
        )


class JSONColumn(JSONField):
    """A JSON value the query built, read with orjson: a page reads one or two per row (the
    parent, the aliases…), an export one or two per row of the whole list, and the standard
    library's parser took a sixth of an export's time."""

    def from_db_value(self, value, expression, connection):
        if not isinstance(value, (str, bytes)):
            return value
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:  # beyond orjson (an integer over 64 bits): the slow parser
            return super().from_db_value(value, expression, connection)


class JSONRecord(JSONObject):
    output_field = JSONColumn()

    def __init__(self, **fields):
        for key in fields:
            if not key.isidentifier():  # written into the SQL as a literal below
                raise ValueError(f"{key!r} is not a name a JSON record's key can have here")
        super().__init__(**fields)

    def as_postgresql(self, compiler, connection, **extra_context):
        # The keys as SQL literals: Django's JSONObject binds each key as a parameter cast to
        # text, building a TextField and a Cast per key for every query compiled (a page's
        # records have about twenty keys), where the keys never change. JSON, not JSONB: the
        # record is only sent on as text, and JSONB's parsing and key sorting cost a quarter of a
        # page's query (at M, 50 meetings: 14.5 -> 10.6 ms; 50 agreements: 6.3 -> 4.7 ms).
        expressions = self.get_source_expressions()
        pairs, params = [], []
        for key, value in zip(expressions[::2], expressions[1::2]):
            value_sql, value_params = compiler.compile(value)
            pairs.append(f"'{key.value}', {value_sql}")
            params.extend(value_params)
        return f"JSON_BUILD_OBJECT({', '.join(pairs)})", params


class JSONArraySubquery(Subquery):
    """The rows of a subquery, each a JSON value in a column named `item`, as one JSON array
    ([] when there are none), in the subquery's order."""

    output_field = JSONColumn()

    def as_sql(self, compiler, connection, template=None, **extra_context):
        if connection.vendor == "postgresql":
            # JSON, as JSONRecord says; a json value has no equality, so these columns are never
            # compared, grouped or made DISTINCT (DatabaseShapedReadMixin keeps the keys instead).
            template = "(SELECT COALESCE(JSON_AGG(_rows.item), '[]'::json) FROM (%(subquery)s) _rows)"
        else:
            # JSON() again: a JSON value loses its JSON type when it leaves the subquery.
            template = "(SELECT JSON_GROUP_ARRAY(JSON(_rows.item)) FROM (%(subquery)s) _rows)"
        return super().as_sql(compiler, connection, template=template, **extra_context)


class CompiledOnce:
    """A read plan's column that reads nothing of the query around it but its own row (a list
    of related records, correlated on the row's key, most often), resolved once and compiled
    once per database where every query resolved and compiled it again (a page of 50 meetings
    at M, in-process: 38 -> 29 ms).

    Valid in a query over `model` that reads its table under the table's own name, as a list's
    query does; in any other query the column is resolved as usual. `for_column()` refuses a
    column that needs a join of its own (a related record's fields), whose alias depends on the
    query it is in."""

    def __init__(self, expression, model):
        self.expression = expression
        self.model = model
        self.query = Query(model)
        self.resolved = expression.resolve_expression(self.query, allow_joins=True, reuse=None)
        self.compiled = {}

    @classmethod
    def for_column(cls, expression, model):
        """The column compiled once, or the expression itself where it reads beyond its row."""
        try:
            column = cls(expression, model)
        except FieldError:  # an annotation of the plan's queryset: not in a query of its own
            return expression
        if isinstance(column.resolved, Col):
            # A plain column costs little to resolve, and backends convert a column's values by
            # its field (SQLite rounds a decimal column to its places, not an expression).
            return expression
        return column if len(column.query.alias_map) == 1 else expression

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        if query is None or query.model is not self.model or query.base_table not in (None, self.model._meta.db_table):
            return self.expression.resolve_expression(query, allow_joins, reuse, summarize, for_save)
        return CompiledColumn(self)

    def sql(self, connection):
        key = (connection.alias, connection.vendor)
        found = self.compiled.get(key)
        if found is None:
            sql, params = self.query.get_compiler(connection=connection).compile(self.resolved)
            found = self.compiled[key] = (sql, tuple(params))
        return found


class CompiledColumn(Expression):
    """A CompiledOnce column in a query: its SQL as compiled once, its conversions as resolved."""

    contains_aggregate = False
    contains_over_clause = False

    def __init__(self, column):
        super().__init__(output_field=column.resolved.output_field)
        self.column = column

    def as_sql(self, compiler, connection):
        sql, params = self.column.sql(connection)
        return sql, list(params)

    def get_db_converters(self, connection):
        return self.column.resolved.get_db_converters(connection)

    def get_group_by_cols(self):
        return [self]

    def relabeled_clone(self, change_map):
        if self.column.model._meta.db_table in change_map:
            raise FieldError(
                "A read plan's columns are compiled for a query that reads its table under the table's "
                "name; annotate them on the outermost query (crm/api/readpaths.py, CompiledOnce)."
            )
        return self

    @property
    def identity(self):
        return (type(self), id(self.column))


def related_rows(model, name, outer_pk):
    """The rows of `model`'s reverse foreign key, many-to-many field or generic relation `name`
    that belong to the outer query's row (`outer_pk`), in the related model's default order."""
    field = model._meta.get_field(name)
    child_model = field.related_model
    if isinstance(field, GenericRelation):
        # The content type by name rather than by id: plans outlive a test database's ids.
        content_type = field.content_type_field_name
        rows = child_model._default_manager.filter(
            **{
                f"{content_type}__app_label": model._meta.app_label,
                f"{content_type}__model": model._meta.model_name,
                field.object_id_field_name: outer_pk,
            }
        )
    elif isinstance(field, ManyToManyField):
        rows = child_model._default_manager.filter(**{field.related_query_name(): outer_pk})
    elif isinstance(field, (ManyToOneRel, ManyToManyRel)):
        rows = child_model._default_manager.filter(**{field.field.name: outer_pk})
    else:
        raise TypeError(f"{model.__name__}.{name} is not a list of related records")
    ordering = child_model._meta.ordering
    if isinstance(field, ManyToOneRel):
        # Ordering by the parent itself ("organization", then the name) is the same for every row
        # here, and would join the parent's table for each row of the list.
        parent = field.field.name
        ordering = [key for key in ordering if not (isinstance(key, str) and key.lstrip("-").split("__")[0] == parent)]
    return rows.order_by(*ordering)


class Link:
    """Turns primary keys into the detail URLs a HyperlinkedIdentityField gives."""

    def __init__(self, view_name):
        self.view_name = view_name

    def parts(self, request):
        """The URL's text before and after the primary key (None before it: no link)."""
        path = reverse(self.view_name, kwargs={"pk": LINK_SENTINEL})
        url = request.build_absolute_uri(path) if request is not None else path
        head, tail = url.split(str(LINK_SENTINEL))
        return head, tail

    def bind(self, request):
        head, tail = self.parts(request)
        if head is None:
            return lambda pk: None
        return lambda pk: None if pk is None else f"{head}{pk}{tail}"


class ListLink(Link):
    """Turns primary keys into the address of a list filtered to the record, as its ListLinkField writes it."""

    def __init__(self, field):
        self.field = field

    def parts(self, request):
        return self.field.address_before_pk(request), ""


class ReadPlan:
    """What to select for a serializer's representation, and how to finish each value in Python.

    `columns` are the values() keyword arguments (one per field, in the serializer's order) and
    `represent(row, links)` gives the representation of one row read with them. Nested serializers
    become JSON objects, nested lists JSON arrays (in the child model's default order, as a
    prefetch gives them). A plan kept across requests (`compile_once`, ReadPlans) compiles the
    columns that read nothing but their own row once (CompiledOnce).
    """

    def __init__(self, serializer, model, prefix="", in_json=False, lists=None, annotations=(), compile_once=False):
        self.model = model
        self.prefix = prefix
        self.in_json = in_json
        # Lists that are not a relation of the model: name -> rows correlated with OuterRef("pk").
        self.lists = lists or {}
        # Names the queryset annotates (the top level only), readable like columns.
        self.annotations = set(annotations)
        self.steps = []  # (key of the selected value, name in the representation, kind, extra)
        self.links = {}
        self.selected = {}
        self.list_rows = {}  # name of a nested list -> (its rows, the CappedListSerializer that caps them)
        self.serializer = serializer
        for name, field in serializer.fields.items():
            if not field.write_only:
                self._add(name, field)
        # values() refuses a name that is also a field of the model, so the top level's
        # columns get a prefix; keys inside JSON objects need none.
        column = "" if in_json else "r_"
        self.columns = {column + name: expression for name, expression in self.selected.items()}
        if compile_once:
            self.columns = {name: CompiledOnce.for_column(expression, model) for name, expression in self.columns.items()}
        self.steps = [(column + name, name, kind, extra) for name, kind, extra in self.steps]

    def _path(self, source):
        return self.prefix + source.replace(".", "__")

    def _check_source(self, name, field):
        """The field's source must be a column reachable from the model (or an annotation)."""
        if field.source == "*":
            raise UnreadableField(self.serializer, name, field, "it reads the whole record, not a column")
        model = self.model
        parts = field.source.split(".")
        for index, part in enumerate(parts):
            if index == 0 and part in self.annotations:
                return
            try:
                model_field = model._meta.get_field(part)
            except FieldDoesNotExist:
                raise UnreadableField(
                    self.serializer, name, field, f"its source {field.source!r} is not a field of {model.__name__}"
                ) from None
            model = model_field.related_model or model

    def _add(self, name, field):
        if isinstance(field, relations.HyperlinkedIdentityField):
            self.selected[name] = F(self._path("pk"))
            self.links.setdefault(field.view_name, Link(field.view_name))
            self.steps.append((name, "link", field.view_name))
        elif isinstance(field, relations.ManyRelatedField):
            self.list_rows[name] = (related_rows(self.model, field.source, OuterRef(self._path("pk"))), None)
            self.selected[name] = JSONArraySubquery(self.items(name, F("pk")))
            self.steps.append((name, "keys", None))
        elif isinstance(field, serializers.ListSerializer):
            if field.source in self.lists:
                rows = self.lists[field.source]
            else:
                rows = related_rows(self.model, field.source, OuterRef(self._path("pk")))
            self.list_rows[name] = (rows, field if isinstance(field, CappedListSerializer) else None)
            child = ReadPlan(field.child, rows.model, in_json=True)
            self.selected[name] = JSONArraySubquery(self.items(name, JSONRecord(**child.selected)))
            self.steps.append((name, "list", child))
        elif isinstance(field, ListLinkField):
            key = f"{field.view_name}?{field.query_parameter}"
            self.selected[name] = F(self._path("pk"))
            self.links.setdefault(key, ListLink(field))
            self.steps.append((name, "link", key))
        elif isinstance(field, serializers.BaseSerializer):
            if field.source == "*":  # the row itself, shown as a nested record
                related, prefix = self.model, self.prefix
            else:
                related, prefix = self.model._meta.get_field(field.source).related_model, self._path(field.source) + "__"
            child = ReadPlan(field, related, prefix=prefix, in_json=True)
            child.selected["_pk"] = F(prefix + "pk")
            self.selected[name] = JSONRecord(**child.selected)
            self.steps.append((name, "object", child))
        elif isinstance(field, relations.SlugRelatedField):
            self._check_source(name, field)
            self.selected[name] = F(f"{self._path(field.source)}__{field.slug_field}")
            self.steps.append((name, "value", None))
        elif isinstance(field, relations.PrimaryKeyRelatedField):
            self._check_source(name, field)
            self.selected[name] = F(self._path(field.source) + "_id")
            self.steps.append((name, "value", field))
        elif isinstance(field, (*AS_IS, *CONVERTED)) and not isinstance(field, serializers.MultipleChoiceField):
            self._check_source(name, field)
            expression = F(self._path(field.source))
            if isinstance(field, serializers.DecimalField) and self.in_json:
                # As text, so that no digit goes through a float on its way out of JSON.
                expression = Cast(expression, CharModelField())
            self.selected[name] = expression
            kind = self._kind_of(field)
            if kind == "date":
                # Bound per request with the links: a date's representation depends on the time zone.
                converter = DateColumn(field)
                self.links[converter] = converter
                self.steps.append((name, kind, converter))
            else:
                self.steps.append((name, kind, field))
        else:
            raise UnreadableField(self.serializer, name, field, "the read path has no column for this kind of field")

    def items(self, name, item):
        """The rows of the nested list `name`, each as the value `item` in a column named item,
        in the list's order and up to its cap."""
        rows, capped = self.list_rows[name]
        items = rows.values(item=item)
        return items if capped is None else items.order_by(*capped.ordering)[: capped.limit]

    @staticmethod
    def _kind_of(field):
        if isinstance(field, serializers.BooleanField):
            return "boolean"
        if isinstance(field, (serializers.DateField, serializers.DateTimeField)):
            return "date"
        if isinstance(field, AS_IS):
            return "value"
        return "field"

    def all_links(self):
        links = dict(self.links)
        for _key, _name, kind, extra in self.steps:
            if kind in ("list", "object"):
                links.update(extra.all_links())
        return links

    def represent(self, row, links):
        representation = {}
        for key, name, kind, extra in self.steps:
            value = row[key]
            if kind in ("value", "keys") or value is None:
                pass
            elif kind == "link":
                value = links[extra](value)
            elif kind == "date":
                value = links[extra](value)
            elif kind == "boolean":
                value = bool(value)
            elif kind == "object":
                value = None if value["_pk"] is None else extra.represent(value, links)
            elif kind == "list":
                value = [extra.represent(item, links) for item in value]
            else:
                value = extra.to_representation(value)
            representation[name] = value
        return representation


class DateColumn:
    """Turns a date or date-time column's value into `field.to_representation(value)`: for the
    ISO 8601 format every field here writes, without the per-value work DRF does to find the
    format and the time zone, which are found once per request (`bind`)."""

    def __init__(self, field):
        self.field = field

    def iso_form(self):
        """How the field writes a value: "date" (ISO 8601), "datetime" (ISO 8601, with the zone
        it returns), or None (another format, or a naive date-time: DRF's own conversion)."""
        field = self.field
        is_datetime = isinstance(field, serializers.DateTimeField)
        output_format = getattr(field, "format", api_settings.DATETIME_FORMAT if is_datetime else api_settings.DATE_FORMAT)
        if output_format is None or output_format.lower() != ISO_8601:
            return None, None
        if not is_datetime:
            return "date", None
        zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()
        return ("datetime", zone) if zone is not None else (None, None)

    def bind(self, request):
        field = self.field

        def as_drf_writes_it(value):
            return field.to_representation(value) if isinstance(value, (date, datetime)) else value

        form, zone = self.iso_form()
        if form is None:
            return as_drf_writes_it
        if form == "date":
            return lambda value: value.isoformat() if isinstance(value, date) else value

        def iso_datetime(value):
            if not isinstance(value, datetime) or value.tzinfo is None:
                return as_drf_writes_it(value)
            text = value.astimezone(zone).isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text

        return iso_datetime


class ReadPlans:
    """One ReadPlan per serializer class, made on first use."""

    def __init__(self):
        self.plans = {}
        self.serializers = {}

    def for_serializer(self, serializer_class, model, annotations=(), lists=None, key=None):
        """The plan of `serializer_class`; with `lists` (see ReadPlan), the one made with the first
        lists given under `key`: lists that are the same query whatever the request."""
        plan = self.plans.get((serializer_class, key))
        if plan is None:
            plan = self.plans[(serializer_class, key)] = ReadPlan(
                self.serializer(serializer_class), model, lists=lists, annotations=annotations, compile_once=True
            )
        return plan

    def serializer(self, serializer_class):
        """One unbound instance per class, whose fields a plan walks: DRF copies every declared
        field each time a serializer is made, which costs a plan made per request more than the rest."""
        instance = self.serializers.get(serializer_class)
        if instance is None:
            instance = self.serializers[serializer_class] = serializer_class()
        return instance


read_plans = ReadPlans()


def represent_rows(rows, plan, request):
    """The representations of rows read with `queryset.values(**plan.columns)`."""
    links = {view_name: link.bind(request) for view_name, link in plan.all_links().items()}
    return [plan.represent(row, links) for row in rows]


class DatabaseShapedReadMixin:
    """`list()` in one query per page and `retrieve()` in one query: the representations are
    read with values() as the serializer shapes them (ReadPlan above), not built object by
    object; a CSV export streams the whole list from one query read in chunks, so its memory
    does not grow with the table."""

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        # Only writes are one transaction (dispatch): ATOMIC_REQUESTS wrapped every read in a
        # BEGIN and a COMMIT, two round trips of a page's four, for nothing: a page is one
        # statement, and under READ COMMITTED a transaction gives a request's statements no
        # common snapshot anyway.
        return transaction.non_atomic_requests(super().as_view(actions, **initkwargs))

    def dispatch(self, request, *args, **kwargs):
        # Inside a transaction already (a test's), a read keeps a savepoint of its own: an error
        # answered marks the innermost transaction for rollback (DRF's set_rollback), which must
        # be the request's and not the caller's.
        if request.method in SAFE_METHODS and not transaction.get_connection().in_atomic_block:
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)

    def _shaped_queryset(self):
        queryset = self.filter_queryset(self.get_queryset())
        if queryset.query.distinct:
            # A filter across a relation made the list DISTINCT, which PostgreSQL would apply to
            # every selected column, JSON included; the matching keys are kept instead.
            matching = queryset.order_by().values("pk")
            matching.query.distinct = False
            queryset = self.get_queryset().filter(pk__in=matching).order_by(*queryset.query.order_by)
        plan = read_plans.for_serializer(self.get_serializer_class(), queryset.model, queryset.query.annotations)
        return queryset, plan

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


def shaped_list_response(view, queryset, plan):
    """The paginated JSON answer, or the streamed CSV one, for rows read as `plan` says."""
    request = view.request

    def fetch(page, key_columns):
        return page.values(*key_columns, **plan.columns)

    def represent(rows):
        return represent_rows(rows, plan, request)

    if is_export(request):
        # A bad page_size or count is refused here too, not ignored.
        view.paginator.get_page_size(request)
        view.paginator.count_asked_for(request)
        return stream_csv(queryset, plan, view)
    rows = view.paginator.paginate_queryset(queryset, request, view, fetch=fetch)
    return view.paginator.get_paginated_response(represent(rows))


# The actions a viewset answers through the read path.
READ_ACTIONS = ("list", "retrieve")


def check_read_plans(app_configs=None, **kwargs):
    """System check: every routed viewset that reads through the read path can plan its
    serializers, and its `get_queryset()` selects nothing the read path would leave unused."""
    from django.urls import get_resolver

    return [
        error
        for viewset in _viewsets(get_resolver())
        if issubclass(viewset, DatabaseShapedReadMixin)
        for error in read_plan_errors(viewset)
    ]


def read_plan_errors(viewset):
    """The check's errors for one viewset, for its list and its detail."""
    errors = []
    for action in READ_ACTIONS:
        view = viewset(action=action, request=None, format_kwarg=None, kwargs={})
        label = f"{viewset.__name__} ({action})"
        try:
            queryset = view.get_queryset()
            read_plans.for_serializer(view.get_serializer_class(), queryset.model, queryset.query.annotations)
        except UnreadableField as error:
            errors.append(checks.Error(str(error), obj=label, id="crm.E001"))
            continue
        if queryset.query.select_related or queryset._prefetch_related_lookups:
            errors.append(
                checks.Error(
                    "get_queryset() selects or prefetches related rows, which the read path never uses.",
                    hint="Remove select_related()/prefetch_related(); nested records are read as JSON.",
                    obj=label,
                    id="crm.E002",
                )
            )
    return errors


def _viewsets(resolver):
    """The viewset classes the URL configuration routes to, each once."""
    seen = []
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            found = _viewsets(pattern)
        else:
            found = [getattr(pattern.callback, "cls", None)]
        for viewset in found:
            if viewset is not None and viewset not in seen and hasattr(viewset, "get_extra_actions"):
                seen.append(viewset)
    return seen
