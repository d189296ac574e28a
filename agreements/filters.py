"""The query strings of the agreement, funding-commitment and payment lists."""
import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from crm.api.filters import ColumnChoicesFilter, RecordsFilter, YearFilter
from partners.filters import FocalAreaCodeFilter
from partners.models import Organization, units_of

from .models import Agreement, AgreementParty, FundingCommitment, Payment


class AgreementFilter(django_filters.FilterSet):
    kind = ColumnChoicesFilter(choices=Agreement.Kind.choices)
    status = ColumnChoicesFilter(choices=Agreement.Status.choices)
    party = RecordsFilter(
        queryset=Organization.objects.all(), method="filter_parties", label=_("party (given twice: both are parties)")
    )
    party_or_its_units = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), method="filter_party_or_its_units", label=_("party, itself or one of its units")
    )
    focal_area = FocalAreaCodeFilter(label=_("focal area code"))
    signed_after = django_filters.DateFilter(field_name="signed_on", lookup_expr="gte")
    signed_before = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte")
    expires_after = django_filters.DateFilter(field_name="expires_on", lookup_expr="gte")
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte")

    class Meta:
        model = Agreement
        fields = ["kind", "status", "party", "focal_area", "signed_after", "signed_before"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_parties(self, queryset, name, organizations):
        for organization in organizations:
            queryset = queryset.filter(pk__in=AgreementParty.objects.filter(organization=organization).values("agreement"))
        return queryset

    @extend_schema_field(OpenApiTypes.INT)
    def filter_party_or_its_units(self, queryset, name, organization):
        family = AgreementParty.objects.filter(organization__in=units_of(organization.pk, including_itself=True))
        return queryset.filter(pk__in=family.values("agreement"))


class FundingCommitmentFilter(django_filters.FilterSet):
    status = ColumnChoicesFilter(choices=FundingCommitment.Status.choices)
    donor = django_filters.ModelChoiceFilter(queryset=Organization.objects.all())
    recipient = django_filters.ModelChoiceFilter(queryset=Organization.objects.all())
    currency = django_filters.CharFilter(lookup_expr="iexact")
    focal_area = FocalAreaCodeFilter(label=_("focal area code"))
    committed_after = django_filters.DateFilter(field_name="committed_on", lookup_expr="gte")
    committed_before = django_filters.DateFilter(field_name="committed_on", lookup_expr="lte")
    year = YearFilter(field_name="committed_on")

    class Meta:
        model = FundingCommitment
        fields = ["status", "donor", "recipient", "agreement", "currency", "focal_area", "is_reported"]


class PaymentFilter(django_filters.FilterSet):
    received_after = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_before = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["commitment", "received_after", "received_before"]
