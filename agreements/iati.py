"""Funding as IATI 2.03 activities (iati-activities XML), the way funders and recipients publish
money flows: one activity per contribution agreement of the reporting organisation (settings:
IATI_REPORTING_ORG), its commitments and the payments received against them as transactions.

Dates: IATI takes only whole dates, so a date known only to the month or the year is not given
as one; it is said in words instead, and an agreement with no date known to the day is left out.

Focal areas are this office's own vocabulary, not the OECD DAC's: they are exported as sectors of
vocabulary 99 ("reporting organisation") with their codes. No DAC sector or policy marker is
claimed, since none corresponds soundly to PCVE or victims of terrorism (DAC 15210 "security
system management and reform" and 15220 "civilian peace-building" each cover only part of them).
"""
from dataclasses import dataclass

from django.db.models import Prefetch, Q
from django.utils import timezone
from lxml import etree

from crm.dates import DatePrecision, format_precise_date
from crm.numerals import format_amount
from partners.models import Organization, units_of

from .models import Agreement, FundingCommitment, Payment

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# IATI ActivityStatus: 1 pipeline, 2 implementation, 3 finalisation, 4 closed, 5 cancelled.
ACTIVITY_STATUS = {
    Agreement.Status.DRAFT: "1",
    Agreement.Status.UNDER_NEGOTIATION: "1",
    Agreement.Status.SIGNED: "2",
    Agreement.Status.IN_FORCE: "2",
    Agreement.Status.EXPIRED: "4",
    Agreement.Status.TERMINATED: "5",
}
INCOMING_FUNDS = "1"  # IATI TransactionType
FUNDING, ACCOUNTABLE = "1", "2"  # IATI OrganisationRole


@dataclass
class ReportingOrganisation:
    ref: str
    type: str
    record: Organization


def narratives(parent, english, arabic):
    """<narrative> children in English (the activity's default language) and Arabic."""
    for text, language in ((english, None), (arabic, "ar")):
        if text:
            narrative = etree.SubElement(parent, "narrative", {XML_LANG: language} if language else {})
            narrative.text = text
    return parent


def element(parent, tag, **attributes):
    return etree.SubElement(parent, tag, {name.replace("_", "-"): value for name, value in attributes.items()})


def day_known(value, precision):
    return value is not None and precision == DatePrecision.DAY


def reported_agreements(reporting):
    """The contribution agreements with a commitment to or from the reporting organisation (or
    one of its units), with their commitments, payments and focal areas prefetched."""
    own = Organization.objects.filter(pk__in=units_of(reporting.record.pk, including_itself=True))
    commitments = (
        FundingCommitment.objects.filter(Q(recipient__in=own.values("pk")) | Q(donor__in=own.values("pk")))
        .select_related("donor", "recipient")
        .prefetch_related(Prefetch("payments", queryset=Payment.objects.order_by("received_on", "pk")))
        .order_by("pk")
    )
    return (
        Agreement.objects.filter(kind=Agreement.Kind.CONTRIBUTION_AGREEMENT, commitments__in=commitments)
        .distinct()
        .order_by("pk")
        .prefetch_related(Prefetch("commitments", queryset=commitments), "focal_areas")
    )


def iati_activities(reporting):
    """The iati-activities document, as bytes."""
    root = etree.Element("iati-activities", {"version": "2.03", "generated-datetime": timezone.now().isoformat()})
    for agreement in reported_agreements(reporting):
        if not day_known(agreement.signed_on, agreement.signed_precision):
            continue
        activity(root, agreement, reporting)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def activity(root, agreement, reporting):
    commitments = list(agreement.commitments.all())
    node = element(root, "iati-activity", default_currency=commitments[0].currency)
    node.set(XML_LANG, "en")
    element(node, "iati-identifier").text = f"{reporting.ref}-agreement-{agreement.pk}"
    narratives(
        element(node, "reporting-org", ref=reporting.ref, type=reporting.type),
        reporting.record.name_en,
        reporting.record.name_ar,
    )
    narratives(element(node, "title"), agreement.title_en, agreement.title_ar)
    narratives(element(node, "description", type="1"), *descriptions(agreement, commitments))
    for role, organisation in participants(commitments):
        narratives(element(node, "participating-org", role=role), organisation.name_en, organisation.name_ar)
    element(node, "activity-status", code=ACTIVITY_STATUS[agreement.status])
    narratives(
        element(node, "activity-date", type="2", iso_date=agreement.signed_on.isoformat()),
        "Signed on this day.",
        "تاريخ التوقيع.",
    )
    for commitment in commitments:
        if commitment.period_ends_on:
            element(node, "activity-date", type="3", iso_date=commitment.period_ends_on.isoformat())
            break
    for area in agreement.focal_areas.all():
        narratives(element(node, "sector", vocabulary="99", code=area.code), area.name_en, area.name_ar)
    for commitment in commitments:
        transactions(node, agreement, commitment)


def descriptions(agreement, commitments):
    """The summary, then what IATI has no field for: a period whose start is unknown, a date
    known only to the month."""
    english, arabic = [agreement.summary_en], [agreement.summary_ar]
    for commitment in commitments:
        amount = f"{commitment.currency} {format_amount(commitment.amount)}"
        if commitment.period_months:
            english.append(f"{amount} over {commitment.period_months} months.")
            arabic.append(f"{amount} على مدى {commitment.period_months} شهرًا.")
        if commitment.committed_on and not day_known(commitment.committed_on, commitment.committed_precision):
            known = format_precise_date(commitment.committed_on, commitment.committed_precision)
            english.append(f"Committed in {known}; the day is not known.")
            arabic.append(f"التُزم به في {known}؛ ولا يُعرف اليوم.")
    return " ".join(text for text in english if text), " ".join(text for text in arabic if text)


def participants(commitments):
    seen = set()
    for commitment in commitments:
        for role, organisation in ((FUNDING, commitment.donor), (ACCOUNTABLE, commitment.recipient)):
            if (role, organisation.pk) not in seen:
                seen.add((role, organisation.pk))
                yield role, organisation


def transactions(node, agreement, commitment):
    committed_on = (
        commitment.committed_on
        if day_known(commitment.committed_on, commitment.committed_precision)
        else agreement.signed_on
    )
    if commitment.iati_transaction_type:
        money(node, commitment, commitment.iati_transaction_type, committed_on, commitment.amount)
    for payment in commitment.payments.all():
        money(node, commitment, INCOMING_FUNDS, payment.received_on, payment.amount)


def money(node, commitment, transaction_type, day, amount):
    transaction = element(node, "transaction")
    element(transaction, "transaction-type", code=transaction_type)
    element(transaction, "transaction-date", iso_date=day.isoformat())
    value = element(transaction, "value", currency=commitment.currency, value_date=day.isoformat())
    value.text = f"{amount.normalize():f}"
    narratives(element(transaction, "provider-org"), commitment.donor.name_en, commitment.donor.name_ar)
    narratives(element(transaction, "receiver-org"), commitment.recipient.name_en, commitment.recipient.name_ar)
