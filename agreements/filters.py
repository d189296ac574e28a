"""The query strings of the agreement, funding-commitment and payment lists."""
import django_filters
from django.utils.translation import gettext_lazy as _

from crm.api.filters import ColumnChoicesFilter, YearFilter
from partners.filters import FocalAreaCodeFilter
from partners.models import Organization

from .models import Agreement, FundingCommitment, Payment


class AgreementFilter(django_filters.FilterSet):
    kind = ColumnChoicesFilter(choices=Agreement.Kind.choices)
    status = ColumnChoicesFilter(choices=Agreement.Status.choices)
    party = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.all(), field_name="parties__organization", distinct=True, label=_("party")
    )
    focal_area = FocalAreaCodeFilter(label=_("focal area code"))
    signed_after = django_filters.DateFilter(field_name="signed_on", lookup_expr="gte")
    signed_before = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte")
    expires_after = django_filters.DateFilter(field_name="expires_on", lookup_expr="gte")
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte")

    class Meta:
        model = Agreement
        fields = ["kind", "status", "party", "focal_area", "signed_after", "signed_before"]


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
