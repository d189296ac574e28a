import copy

import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from django_countries import countries

from agreements.models import AgreementParty, FundingCommitment
from meetings.models import MeetingOrganizer, Participant

from .models import FocalArea, Organization, Person, Source, tagged_with_focal_area
from .partnerships import PartnerFilter, partner_ids

class ColumnChoicesFilter(django_filters.MultipleChoiceFilter):
    """One or several of a column's choices. It tests the row's own column, so it needs no
    DISTINCT (django-filter's default), which would make PostgreSQL compare every selected column."""

    def __init__(self, **kwargs):
        super().__init__(distinct=False, **kwargs)


class CountryFilter(ColumnChoicesFilter):
    """ISO 3166 codes, one or several. A filter set deep-copies its filters for every request;
    the 250 choices never change, so they are shared rather than copied (6 ms a request)."""

    def __init__(self, **kwargs):
        super().__init__(choices=[(code, str(name)) for code, name in countries], **kwargs)

    def __deepcopy__(self, memo):
        duplicate = copy.copy(self)
        duplicate.extra = dict(self.extra)
        return duplicate


class OrganizationFilter(django_filters.FilterSet):
    kind = ColumnChoicesFilter(choices=Organization.Kind.choices)
    country = CountryFilter()
    parent = django_filters.ModelChoiceFilter(queryset=Organization.objects.all())
    is_top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label=_("top level"))
    focal_area = django_filters.CharFilter(
        method="filter_focal_area", label=_("focal area code of its agreements, meetings or commitments")
    )
    partner_of = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), method="filter_partner_of", label=_("partners of this organisation")
    )
    founded_after = django_filters.DateFilter(field_name="founded_on", lookup_expr="gte")
    founded_before = django_filters.DateFilter(field_name="founded_on", lookup_expr="lte")

    class Meta:
        model = Organization
        fields = ["kind", "country", "parent", "is_top_level", "focal_area", "partner_of"]

    def filter_focal_area(self, queryset, name, value):
        # EXISTS, row by row, rather than IN: under an OR, PostgreSQL would hash every tagged
        # agreement party of the database before returning the first row of a page.
        commitments = FundingCommitment.objects.filter(tagged_with_focal_area(value))
        return queryset.filter(
            Exists(AgreementParty.objects.filter(tagged_with_focal_area(value, "agreement"), organization=OuterRef("pk")))
            | Exists(MeetingOrganizer.objects.filter(tagged_with_focal_area(value, "meeting"), organization=OuterRef("pk")))
            | Exists(Participant.objects.filter(tagged_with_focal_area(value, "meeting"), organization=OuterRef("pk")))
            | Exists(commitments.filter(donor=OuterRef("pk")))
            | Exists(commitments.filter(recipient=OuterRef("pk")))
        )

    @extend_schema_field(OpenApiTypes.INT)
    def filter_partner_of(self, queryset, name, value):
        return queryset.filter(pk__in=partner_ids(value, PartnerFilter()))


class PartnerListFilter(django_filters.FilterSet):
    """The query string of `organizations/{id}/partners/`."""

    link = django_filters.ChoiceFilter(
        choices=[("agreement", _("agreement")), ("meeting", _("meeting"))],
        method="keep",
        label=_("kind of link"),
    )
    focal_area = django_filters.CharFilter(method="keep", label=_("focal area code"))
    contact_after = django_filters.DateFilter(method="keep", label=_("linked on or after"))
    contact_before = django_filters.DateFilter(method="keep", label=_("linked on or before"))
    include_units = django_filters.BooleanFilter(method="keep", label=_("count the agreements and meetings of its units"))
    kind = ColumnChoicesFilter(choices=Organization.Kind.choices)
    country = CountryFilter()

    class Meta:
        model = Organization
        fields = ["link", "focal_area", "contact_after", "contact_before", "include_units", "kind", "country"]

    def keep(self, queryset, name, value):
        # Read by `partner_filter()`: these narrow the links, not the partner rows.
        return queryset

    def partner_filter(self):
        data = self.form.cleaned_data
        return PartnerFilter(
            link=data.get("link") or "",
            focal_area=data.get("focal_area") or "",
            contact_after=data.get("contact_after"),
            contact_before=data.get("contact_before"),
            include_units=bool(data.get("include_units")),
        )


class PersonFilter(django_filters.FilterSet):
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), field_name="positions__organization", distinct=True,
        label=_("holds or held a position in"),
    )
    meeting = django_filters.NumberFilter(field_name="participations__meeting", distinct=True, label=_("took part in meeting"))

    class Meta:
        model = Person
        fields = ["organization", "meeting"]


class FocalAreaFilter(django_filters.FilterSet):
    parent = django_filters.ModelChoiceFilter(queryset=FocalArea.objects.all())
    is_top_level = django_filters.BooleanFilter(field_name="parent", lookup_expr="isnull", label=_("top level"))

    class Meta:
        model = FocalArea
        fields = ["parent", "is_top_level"]


class SourceFilter(django_filters.FilterSet):
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")

    class Meta:
        model = Source
        fields = ["language", "publisher", "published_after", "published_before"]
