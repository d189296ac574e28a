"""The query string of the meeting list."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from crm.api.filters import ColumnChoicesFilter, CountryFilter, RecordsFilter
from partners.filters import FocalAreaCodeFilter
from partners.models import Organization, Person, units_of

from .models import Meeting, meetings_of


class MeetingFilter(django_filters.FilterSet):
    kind = ColumnChoicesFilter(choices=Meeting.Kind.choices)
    status = ColumnChoicesFilter(choices=Meeting.Status.choices)
    country = CountryFilter()
    organization = RecordsFilter(
        queryset=Organization.objects.all(),
        method="filter_organizations",
        label=_("organised or attended by (given twice: by both)"),
    )
    organization_or_its_units = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(),
        method="filter_organization_or_its_units",
        label=_("organised or attended by it or one of its units"),
    )
    person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.all(), field_name="participants__person", distinct=True, label=_("attended by")
    )
    focal_area = FocalAreaCodeFilter(label=_("focal area code"))
    starts_after = django_filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_before = django_filters.DateFilter(field_name="starts_on", lookup_expr="lte")

    class Meta:
        model = Meeting
        fields = ["kind", "status", "country", "is_virtual", "follows", "organization", "person", "focal_area"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_organizations(self, queryset, name, organizations):
        for organization in organizations:
            queryset = queryset.filter(pk__in=meetings_of(Q(organization=organization)))
        return queryset

    @extend_schema_field(OpenApiTypes.INT)
    def filter_organization_or_its_units(self, queryset, name, organization):
        family = Q(organization__in=units_of(organization.pk, including_itself=True))
        return queryset.filter(pk__in=meetings_of(family))
