"""Filter backends every list uses, and filters several apps' filter sets share."""
import copy
from datetime import timezone as dt_timezone

import django_filters
from django import forms
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import exceptions
from rest_framework.filters import BaseFilterBackend, OrderingFilter

from crm.search import search_queryset
from crm.sync import SyncedModel

# The annotation a searched list is ordered by first (SearchRankOrderingFilter).
SEARCH_TIER = "search_tier"


class QueryStringFilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipped when the query string names none of the list's filters.

    With no filter given the filter form changes nothing, but building and validating it (which
    deep-copies every filter) was the largest single cost of an unfiltered list page in the bench.
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
                "description": str(
                    _(
                        "Words to find in names, acronyms and aliases, English or Arabic; a misspelt letter "
                        "is forgiven. Unless ordering is given, the records holding every word as a whole "
                        "word come first, then the other matches."
                    )
                ),
                "schema": {"type": "string"},
            }
        ]


class SearchRankOrderingFilter(OrderingFilter):
    """DRF's `?ordering=`. A list searched without one comes best match first: the rows where
    every word of the term is a whole word of their names or aliases, then the other matches
    (part of a longer word, or misspelt), each in the list's usual order (crm.search.SearchRanking).
    A list filtered across a relation that needs DISTINCT keeps its usual order."""

    def filter_queryset(self, request, queryset, view):
        ranking = getattr(queryset.query, "search_ranking", None)
        if ranking is None or request.query_params.get(self.ordering_param) or queryset.query.distinct:
            return super().filter_queryset(request, queryset, view)
        ordering = self.get_default_ordering(view) or list(queryset.model._meta.ordering)
        return queryset.annotate(**{SEARCH_TIER: ranking.tier()}).order_by(SEARCH_TIER, *ordering)


class ColumnChoicesFilter(django_filters.MultipleChoiceFilter):
    """One or several of a column's choices. It tests the row's own column, so it needs no
    DISTINCT (django-filter's default), which would make PostgreSQL compare every selected column."""

    def __init__(self, **kwargs):
        super().__init__(distinct=False, **kwargs)


class SharedChoicesField(django_filters.fields.MultipleChoiceField):
    """A form deep-copies its fields for every request; choices that never change are shared by
    the copy rather than copied (250 countries: a millisecond a request)."""

    def __deepcopy__(self, memo):
        duplicate = forms.Field.__deepcopy__(self, memo)
        duplicate._choices = self._choices
        return duplicate


class CountryFilter(ColumnChoicesFilter):
    """ISO 3166 codes, one or several. A filter set deep-copies its filters for every request;
    the 250 choices never change, so they are shared rather than copied."""

    field_class = SharedChoicesField

    def __init__(self, **kwargs):
        super().__init__(choices=[(code, str(name)) for code, name in countries], **kwargs)

    def __deepcopy__(self, memo):
        duplicate = copy.copy(self)
        duplicate.extra = dict(self.extra)
        return duplicate


class StrictBooleanField(forms.Field):
    """true or false (also 1/0, yes/no); anything else is an error rather than "not given"."""

    widget = forms.TextInput
    values = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        try:
            return self.values[str(value).strip().lower()]
        except KeyError:
            raise forms.ValidationError(_("Give true or false."), code="invalid") from None


class StrictBooleanFilter(django_filters.BooleanFilter):
    """django-filter's BooleanFilter reads an unknown value ("maybe") as not given; this one refuses it."""

    field_class = StrictBooleanField


class YearFilter(django_filters.NumberFilter):
    """A calendar year, 1 to 9999: a year the database cannot hold (0, 10000, 2024.5) is a 400
    naming the parameter, not a 500 from the date arithmetic."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(lookup_expr="year", min_value=1, max_value=9999, **kwargs)


def parse_moment(name, raw):
    """An ISO 8601 date and time (one without a zone is UTC), or a 400 naming the parameter."""
    try:
        # A "+01:00" sent unencoded in a query string arrives as " 01:00".
        moment = parse_datetime(raw.strip().replace(" ", "+"))
        if moment is not None:
            if timezone.is_naive(moment):
                moment = moment.replace(tzinfo=dt_timezone.utc)
            moment.astimezone(dt_timezone.utc)  # a time past the calendar's ends overflows here
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        raise exceptions.ValidationError({name: [_("Give a date and time in ISO 8601, e.g. 2026-12-05T08:30:00Z.")]})
    return moment


class UpdatedAfterFilter(BaseFilterBackend):
    """`?updated_after=<time>`: the records created or changed since, oldest change first."""

    param = "updated_after"

    def filter_queryset(self, request, queryset, view):
        raw = request.query_params.get(self.param)
        if not raw or not issubclass(queryset.model, SyncedModel):
            return queryset
        if request.query_params.get("ordering"):
            raise exceptions.ValidationError(
                {"ordering": [_("Changes come in the order they happened; leave out ordering with updated_after.")]}
            )
        view.changes_since = parse_moment(self.param, raw)
        return queryset.filter(updated_at__gt=view.changes_since).order_by("updated_at", "pk")

    def get_schema_operation_parameters(self, view):
        model = getattr(getattr(view.get_serializer_class(), "Meta", None), "model", None)
        if model is None or not issubclass(model, SyncedModel):
            return []
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": (
                    "Only the records created or changed after this time (ISO 8601), oldest change "
                    "first; each page's `sync_from` is where the next sync starts. Deleted records "
                    "are listed at /api/changes/."
                ),
                "schema": {"type": "string", "format": "date-time"},
            }
        ]


class RecordIdsField(forms.ModelMultipleChoiceField):
    """Django's field, which looks every id up at once: an id beyond what the database holds
    (a 64-bit integer) is refused as an unknown choice, where the lookup failed with a 500; an
    empty one (`?party=`) filters nothing, as the single-record filters' do."""

    def clean(self, value):
        return super().clean([pk for pk in value if pk != ""] if isinstance(value, (list, tuple)) else value)

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else ():
            try:
                beyond = not -(2**63) <= int(pk) < 2**63
            except (TypeError, ValueError):
                beyond = False  # not a number: Django's own message
            if beyond:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk})
        return super()._check_values(value)


class RecordsFilter(django_filters.ModelMultipleChoiceFilter):
    """Records by id, the parameter given once for each."""

    field_class = RecordIdsField
