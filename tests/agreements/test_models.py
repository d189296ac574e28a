import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from agreements.models import Agreement, AgreementParty, FundingCommitment
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    FundingCommitmentFactory,
    OrganizationFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db


def test_amount_must_be_positive(empty_database):
    commitment = FundingCommitmentFactory.build(
        donor=OrganizationFactory(), recipient=OrganizationFactory(), amount=Decimal("-5")
    )
    with pytest.raises(ValidationError, match="amount"):
        commitment.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        commitment.save()
    assert FundingCommitment.objects.count() == 0


def test_currency_must_be_iso_4217():
    commitment = FundingCommitmentFactory.build(donor=OrganizationFactory(), recipient=OrganizationFactory(), currency="XYZ")
    with pytest.raises(ValidationError, match="ISO 4217") as raised:
        commitment.full_clean()
    assert list(raised.value.message_dict) == ["currency"]
    # The database checks the shape of a code; the list of codes is pycountry's.
    for malformed in ("usd", "US", "U1"):
        commitment.currency = malformed
        with pytest.raises(IntegrityError), transaction.atomic():
            commitment.save()


def test_three_decimal_currencies_keep_their_minor_units():
    commitment = FundingCommitmentFactory(currency="KWD", amount=Decimal("1250.125"))
    commitment.refresh_from_db()
    assert commitment.amount == Decimal("1250.125")


def test_donor_and_recipient_must_differ():
    qatar = OrganizationFactory()
    with pytest.raises(ValidationError, match="donor, recipient"):
        FundingCommitmentFactory.build(donor=qatar, recipient=qatar).full_clean()


def test_period_has_a_length_or_an_end_not_both():
    commitment = FundingCommitmentFactory.build(
        donor=OrganizationFactory(),
        recipient=OrganizationFactory(),
        period_starts_on=datetime.date(2019, 1, 1),
        period_months=60,
        period_ends_on=datetime.date(2023, 12, 31),
    )
    with pytest.raises(ValidationError, match="period_months, period_ends_on"):
        commitment.full_clean()


def test_period_cannot_end_before_it_starts():
    commitment = FundingCommitmentFactory.build(
        donor=OrganizationFactory(),
        recipient=OrganizationFactory(),
        period_starts_on=datetime.date(2019, 1, 1),
        period_ends_on=datetime.date(2018, 1, 1),
    )
    with pytest.raises(ValidationError, match="period_starts_on, period_ends_on"):
        commitment.full_clean()


def test_received_and_outstanding_are_computed_from_payments():
    commitment = FundingCommitmentFactory(amount=Decimal("75000000"))
    PaymentFactory(commitment=commitment, amount=Decimal("15000000"))
    PaymentFactory(commitment=commitment, amount=Decimal("10000000.500"))
    other = FundingCommitmentFactory(amount=Decimal("10"))

    totals = {row.pk: (row.received, row.outstanding) for row in FundingCommitment.objects.with_received()}

    assert totals[commitment.pk] == (Decimal("25000000.500"), Decimal("49999999.500"))
    assert totals[other.pk] == (Decimal("0"), Decimal("10"))


def test_cancelled_commitment_receives_no_payments():
    commitment = FundingCommitmentFactory(status=FundingCommitment.Status.CANCELLED)
    with pytest.raises(ValidationError) as raised:
        PaymentFactory.build(commitment=commitment).full_clean()
    assert "commitment" in raised.value.message_dict


def test_payment_amount_must_be_positive():
    with pytest.raises(ValidationError, match="amount"):
        PaymentFactory.build(commitment=FundingCommitmentFactory(), amount=Decimal("0")).full_clean()


def test_deleting_a_commitment_with_payments_is_refused():
    payment = PaymentFactory()
    with pytest.raises(ProtectedError):
        payment.commitment.delete()


def test_deleting_an_agreement_with_commitments_is_refused(empty_database):
    commitment = FundingCommitmentFactory(agreement=AgreementFactory())
    with pytest.raises(ProtectedError):
        commitment.agreement.delete()
    assert Agreement.objects.count() == 1


def test_an_organisation_is_a_party_once_per_agreement():
    party = AgreementPartyFactory()
    duplicate = AgreementParty(agreement=party.agreement, organization=party.organization)
    with pytest.raises(ValidationError, match="already a party"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_a_party_is_not_represented_by_itself():
    party = AgreementPartyFactory()
    party.represented_by = party.organization
    with pytest.raises(ValidationError, match="represented_by"):
        party.full_clean()


def test_draft_agreement_has_no_signing_date():
    draft = AgreementFactory.build(status=Agreement.Status.DRAFT, signed_on=datetime.date(2021, 4, 1))
    with pytest.raises(ValidationError, match="status, signed_on"):
        draft.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        draft.save()


def test_agreement_cannot_expire_before_it_takes_effect():
    agreement = AgreementFactory.build(effective_on=datetime.date(2021, 4, 1), expires_on=datetime.date(2021, 3, 1))
    with pytest.raises(ValidationError, match="effective_on, expires_on"):
        agreement.full_clean()


def test_iati_codes_sit_beside_our_labels():
    party = AgreementPartyFactory(role=AgreementParty.Role.FUNDING)
    assert party.iati_role_code == "1"
    assert FundingCommitmentFactory(status="pledged").iati_transaction_type == "13"


def copied_dates(*parties):
    return [AgreementParty.objects.values_list("agreement_signed_on", flat=True).get(pk=party.pk) for party in parties]


def test_each_party_keeps_its_agreements_signing_date_whatever_writes_it(empty_database):
    """The copy that orders an organisation's page latest first (AgreementParty.agreement_signed_on)
    is the database's: saves, bulk updates and moves all leave it equal to the agreement's date."""
    agreement = AgreementFactory(signed_on=datetime.date(2020, 1, 1))
    other = AgreementFactory(signed_on=None)
    first, second = AgreementPartyFactory(agreement=agreement), AgreementPartyFactory(agreement=agreement)
    assert copied_dates(first, second) == [datetime.date(2020, 1, 1)] * 2

    agreement.signed_on = datetime.date(2021, 6, 30)
    agreement.save()
    assert copied_dates(first, second) == [datetime.date(2021, 6, 30)] * 2

    Agreement.objects.filter(pk=agreement.pk).update(signed_on=datetime.date(2019, 3, 1))
    assert copied_dates(first, second) == [datetime.date(2019, 3, 1)] * 2

    AgreementParty.objects.filter(pk=first.pk).update(agreement_signed_on=datetime.date(1999, 1, 1))  # a stray write
    assert copied_dates(first) == [datetime.date(2019, 3, 1)]

    AgreementParty.objects.filter(pk=second.pk).update(agreement=other)
    assert copied_dates(first, second) == [datetime.date(2019, 3, 1), None]
    Agreement.objects.filter(pk=other.pk).update(signed_on=datetime.date(2024, 2, 29))
    assert copied_dates(first, second) == [datetime.date(2019, 3, 1), datetime.date(2024, 2, 29)]
