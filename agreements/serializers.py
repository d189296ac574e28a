"""The API's shape of agreements, funding commitments and payments."""
from rest_framework import serializers

from crm.api.serializers import CodeField, ModelValidatedSerializer
from partners.models import FocalArea, Organization, Person
from partners.serializers import (
    CitationSerializer,
    FocalAreaSummarySerializer,
    OrganizationSummarySerializer,
    PersonSummarySerializer,
)

from .models import Agreement, AgreementParty, AgreementWitness, FundingCommitment, Payment

MONEY = {"max_digits": 20, "decimal_places": 3}
# Sums of amounts (received, outstanding, totals) have ten more digits than one amount: two
# commitments at the largest amount already need one more, and a sum must always be shown.
TOTAL = {"max_digits": 30, "decimal_places": 3}


def organization_id_field(source, **kwargs):
    return serializers.PrimaryKeyRelatedField(source=source, queryset=Organization.objects.all(), **kwargs)


def person_id_field(source, **kwargs):
    return serializers.PrimaryKeyRelatedField(source=source, queryset=Person.objects.all(), **kwargs)


class AgreementPartySerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    organization_id = organization_id_field("organization")
    organization = OrganizationSummarySerializer(read_only=True)
    represented_by_id = organization_id_field("represented_by", allow_null=True, required=False)
    represented_by = OrganizationSummarySerializer(read_only=True, allow_null=True)
    signatory_id = person_id_field("signatory", allow_null=True, required=False)
    signatory = PersonSummarySerializer(read_only=True, allow_null=True)
    iati_role_code = CodeField(AgreementParty.IATI_ROLE_CODES, source="role")

    class Meta:
        model = AgreementParty
        fields = [
            "id", "organization_id", "organization", "role", "iati_role_code",
            "represented_by_id", "represented_by", "signatory_id", "signatory",
            "signatory_title_en", "signatory_title_ar",
        ]
        validators = []  # uniqueness is checked by the model when the list is written


class AgreementWitnessSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    person_id = person_id_field("person")
    person = PersonSummarySerializer(read_only=True)

    class Meta:
        model = AgreementWitness
        fields = ["id", "person_id", "person", "title_en", "title_ar"]
        validators = []  # uniqueness is checked by the model when the list is written


class AgreementLinkSerializer(serializers.HyperlinkedModelSerializer):
    """An agreement as other records mention it."""

    class Meta:
        model = Agreement
        fields = ["id", "api_url", "title_en", "title_ar", "kind", "status", "signed_on", "signed_precision"]


class CommitmentSummarySerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = FundingCommitment
        fields = ["id", "api_url", "amount", "currency", "status"]


class AgreementSerializer(ModelValidatedSerializer, serializers.HyperlinkedModelSerializer):
    nested_children = {"parties": "agreement", "witnesses": "agreement"}

    parties = AgreementPartySerializer(many=True, required=False)
    witnesses = AgreementWitnessSerializer(many=True, required=False)
    focal_area_ids = serializers.PrimaryKeyRelatedField(
        source="focal_areas", queryset=FocalArea.objects.all(), many=True, required=False
    )
    focal_areas = FocalAreaSummarySerializer(many=True, read_only=True)
    commitments = CommitmentSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = [
            "id", "api_url", "kind", "status", "title_en", "title_ar", "summary_en", "summary_ar",
            "signed_on", "signed_precision", "signed_is_inferred", "signed_note",
            "signed_place_en", "signed_place_ar", "effective_on", "expires_on",
            "parties", "witnesses", "focal_area_ids", "focal_areas", "commitments", "notes", "updated_at", "version",
        ]
        read_only_fields = ["version"]


class AgreementDetailSerializer(AgreementSerializer):
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(AgreementSerializer.Meta):
        fields = [*AgreementSerializer.Meta.fields, "citations"]


class PaymentSerializer(ModelValidatedSerializer, serializers.HyperlinkedModelSerializer):
    commitment_id = serializers.PrimaryKeyRelatedField(source="commitment", queryset=FundingCommitment.objects.all())

    class Meta:
        model = Payment
        fields = ["id", "api_url", "commitment_id", "received_on", "amount", "reference", "note", "updated_at"]


class CommitmentPaymentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "received_on", "amount", "reference"]


class FundingCommitmentSerializer(ModelValidatedSerializer, serializers.HyperlinkedModelSerializer):
    agreement_id = serializers.PrimaryKeyRelatedField(
        source="agreement", queryset=Agreement.objects.all(), allow_null=True, required=False
    )
    donor_id = organization_id_field("donor")
    donor = OrganizationSummarySerializer(read_only=True)
    recipient_id = organization_id_field("recipient")
    recipient = OrganizationSummarySerializer(read_only=True)
    iati_transaction_type = CodeField(FundingCommitment.IATI_TRANSACTION_TYPES, source="status")
    received = serializers.DecimalField(**TOTAL, read_only=True)
    outstanding = serializers.DecimalField(**TOTAL, read_only=True)
    is_overpaid = serializers.BooleanField(
        source="overpaid", read_only=True, help_text="More has been received than was pledged."
    )
    payments = CommitmentPaymentSerializer(many=True, read_only=True)
    focal_area_ids = serializers.PrimaryKeyRelatedField(
        source="focal_areas", queryset=FocalArea.objects.all(), many=True, required=False
    )
    focal_areas = FocalAreaSummarySerializer(many=True, read_only=True)

    class Meta:
        model = FundingCommitment
        fields = [
            "id", "api_url", "agreement_id", "donor_id", "donor", "recipient_id", "recipient",
            "amount", "currency", "status", "iati_transaction_type",
            "committed_on", "committed_precision", "period_starts_on", "period_months", "period_ends_on",
            "purpose_en", "purpose_ar", "is_reported", "received", "outstanding", "is_overpaid", "payments",
            "focal_area_ids", "focal_areas", "updated_at", "version",
        ]
        read_only_fields = ["version"]


class FundingSummarySerializer(serializers.Serializer):
    """Totals of one group in one currency; amounts of different currencies are never added."""

    group = serializers.DictField(help_text="The donor, recipient or focal area (id and names), or the year.")
    currency = serializers.CharField()
    commitments = serializers.IntegerField()
    pledged = serializers.DecimalField(**TOTAL)
    received = serializers.DecimalField(**TOTAL)
    outstanding = serializers.DecimalField(**TOTAL)
