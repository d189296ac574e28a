from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement, FundingCommitment
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    FocalAreaFactory,
    FundingCommitmentFactory,
    OrganizationFactory,
    PaymentFactory,
)
from tests.spreadsheets import admin_export, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

AGREEMENTS = "agreements/agreement"
COMMITMENTS = "agreements/fundingcommitment"


def _agreement_with_two_parties_and_an_area():
    agreement = AgreementFactory()
    AgreementPartyFactory.create_batch(2, agreement=agreement)
    agreement.focal_areas.add(FocalAreaFactory())
    return agreement


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_commitment_export_names_donor_and_recipient_with_amounts_received_and_outstanding(empty_database, admin_client, file_format):
    donor = OrganizationFactory(name_en="Kingdom of Saudi Arabia", acronym="KSA")
    recipient = OrganizationFactory(name_en="Office of Counter-Terrorism", acronym="UNOCT")
    commitment = FundingCommitmentFactory(donor=donor, recipient=recipient, amount=Decimal("1500000.5"))
    PaymentFactory(commitment=commitment, amount=Decimal("500000"))
    FundingCommitmentFactory(status=FundingCommitment.Status.PLEDGED)

    response = admin_export(admin_client, COMMITMENTS, "?status__exact=committed", file_format=file_format)

    [row] = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
    assert (row["donor"], row["recipient"], row["currency"], row["status"]) == (
        "Kingdom of Saudi Arabia (KSA)",
        "Office of Counter-Terrorism (UNOCT)",
        "USD",
        "committed",
    )
    assert [Decimal(str(row[column])) for column in ("amount", "received", "outstanding")] == [
        Decimal("1500000.5"),
        Decimal("500000"),
        Decimal("1000000.5"),
    ]


def test_agreement_export_holds_the_searched_rows_with_parties_and_focal_areas(admin_client):
    agreement = _agreement_with_two_parties_and_an_area()
    AgreementFactory(title_en="Something else")

    [row] = csv_rows(admin_export(admin_client, AGREEMENTS, f"?q={agreement.title_en}"))

    assert (row["title_en"], row["kind"]) == (agreement.title_en, "memorandum of understanding")
    assert row["parties"] == "; ".join(str(party.organization) for party in agreement.parties.all())
    assert row["focal_areas"] == str(agreement.focal_areas.get())


@pytest.mark.parametrize(
    ("model_path", "make_one"),
    [
        (AGREEMENTS, _agreement_with_two_parties_and_an_area),
        (COMMITMENTS, lambda: PaymentFactory(commitment=FundingCommitmentFactory(agreement=AgreementFactory()))),
    ],
)
def test_export_query_count_does_not_grow_with_the_rows(empty_database, admin_client, model_path, make_one):
    counts = []
    for total in (2, 30):
        while Agreement.objects.count() < total:
            make_one()
        with CaptureQueriesContext(connection) as queries:
            rows = csv_rows(admin_export(admin_client, model_path))
        assert len(rows) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("model_path", [AGREEMENTS, COMMITMENTS])
def test_viewer_exports_the_seed_data(seeded, viewer_client, model_path):
    response = admin_export(viewer_client, model_path, file_format="xlsx")

    assert response.status_code == 200
    assert xlsx_rows(response)
