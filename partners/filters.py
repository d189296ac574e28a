"""The query strings of the organisation, people, focal-area and source lists."""
import django_filters
from django.utils.translation import gettext_lazy as _

from crm.api.filters import ColumnChoicesFilter, CountryFilter, StrictBooleanFilter

from .models import FocalArea, Organization, Person, Source, tagged_with_focal_area


class FocalAreaCodeFilter(django_filters.CharFilter):
    """A focal area code; records tagged with one of its narrower areas match too."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        tagged = queryset.model._default_manager.filter(tagged_with_focal_area(value))
        return queryset.filter(pk__in=tagged.values("pk"))


class OrganizationFilter(django_filters.FilterSet):
    kind = ColumnChoicesFilter(choices=Organization.Kind.choices)
    country = CountryFilter()
    parent = django_filters.ModelChoiceFilter(queryset=Organization.objects.all())
    is_top_level = StrictBooleanFilter(field_name="parent", lookup_expr="isnull", label=_("top level"))
    founded_after = django_filters.DateFilter(field_name="founded_on", lookup_expr="gte")
    founded_before = django_filters.DateFilter(field_name="founded_on", lookup_expr="lte")

    class Meta:
        model = Organization
        fields = ["kind", "country", "parent", "is_top_level"]


class PersonFilter(django_filters.FilterSet):
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), field_name="positions__organization", distinct=True,
        label=_("holds or held a position in"),
    )

    class Meta:
        model = Person
        fields = ["organization"]


class FocalAreaFilter(django_filters.FilterSet):
    parent = django_filters.ModelChoiceFilter(queryset=FocalArea.objects.all())
    is_top_level = StrictBooleanFilter(field_name="parent", lookup_expr="isnull", label=_("top level"))

    class Meta:
        model = FocalArea
        fields = ["parent", "is_top_level"]


class SourceFilter(django_filters.FilterSet):
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")

    class Meta:
        model = Source
        fields = ["language", "publisher", "published_after", "published_before"]
