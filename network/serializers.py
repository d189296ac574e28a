"""The API's shapes that read across apps: an organisation with its agreements and commitments,
and a line of its partner list."""
from urllib.parse import urlencode

from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_countries.serializer_fields import CountryField
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from agreements.models import AgreementParty, FundingCommitment
from agreements.serializers import AgreementLinkSerializer
from crm.api.serializers import CodeField, ListLinkField, capped
from crm.dates import DatePrecision
from meetings.serializers import MeetingLinkSerializer
from partners.serializers import CitationSerializer, OrganizationSerializer, OrganizationSummarySerializer

from .partnerships import LATEST_SIGNED, LATEST_STARTED, LINK_AGREEMENT, LINK_MEETING, PARTNER_LINKS_SHOWN


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


# A hub is party to thousands of agreements: its page shows the latest, and links to them all.
DETAIL_LIST_LIMIT = 100
# The party's copy of the signing date (AgreementParty.agreement_signed_on): one index gives a
# hub's latest agreements without reading each of its thousands.
LATEST_AGREEMENTS = [F("agreement_signed_on").desc(nulls_last=True), "-agreement_id"]
LATEST_COMMITMENTS = [F("committed_on").desc(nulls_last=True), "-id"]


@extend_schema_serializer(component_name="OrganizationDetail")
class OrganizationDetailSerializer(NetworkOrganizationSerializer):
    """One organisation with its units, agreements, commitments (given and received) and sources.
    The lists that can grow without limit show their first 100 rows (latest first); each links
    to the whole list (`…_url`), paged and filtered to this organisation."""

    units = capped(OrganizationSummarySerializer(), source="children", limit=DETAIL_LIST_LIMIT, ordering=["name_en", "name_ar", "id"])
    units_url = ListLinkField("organization-list", "parent")
    agreements = capped(
        OrganizationAgreementSerializer(), source="agreement_parties", limit=DETAIL_LIST_LIMIT, ordering=LATEST_AGREEMENTS
    )
    agreements_url = ListLinkField("agreement-list", "party")
    commitments_given = capped(OrganizationCommitmentSerializer(), limit=DETAIL_LIST_LIMIT, ordering=LATEST_COMMITMENTS)
    commitments_given_url = ListLinkField("fundingcommitment-list", "donor")
    commitments_received = capped(OrganizationCommitmentSerializer(), limit=DETAIL_LIST_LIMIT, ordering=LATEST_COMMITMENTS)
    commitments_received_url = ListLinkField("fundingcommitment-list", "recipient")
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(NetworkOrganizationSerializer.Meta):
        fields = [
            *NetworkOrganizationSerializer.Meta.fields,
            "units", "units_url", "agreements", "agreements_url", "commitments_given", "commitments_given_url",
            "commitments_received", "commitments_received_url", "citations",
        ]


class PartnerOrganizationSerializer(OrganizationSummarySerializer):
    country = CountryField(country_dict=False, read_only=True, allow_blank=True)

    class Meta(OrganizationSummarySerializer.Meta):
        fields = [*OrganizationSummarySerializer.Meta.fields, "kind", "country"]


class SharedRecordsLinkField(ListLinkField):
    """The address of the whole list of the agreements (or meetings) a partner line counts: those
    of the partner and the organisation (or, with include_units, one of its units), narrowed as the
    partner list's query string narrows them; none where that excludes them (link=…). The view
    puts the organisation and its partner filter on the request (`partner_list`)."""

    def __init__(self, view_name, query_parameter, *, units_parameter, link, after, before, **kwargs):
        self.units_parameter, self.link, self.after, self.before = units_parameter, link, after, before
        super().__init__(view_name, query_parameter, allow_null=True, **kwargs)

    def address_before_pk(self, request):
        organization, filters = request.partner_list
        if filters.link and filters.link != self.link:
            return None
        query = [(self.units_parameter if filters.include_units else self.query_parameter, organization)]
        if filters.focal_area:
            query.append(("focal_area", filters.focal_area))
        if filters.contact_after:
            query.append((self.after, filters.contact_after.isoformat()))
        if filters.contact_before:
            query.append((self.before, filters.contact_before.isoformat()))
        return f"{self.list_url(request)}?{urlencode(query)}&{self.query_parameter}="


class PartnerSerializer(serializers.Serializer):
    """One line of an organisation's partner list: the partner, the latest contact (the
    newest dated agreement or meeting that links them, with its precision), how many agreements
    and meetings link them, the latest 20 of each and the address of the whole list of each."""

    organization = PartnerOrganizationSerializer(source="*", read_only=True)
    latest_contact_on = serializers.DateField(read_only=True, allow_null=True)
    latest_contact_precision = serializers.ChoiceField(choices=DatePrecision.choices, read_only=True, allow_null=True)
    agreement_count = serializers.IntegerField(read_only=True, help_text="How many agreements link them.")
    meeting_count = serializers.IntegerField(read_only=True, help_text="How many meetings link them.")
    agreements = capped(AgreementLinkSerializer(), limit=PARTNER_LINKS_SHOWN, ordering=LATEST_SIGNED)
    agreements_url = SharedRecordsLinkField(
        "agreement-list", "party", units_parameter="party_or_its_units", link=LINK_AGREEMENT,
        after="signed_after", before="signed_before", help_text=_("Every agreement counted, as a paged list."),
    )
    meetings = capped(MeetingLinkSerializer(), limit=PARTNER_LINKS_SHOWN, ordering=LATEST_STARTED)
    meetings_url = SharedRecordsLinkField(
        "meeting-list", "organization", units_parameter="organization_or_its_units", link=LINK_MEETING,
        after="starts_after", before="starts_before", help_text=_("Every meeting counted, as a paged list."),
    )
