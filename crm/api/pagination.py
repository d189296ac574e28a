"""Keyset pages: `next` and `previous` links that go on from the last row seen."""
import copy
from datetime import timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, OrderBy, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import replace_query_param

from .filters import StrictBooleanField


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

    def count_asked_for(self, request):
        try:
            return bool(StrictBooleanField(required=False).clean(request.query_params.get(self.count_query_param)))
        except DjangoValidationError as error:
            raise exceptions.ValidationError({self.count_query_param: error.messages}) from None

    def paginate_queryset(self, queryset, request, view=None, fetch=None):
        """One page of the queryset's rows, one query whatever the page size. `fetch(queryset,
        key_columns)` reads them (values() with the key columns, say); by default instances."""
        self.request = request
        self.view = view
        self.page_size = self.get_page_size(request)
        self.keys = ordering_keys(queryset)
        self.signature = [key.signature for key in self.keys]
        direction, position = self._decode_cursor(request, self.signature)
        self.count = queryset.count() if self.count_asked_for(request) else None
        keys = [key.reversed() for key in self.keys] if direction == "before" else self.keys
        rows = keyset_page(queryset, keys, position, self.page_size + 1, fetch)
        rows = self.cut_page(rows, direction, position, lambda row: row_position(row, self.keys))
        since = getattr(view, "changes_since", None)
        if since is not None:
            # The list is in the order of its changes (UpdatedAfterFilter, or the deletions list):
            # the first key is the time.
            column = self.keys[0].column
            last = rows[-1] if rows else None
            last_served = last[column] if isinstance(last, dict) else getattr(last, column, None)
            self.sync_from = resume_point(since, last_served, more=self.next_position is not None)
        return rows

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
        if getattr(self, "sync_from", None) is not None:
            # In UTC, so that it goes back into a query string without a "+" to encode.
            body["sync_from"] = self.sync_from.astimezone(dt_timezone.utc).isoformat().replace("+00:00", "Z")
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
                "sync_from": {
                    "type": "string",
                    "format": "date-time",
                    "description": "Only with updated_after (or on /api/changes/): where the next sync starts.",
                },
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


def resume_point(since, last_served, more):
    """Where the next sync starts: every change at or before it has been served.

    The point stays SYNC_SETTLE_SECONDS behind the clock, because a change is stamped when it is
    saved but seen only when its transaction commits; a slow transaction's changes would
    otherwise fall behind a point already passed. On a page with more to come it is also just
    before the page's last change, as changes stamped the same instant may continue on the next page.
    """
    point = timezone.now() - timedelta(seconds=settings.SYNC_SETTLE_SECONDS)
    if more:
        point = min(point, last_served - timedelta(microseconds=1))
    return max(point, since)


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


def in_key_order(queryset, keys, expressions=None):
    """The queryset in the keys' order, each key's value selected as its column: the key's own
    expression, or the one `expressions` gives for its name."""
    expressions = expressions or {}
    queryset = queryset.annotate(**{key.column: expressions.get(key.name, key.expression) for key in keys})
    return queryset.order_by(*(key.order_by() for key in keys))


def keyset_page(queryset, keys, position, size, fetch=None):
    """Up to `size` rows after `position` (None: from the start) in the keys' order."""
    ranking = getattr(queryset.query.annotations.get(keys[0].name), "ranking", None)
    if ranking is not None:
        return ranked_page(ranking, keys, position, size, fetch)
    queryset = in_key_order(queryset, keys)
    if position is not None:
        queryset = queryset.filter(rows_after(keys, position))
    page = queryset[:size]
    return list(fetch(page, [key.column for key in keys]) if fetch else page)


def ranked_page(ranking, keys, position, size, fetch=None):
    """A page of a searched list ordered by its tier first (crm.search.SearchTier): each tier's
    rows are read by a query of their own in the other keys' order, from the cursor's position
    in its tier, until the page is full. A tier read alone is one a database can serve from an
    index in list order; ordered by the tier, every match would be sorted."""
    tier_key, keys_in_tier = keys[0], keys[1:]
    tiers = sorted(ranking.TIERS, reverse=tier_key.descending)
    rows = []
    for tier in tiers:
        if position is not None and tier != position[0] and (tier < position[0]) != tier_key.descending:
            continue  # a tier the cursor has left behind
        rows_of_tier, expressions = ranking.tier_rows(tier, [key.name for key in keys_in_tier])
        queryset = in_key_order(rows_of_tier, keys_in_tier, expressions).annotate(**{tier_key.column: Value(tier)})
        if position is not None and tier == position[0]:
            queryset = queryset.filter(rows_after(keys_in_tier, position[1:]))
        page = queryset[: size - len(rows)]
        rows += list(fetch(page, [key.column for key in keys]) if fetch else page)
        if len(rows) >= size:
            break
    return rows


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
        keys.append(OrderingKey(index, name, descending, _is_nullable(queryset, name)))
        if name == "pk":
            break
    else:
        keys.append(OrderingKey(len(keys), "pk", False, False))
    return keys


def _is_nullable(queryset, name):
    """Whether a field path may be empty; annotations are taken to be, but for a COALESCE that
    ends with a value."""
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return not (isinstance(annotation, Coalesce) and isinstance(annotation.source_expressions[-1], Value)
                    and annotation.source_expressions[-1].value is not None)
    model = queryset.model
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
