import django_filters
from django.utils.translation import gettext_lazy as _

from partners.filters import ColumnChoicesFilter
from partners.models import Organization, tagged_with_focal_area

from .models import Agreement, FundingCommitment, Payment


class FocalAreaCodeFilter(django_filters.CharFilter):
    """A focal area code; records tagged with one of its narrower areas match too."""

    def filter(self, queryset, value):
        if not value:
            return queryset
        tagged = queryset.model._default_manager.filter(tagged_with_focal_area(value))
        return queryset.filter(pk__in=tagged.values("pk"))


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
    year = django_filters.NumberFilter(field_name="committed_on", lookup_expr="year")

    class Meta:
        model = FundingCommitment
        fields = ["status", "donor", "recipient", "agreement", "currency", "focal_area", "is_reported"]


class PaymentFilter(django_filters.FilterSet):
    received_after = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_before = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")

    class Meta:
        model = Payment
        fields = ["commitment", "received_after", "received_before"]
