"""The query string of the meeting list."""
import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from crm.api.filters import ColumnChoicesFilter, CountryFilter
from partners.filters import FocalAreaCodeFilter
from partners.models import Organization, Person

from .models import Meeting


class MeetingFilter(django_filters.FilterSet):
    kind = ColumnChoicesFilter(choices=Meeting.Kind.choices)
    status = ColumnChoicesFilter(choices=Meeting.Status.choices)
    country = CountryFilter()
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), method="filter_organization", label=_("organised or attended by")
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
    def filter_organization(self, queryset, name, value):
        attended = Meeting.objects.filter(Q(organizers__organization=value) | Q(participants__organization=value))
        return queryset.filter(pk__in=attended.values("pk"))
