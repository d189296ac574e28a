"""The funding totals PostgreSQL keeps by triggers (migration agreements 0004) always equal the
totals summed from the commitments and payments, whatever was changed and however."""
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import FundingCommitment, FundingCommitmentFocalArea, Payment, counted_commitments
from tests.concurrency import held_open
from tests.factories import FocalAreaFactory, FundingCommitmentFactory, OrganizationFactory, PaymentFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL keeps the totals; SQLite sums them when asked"
)

GROUPINGS = ["donor", "recipient", "year", "focal_area"]


def assert_kept_totals_are_the_summed_ones():
    for group_by in GROUPINGS:
        kept = FundingCommitment.objects.kept_totals(group_by)
        summed = FundingCommitment.objects.summed_totals(group_by)
        assert kept == summed, group_by
    received = {row.pk: row.received for row in FundingCommitment.objects.with_received()}
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, received_total FROM agreements_fundingcommitment")
        assert dict(cursor.fetchall()) == received


def kept_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM agreements_fundingtotal ORDER BY 1, 2, 3")
        return cursor.fetchall()


@pytest.mark.django_db
def test_kept_totals_follow_every_change_of_commitments_payments_and_focal_areas(empty_database):
    qatar, eu, uncct = OrganizationFactory(), OrganizationFactory(), OrganizationFactory()
    pcve, youth = FocalAreaFactory(), FocalAreaFactory()
    pledge = FundingCommitmentFactory(donor=qatar, recipient=uncct, amount="75000000", committed_on="2018-05-01")
    grant = FundingCommitmentFactory(donor=eu, recipient=uncct, amount="500", currency="EUR", committed_on=None)
    pledge.focal_areas.add(pcve, youth)
    first = PaymentFactory(commitment=pledge, amount="15000000")
    PaymentFactory(commitment=pledge, amount="5000000")
    assert_kept_totals_are_the_summed_ones()

    first.amount = Decimal("14000000")  # a corrected payment
    first.save()
    first.commitment = grant  # a payment booked against the wrong commitment
    first.save()
    assert_kept_totals_are_the_summed_ones()
    first.delete()
    assert_kept_totals_are_the_summed_ones()

    pledge.amount, pledge.committed_on, pledge.donor = Decimal("80000000"), None, eu
    pledge.save()
    grant.currency, grant.committed_on, grant.recipient = "USD", "2020-01-01", qatar
    grant.save()
    assert_kept_totals_are_the_summed_ones()

    pledge.status = FundingCommitment.Status.CANCELLED
    pledge.save()
    grant.focal_areas.add(pcve)  # its first focal area: it leaves the group of commitments without one
    assert_kept_totals_are_the_summed_ones()
    pledge.status = FundingCommitment.Status.PLEDGED
    pledge.save()
    pledge.focal_areas.remove(pcve)
    pledge.focal_areas.remove(youth)  # its last focal area
    FundingCommitmentFocalArea.objects.filter(commitment=grant).update(focal_area=youth)
    assert_kept_totals_are_the_summed_ones()

    Payment.objects.filter(commitment=pledge).delete()
    grant.focal_areas.add(pcve)
    grant.delete()  # Django deletes its focal areas first
    assert_kept_totals_are_the_summed_ones()
    assert {row["donor"] for row in FundingCommitment.objects.kept_totals("donor")} == {eu.pk}


@pytest.mark.django_db
def test_rebuilding_restores_the_totals_and_reproduces_correct_ones():
    commitment = FundingCommitmentFactory(amount="1000", committed_on="2024-03-01")
    commitment.focal_areas.add(FocalAreaFactory())
    PaymentFactory(commitment=commitment, amount="250")
    FundingCommitmentFactory(amount="40", currency="EUR")
    correct = kept_rows()

    call_command("rebuild_funding_totals", stdout=open("/dev/null", "w"))
    assert kept_rows() == correct

    with connection.cursor() as cursor:
        cursor.execute("UPDATE agreements_fundingtotal SET pledged = 0")
        cursor.execute("UPDATE agreements_fundingcommitment SET received_total = 7")
    call_command("rebuild_funding_totals", stdout=open("/dev/null", "w"))
    assert kept_rows() == correct
    assert_kept_totals_are_the_summed_ones()


@pytest.mark.django_db
def test_the_unfiltered_summary_reads_the_kept_totals_and_a_filtered_one_sums(empty_database, viewer_api):
    donor = OrganizationFactory()
    FundingCommitmentFactory(donor=donor, amount="100", committed_on="2024-03-01")
    for params, table in (({"group_by": "year"}, "agreements_fundingtotal"), ({"donor": donor.pk}, "agreements_payment")):
        with CaptureQueriesContext(connection) as queries:
            assert viewer_api.get("/api/funding-commitments/summary/", params).status_code == 200
        assert any(table in query["sql"] for query in queries.captured_queries), params


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_on_one_commitment_are_all_counted(empty_database):
    commitment = FundingCommitmentFactory(amount="1000", committed_on="2024-03-01")
    # The second payment's trigger waits for the first one's lock on the commitment.
    with held_open(lambda: PaymentFactory(commitment=commitment, amount="100")):
        PaymentFactory(commitment=commitment, amount="10")

    assert_kept_totals_are_the_summed_ones()
    year = FundingCommitment.objects.kept_totals("year")
    assert [(row["year"], row["received_total"]) for row in year] == [(2024, Decimal("110"))]


STATUS_COMPARISON = re.compile(r"\bstatus\s*(=|<>|!=)\s*'([^']*)'")


@pytest.mark.django_db
def test_the_totals_triggers_leave_out_exactly_what_the_models_leave_out():
    """The triggers spell `counted_commitments()` in SQL: the one status they compare with is the
    one the model leaves out of every total."""
    donor, recipient = OrganizationFactory(), OrganizationFactory()
    for status in FundingCommitment.Status:
        FundingCommitmentFactory(donor=donor, recipient=recipient, status=status)
    counted = set(FundingCommitment.objects.filter(counted_commitments()).values_list("status", flat=True))
    (left_out,) = set(FundingCommitment.Status) - counted

    with connection.cursor() as cursor:
        cursor.execute("SELECT proname, prosrc FROM pg_proc WHERE proname LIKE 'agreements\\_%%'")
        sources = dict(cursor.fetchall())
    compared = {status for source in sources.values() for _operator, status in STATUS_COMPARISON.findall(source)}
    assert compared == {left_out}, sorted(sources)


@pytest.mark.django_db
def test_a_summary_in_one_currency_reads_the_kept_totals_and_equals_the_summed_one(empty_database, viewer_api):
    qatar, eu = OrganizationFactory(), OrganizationFactory()
    FundingCommitmentFactory(donor=qatar, amount="75000000", committed_on="2018-05-01")
    FundingCommitmentFactory(donor=eu, amount="500", currency="EUR", committed_on="2019-01-01")
    FundingCommitmentFactory(donor=eu, amount="40", committed_on=None)
    for group_by in GROUPINGS:
        kept = FundingCommitment.objects.totals(group_by, currency="usd")
        assert kept == FundingCommitment.objects.filter(currency__iexact="usd").totals(group_by), group_by
        assert {row["currency"] for row in kept} == {"USD"}
    with CaptureQueriesContext(connection) as queries:
        response = viewer_api.get("/api/funding-commitments/summary/", {"group_by": "donor", "currency": "usd"})
    assert [row["pledged"] for row in response.json()["results"]] == ["75000000.000", "40.000"]
    assert any("agreements_fundingtotal" in query["sql"] for query in queries.captured_queries)
