"""The API's shapes that read across apps: an organisation with its agreements and commitments,
and a line of its partner list."""
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from agreements.models import AgreementParty, FundingCommitment
from agreements.serializers import AgreementLinkSerializer
from crm.api.serializers import CodeField
from crm.dates import DatePrecision
from meetings.serializers import MeetingLinkSerializer
from partners.serializers import CitationSerializer, OrganizationSerializer, OrganizationSummarySerializer


@extend_schema_serializer(component_name="Organization")
class NetworkOrganizationSerializer(OrganizationSerializer):
    """An organisation in the list, with the link to its partner list."""

    partners_url = serializers.HyperlinkedIdentityField(view_name="organization-partners")

    class Meta(OrganizationSerializer.Meta):
        fields = [*OrganizationSerializer.Meta.fields[:-1], "partners_url", "version"]


class OrganizationAgreementSerializer(serializers.ModelSerializer):
    """An agreement the organisation is party to, and in what role."""

    agreement = AgreementLinkSerializer(read_only=True)
    iati_role_code = CodeField(AgreementParty.IATI_ROLE_CODES, source="role")

    class Meta:
        model = AgreementParty
        fields = ["agreement", "role", "iati_role_code"]


class OrganizationCommitmentSerializer(serializers.HyperlinkedModelSerializer):
    donor = OrganizationSummarySerializer(read_only=True)
    recipient = OrganizationSummarySerializer(read_only=True)

    class Meta:
        model = FundingCommitment
        fields = ["id", "api_url", "donor", "recipient", "amount", "currency", "status", "committed_on", "committed_precision"]


@extend_schema_serializer(component_name="OrganizationDetail")
class OrganizationDetailSerializer(NetworkOrganizationSerializer):
    """One organisation with its units, agreements, commitments (given and received) and sources."""

    units = OrganizationSummarySerializer(source="children", many=True, read_only=True)
    agreements = OrganizationAgreementSerializer(source="agreement_parties", many=True, read_only=True)
    commitments_given = OrganizationCommitmentSerializer(many=True, read_only=True)
    commitments_received = OrganizationCommitmentSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(NetworkOrganizationSerializer.Meta):
        fields = [
            *NetworkOrganizationSerializer.Meta.fields,
            "units", "agreements", "commitments_given", "commitments_received", "citations",
        ]


class PartnerOrganizationSerializer(OrganizationSummarySerializer):
    country = CountryField(country_dict=False, read_only=True, allow_blank=True)

    class Meta(OrganizationSummarySerializer.Meta):
        fields = [*OrganizationSummarySerializer.Meta.fields, "kind", "country"]


class PartnerSerializer(serializers.Serializer):
    """One line of an organisation's partner list: the partner, the latest contact (the
    newest dated agreement or meeting that links them, with its precision) and those links."""

    organization = PartnerOrganizationSerializer(source="*", read_only=True)
    latest_contact_on = serializers.DateField(read_only=True, allow_null=True)
    latest_contact_precision = serializers.ChoiceField(choices=DatePrecision.choices, read_only=True, allow_null=True)
    agreements = AgreementLinkSerializer(many=True, read_only=True)
    meetings = MeetingLinkSerializer(many=True, read_only=True)
