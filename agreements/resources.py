"""Spreadsheet columns for exporting agreements and funding commitments, named for people to read."""
from import_export import fields, resources, widgets

from partners.resources import joined_names

from .models import Agreement, FundingCommitment


class AgreementResource(resources.ModelResource):
    kind = fields.Field(attribute="get_kind_display", column_name="kind")
    status = fields.Field(attribute="get_status_display", column_name="status")
    signed = fields.Field(attribute="signed_display", column_name="signed")
    parties = fields.Field(column_name="parties")
    focal_areas = fields.Field(column_name="focal_areas")

    class Meta:
        model = Agreement
        fields = [
            "id",
            "kind",
            "status",
            "title_en",
            "title_ar",
            "signed",
            "signed_on",
            "signed_place_en",
            "signed_place_ar",
            "effective_on",
            "expires_on",
            "parties",
            "focal_areas",
            "summary_en",
            "summary_ar",
        ]

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("parties__organization", "focal_areas")

    def dehydrate_parties(self, agreement):
        return joined_names(party.organization for party in agreement.parties.all())

    def dehydrate_focal_areas(self, agreement):
        return joined_names(agreement.focal_areas.all())


class FundingCommitmentResource(resources.ModelResource):
    agreement = fields.Field(attribute="agreement", column_name="agreement")
    donor = fields.Field(attribute="donor", column_name="donor")
    recipient = fields.Field(attribute="recipient", column_name="recipient")
    # Plain decimals, not the active language's number format: "1500000.000" reads the same everywhere.
    amount = fields.Field(
        attribute="amount", column_name="amount", widget=widgets.DecimalWidget(coerce_to_string=False)
    )
    status = fields.Field(attribute="get_status_display", column_name="status")
    received = fields.Field(
        attribute="received", column_name="received", widget=widgets.DecimalWidget(coerce_to_string=False)
    )
    outstanding = fields.Field(
        attribute="outstanding", column_name="outstanding", widget=widgets.DecimalWidget(coerce_to_string=False)
    )

    class Meta:
        model = FundingCommitment
        fields = [
            "id",
            "agreement",
            "donor",
            "recipient",
            "amount",
            "currency",
            "status",
            "received",
            "outstanding",
            "committed_on",
            "period_starts_on",
            "period_months",
            "period_ends_on",
            "is_reported",
            "purpose_en",
            "purpose_ar",
        ]

    def filter_export(self, queryset, **kwargs):
        # with_received() again is harmless when the admin's queryset already has it.
        return queryset.with_received().select_related("agreement", "donor", "recipient")
