from django import forms
from django.contrib import admin
from django.db.models import F, Prefetch
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from crm.admin_fields import AdminModelForm
from crm.bilingual import comma_list
from crm.numerals import format_amount

from crm.admin_base import (
    NormalizedSearchAdmin,
    SpreadsheetExportMixin,
    StackedInline,
    TabularInline,
    UsedRelatedListFilter,
)
from partners.admin import PERSON_TITLES_JS, CitationInline

from .models import (
    Agreement,
    AgreementFocalArea,
    AgreementParty,
    AgreementWitness,
    FundingCommitment,
    FundingCommitmentFocalArea,
    Payment,
)
from .resources import AgreementResource, FundingCommitmentResource


class AgreementPartyInline(StackedInline):
    model = AgreementParty
    extra = 0
    min_num = 1
    autocomplete_fields = ["organization", "represented_by", "signatory"]
    fields = [("organization", "role"), "represented_by", "signatory", ("signatory_title_en", "signatory_title_ar")]


class AgreementWitnessInline(TabularInline):
    model = AgreementWitness
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "title_en", "title_ar"]


class AgreementFocalAreaInline(TabularInline):
    model = AgreementFocalArea
    extra = 0
    autocomplete_fields = ["focal_area"]


OVERPAYMENT_WARNING = _(
    "Payments total %(currency)s %(received)s, more than the %(currency)s %(amount)s pledged. "
    "Check the amounts; if they are right, tick “Record the overpayment” and save again."
)


def overpayment_warning(currency, amount, received):
    return OVERPAYMENT_WARNING % {
        "currency": currency, "amount": format_amount(amount), "received": format_amount(received)
    }


class FundingCommitmentForm(AdminModelForm):
    """A commitment whose payments exceed it is saved only once the person confirms it."""

    confirm_overpayment = forms.BooleanField(
        label=_("Record the overpayment"),
        required=False,
        help_text=_("Tick to save payments that add up to more than the amount pledged."),
    )

    def clean(self):
        cleaned_data = super().clean()
        amount, instance = cleaned_data.get("amount"), self.instance
        # A lowered amount on a page that does not show the payments (the agreement's).
        if amount is not None and instance.pk and not self.has_payment_rows():
            received = FundingCommitment.objects.with_received().values_list("received", flat=True).get(pk=instance.pk)
            if received > amount and not cleaned_data.get("confirm_overpayment"):
                self.add_error("amount", overpayment_warning(cleaned_data.get("currency"), amount, received))
        return cleaned_data

    def has_payment_rows(self):
        return "payments-TOTAL_FORMS" in self.data


class PaymentFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        commitment = self.instance
        if commitment.amount is None or any(self.errors):
            return
        received = sum(
            form.cleaned_data["amount"]
            for form in self.forms
            if form.cleaned_data.get("amount") is not None and not form.cleaned_data.get("DELETE")
        )
        if received > commitment.amount and not self.data.get("confirm_overpayment"):
            raise forms.ValidationError(
                overpayment_warning(commitment.currency, commitment.amount, received), code="overpaid"
            )


class FundingCommitmentInline(StackedInline):
    model = FundingCommitment
    form = FundingCommitmentForm
    extra = 0
    autocomplete_fields = ["donor", "recipient"]
    fields = [
        ("donor", "recipient"),
        ("amount", "currency", "status"),
        "confirm_overpayment",
        "committed_on",
        ("period_starts_on", "period_months", "period_ends_on"),
        "purpose_en",
        "purpose_ar",
        "is_reported",
    ]
    show_change_link = True


@admin.register(Agreement)
class AgreementAdmin(SpreadsheetExportMixin, NormalizedSearchAdmin):
    resource_classes = [AgreementResource]
    list_display = ["__str__", "kind", "status", "signed", "party_names"]
    # A date filter rather than a date hierarchy: the hierarchy reads the table twice more on
    # every page load (first and last date, then every year), which large lists cannot afford.
    list_filter = [
        "kind", "status", ("signed_on", admin.DateFieldListFilter), "signed_is_inferred",
        ("focal_areas", admin.RelatedFieldListFilter),
    ]
    # The order of the PostgreSQL index on the list (migration partners 0007), undated last.
    ordering = [F("signed_on").desc(nulls_last=True), "title_en", "id"]
    search_paths = ("", "parties__organization", "parties__organization__aliases")
    class Media:
        js = PERSON_TITLES_JS

    inlines = [
        AgreementPartyInline,
        AgreementWitnessInline,
        AgreementFocalAreaInline,
        FundingCommitmentInline,
        CitationInline,
    ]
    fieldsets = [
        (None, {"fields": ["kind", "status", "title_en", "title_ar"]}),
        (_("Signing"), {"fields": [
            ("signed_on", "signed_is_inferred"),
            "signed_note",
            ("signed_place_en", "signed_place_ar"),
        ]}),
        (_("Validity"), {"fields": [("effective_on", "expires_on")]}),
        (_("Content"), {"fields": ["summary_en", "summary_ar", "notes"]}),
    ]

    def get_queryset(self, request):
        # One query for the parties and their organisations, not two.
        return super().get_queryset(request).prefetch_related(
            Prefetch("parties", queryset=AgreementParty.objects.select_related("organization"))
        )

    @admin.display(description=_("signed"), ordering="signed_on")
    def signed(self, agreement):
        return agreement.signed_display

    @admin.display(description=_("parties"))
    def party_names(self, agreement):
        return comma_list(party.organization.acronym or str(party.organization) for party in agreement.parties.all())


class PaymentInline(TabularInline):
    model = Payment
    formset = PaymentFormSet
    extra = 0
    fields = ["received_on", "amount", "reference", "note"]


class FundingCommitmentFocalAreaInline(TabularInline):
    model = FundingCommitmentFocalArea
    extra = 0
    autocomplete_fields = ["focal_area"]


@admin.register(FundingCommitment)
class FundingCommitmentAdmin(SpreadsheetExportMixin, NormalizedSearchAdmin):
    resource_classes = [FundingCommitmentResource]
    form = FundingCommitmentForm
    change_list_template = "agreements/fundingcommitment_change_list.html"
    list_display = ["__str__", "state", "amount_shown", "currency", "received", "outstanding", "share_received"]
    list_filter = [
        "status", "currency", ("committed_on", admin.DateFieldListFilter), ("donor", UsedRelatedListFilter), "is_reported",
    ]
    list_select_related = ["donor", "recipient"]
    ordering = [F("committed_on").desc(nulls_last=True), "id"]
    search_paths = ("donor", "donor__aliases", "recipient", "recipient__aliases", "agreement")
    autocomplete_fields = ["agreement", "donor", "recipient"]
    inlines = [PaymentInline, FundingCommitmentFocalAreaInline, CitationInline]
    readonly_fields = ["received", "outstanding", "share_received"]
    fieldsets = [
        (None, {"fields": ["agreement", ("donor", "recipient"), ("amount", "currency", "status"), "is_reported"]}),
        (_("Received"), {"fields": [("received", "outstanding", "share_received"), "confirm_overpayment"]}),
        (_("Dates"), {"fields": [
            "committed_on",
            ("period_starts_on", "period_months", "period_ends_on"),
        ]}),
        (_("Purpose"), {"fields": ["purpose_en", "purpose_ar"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_received()

    @admin.display(description=_("status"), ordering="status")
    def state(self, commitment):
        if commitment.overpaid:
            return format_html(
                '{} <strong class="overpaid">({})</strong>', commitment.get_status_display(), _("overpaid")
            )
        return commitment.get_status_display()

    @admin.display(description=_("amount"), ordering="amount")
    def amount_shown(self, commitment):
        return format_amount(commitment.amount)

    @admin.display(description=_("received"), ordering="received")
    def received(self, commitment):
        return format_amount(commitment.received)

    @admin.display(description=_("outstanding"), ordering="outstanding")
    def outstanding(self, commitment):
        return format_amount(commitment.outstanding)

    @admin.display(description=_("share received"))
    def share_received(self, commitment):
        return f"{commitment.received / commitment.amount:.0%}"
