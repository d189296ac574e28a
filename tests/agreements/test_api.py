from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement, AgreementParty, FundingCommitment, Payment
from partners.models import Organization
from tests.factories import AgreementFactory, FocalAreaFactory, FundingCommitmentFactory, OrganizationFactory, PaymentFactory, PersonFactory

pytestmark = pytest.mark.django_db

UNCCT, ETIDAL, QATAR, UNOCT = 3, 5, 7, 2


def test_log_an_mou_with_two_parties_signatories_and_focal_areas(seeded, editor_api):
    signatory = PersonFactory()
    response = editor_api.post(
        "/api/agreements/",
        {
            "kind": "mou",
            "status": "signed",
            "title_en": "Second UNCCT–Etidal MoU",
            "signed_on": "2026-03-01",
            "signed_precision": "month",
            "parties": [
                {"organization_id": UNCCT, "role": "party", "signatory_id": signatory.pk, "signatory_title_en": "Director"},
                {"organization_id": ETIDAL, "role": "party"},
            ],
            "focal_area_ids": [1],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [party["organization"]["acronym"] for party in body["parties"]] == ["UNCCT", "Etidal"]
    assert body["parties"][0]["signatory"]["id"] == signatory.pk
    assert [area["id"] for area in body["focal_areas"]] == [1]
    assert AgreementParty.objects.filter(agreement_id=body["id"]).count() == 2


def test_the_same_party_twice_is_refused_and_nothing_is_written(seeded, editor_api):
    before = (Agreement.objects.count(), AgreementParty.objects.count())
    response = editor_api.post(
        "/api/agreements/",
        {
            "kind": "mou",
            "title_en": "Twice",
            "parties": [{"organization_id": UNCCT}, {"organization_id": UNCCT}],
        },
    )
    assert response.status_code == 400
    assert response.json()["parties"][0] == {}
    assert "organization" in response.json()["parties"][1]
    assert (Agreement.objects.count(), AgreementParty.objects.count()) == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"effective_on": "2025-01-10", "expires_on": "2024-01-01"}, "expires_on"),
        ({"status": "draft", "signed_on": "2024-01-01"}, "signed_on"),
        ({"kind": "treaty"}, "kind"),
        ({"title_en": ""}, "title_en"),
        ({"parties": [{"organization_id": 999999}]}, "parties"),
        ({"focal_area_ids": ["pcve"]}, "focal_area_ids"),
    ],
)
def test_bad_agreement_input_gets_400_naming_the_field(seeded, editor_api, changes, field):
    payload = {"kind": "mou", "title_en": "Valid", **changes}
    response = editor_api.post("/api/agreements/", payload)
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_agreement_list_shows_parties_by_name_and_filters_by_party_and_focal_area(seeded, viewer_api):
    rows = viewer_api.get("/api/agreements/", {"party": ETIDAL}).json()["results"]
    assert len(rows) == 1
    names = {(party["organization"]["name_en"], party["organization"]["name_ar"]) for party in rows[0]["parties"]}
    etidal = Organization.objects.get(pk=ETIDAL)
    assert (etidal.name_en, etidal.name_ar) in names
    assert viewer_api.get("/api/agreements/", {"focal_area": "pcve"}).json()["results"]
    assert viewer_api.get("/api/agreements/", {"focal_area": "no-such-area"}).json()["results"] == []


def test_agreement_search_finds_it_by_a_party_name_in_arabic(seeded, viewer_api):
    rows = viewer_api.get("/api/agreements/", {"search": "التحالف الاسلامي"}).json()["results"]
    assert [row["kind"] for row in rows] == ["mou"]


def test_the_qatar_pledge_shows_usd_75_million_in_the_summary(seeded, viewer_api):
    rows = viewer_api.get("/api/funding-commitments/summary/", {"group_by": "donor", "page_size": 500}).json()["results"]
    qatar = [row for row in rows if row["group"]["id"] == QATAR]
    assert qatar == [
        {
            "group": {"id": QATAR, "name_en": "State of Qatar", "name_ar": "دولة قطر", "acronym": ""},
            "currency": "USD",
            "commitments": 1,
            "pledged": "75000000.000",
            "received": "0.000",
            "outstanding": "75000000.000",
        }
    ]


def test_summary_never_adds_currencies_and_leaves_cancelled_pledges_out(viewer_api):
    donor, recipient = OrganizationFactory(), OrganizationFactory()
    usd = FundingCommitmentFactory(donor=donor, recipient=recipient, amount="100", currency="USD")
    FundingCommitmentFactory(donor=donor, recipient=recipient, amount="50", currency="EUR")
    FundingCommitmentFactory(donor=donor, recipient=recipient, amount="999", currency="USD", status="cancelled")
    Payment.objects.create(commitment=usd, received_on="2025-05-01", amount="40")

    rows = viewer_api.get("/api/funding-commitments/summary/", {"donor": donor.pk}).json()["results"]
    totals = {row["currency"]: (row["pledged"], row["received"], row["outstanding"]) for row in rows}
    assert totals == {"EUR": ("50.000", "0.000", "50.000"), "USD": ("100.000", "40.000", "60.000")}


@pytest.mark.parametrize("group_by", ["donor", "recipient", "year", "focal_area"])
def test_summary_groups_by_each_dimension(seeded, viewer_api, group_by):
    response = viewer_api.get("/api/funding-commitments/summary/", {"group_by": group_by})
    assert response.status_code == 200
    assert {row["currency"] for row in response.json()["results"]} == {"USD"}


@pytest.mark.parametrize("group_by", ["donor", "recipient", "year", "focal_area"])
def test_summary_totals_each_groups_payments_in_the_same_queries_whatever_the_groups(empty_database, viewer_api, group_by):
    def add_group(number):
        commitment = FundingCommitmentFactory(amount="100", committed_on=f"{2000 + number}-06-01")
        commitment.focal_areas.add(FocalAreaFactory())
        PaymentFactory(commitment=commitment, amount=str(number), received_on="2025-01-01")
        PaymentFactory(commitment=commitment, amount="1", received_on="2025-02-01")

    def summary():
        with CaptureQueriesContext(connection) as queries:
            rows = viewer_api.get("/api/funding-commitments/summary/", {"group_by": group_by}).json()["results"]
        return sorted((row["pledged"], row["received"]) for row in rows), len(queries)

    add_group(1)
    summary()  # the first request also loads the login's permissions
    _rows, few = summary()
    for number in range(2, 6):
        add_group(number)
    rows, many = summary()
    assert rows == [("100.000", f"{number + 1}.000") for number in range(1, 6)]
    assert many == few


@pytest.mark.parametrize("filtered", [False, True], ids=["all commitments", "filtered"])
def test_summary_pages_run_by_group_and_currency_with_undated_commitments_last(empty_database, viewer_api, filtered):
    donor = OrganizationFactory()
    for committed_on, currency in [("2021-05-01", "USD"), (None, "EUR"), ("2019-01-01", "EUR"), ("2019-07-01", "USD"),
                                   ("2021-01-01", "EUR"), (None, "USD")]:
        FundingCommitmentFactory(donor=donor, amount="10", currency=currency, committed_on=committed_on)
    params = {"group_by": "year", "page_size": 2, **({"donor": donor.pk} if filtered else {})}

    pages, response = [], viewer_api.get("/api/funding-commitments/summary/", params)
    while True:
        pages.append([(row["group"]["year"], row["currency"]) for row in response.json()["results"]])
        if not response.json()["next"]:
            break
        response = viewer_api.get(response.json()["next"])
    assert pages == [[(2019, "EUR"), (2019, "USD")], [(2021, "EUR"), (2021, "USD")], [(None, "EUR"), (None, "USD")]]

    back = viewer_api.get(response.json()["previous"]).json()
    assert [(row["group"]["year"], row["currency"]) for row in back["results"]] == pages[1]
    cursor = parse_qs(urlsplit(back["next"]).query)["cursor"][0]
    other_grouping = viewer_api.get("/api/funding-commitments/summary/", {"group_by": "donor", "cursor": cursor})
    assert other_grouping.status_code == 400
    assert "cursor" in other_grouping.json()


def test_summary_by_an_unknown_dimension_gets_400(seeded, viewer_api):
    response = viewer_api.get("/api/funding-commitments/summary/", {"group_by": "planet"})
    assert response.status_code == 400
    assert "group_by" in response.json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-5"}, "amount"),
        ({"amount": "ten"}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"recipient_id": "DONOR"}, "recipient_id"),
        ({"donor_id": 999999}, "donor_id"),
        ({"period_months": 60, "period_ends_on": "2030-01-01"}, "period_months"),
    ],
)
def test_bad_commitment_input_gets_400_naming_the_field_and_writes_nothing(empty_database, editor_api, changes, field):
    donor, recipient = OrganizationFactory(), OrganizationFactory()
    payload = {"donor_id": donor.pk, "recipient_id": recipient.pk, "amount": "1000", "currency": "USD", **changes}
    if payload["recipient_id"] == "DONOR":
        payload["recipient_id"] = donor.pk
    response = editor_api.post("/api/funding-commitments/", payload)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not FundingCommitment.objects.exists()


def test_a_payment_moves_received_and_outstanding(editor_api):
    commitment = FundingCommitmentFactory(amount="75000000", currency="USD")
    response = editor_api.post(
        "/api/payments/", {"commitment_id": commitment.pk, "received_on": "2019-06-30", "amount": "15000000"}
    )
    assert response.status_code == 201, response.json()
    body = editor_api.get(f"/api/funding-commitments/{commitment.pk}/").json()
    assert (body["received"], body["outstanding"]) == ("15000000.000", "60000000.000")
    assert body["iati_transaction_type"] == "11"  # IATI incoming commitment


def test_a_cancelled_commitment_receives_no_payment(editor_api):
    commitment = FundingCommitmentFactory(status="cancelled")
    response = editor_api.post("/api/payments/", {"commitment_id": commitment.pk, "received_on": "2020-01-01", "amount": "1"})
    assert response.status_code == 400
    assert "commitment_id" in response.json()


def test_a_commitment_with_payments_cannot_be_deleted(admin_api):
    payment = PaymentFactory()
    response = admin_api.delete(f"/api/funding-commitments/{payment.commitment_id}/")
    assert response.status_code == 409
    payment.refresh_from_db()
    assert response.json()["blockers"] == [{"type": "payment", "id": payment.pk, "name": str(payment)}]


def test_a_commitment_added_to_an_agreement_changes_its_etag(viewer_api):
    """The agreement's version is unchanged; its page is not, so a cached copy is not current."""
    agreement = AgreementFactory()
    url = f"/api/agreements/{agreement.pk}/"
    etag = viewer_api.get(url)["ETag"]
    assert viewer_api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    FundingCommitmentFactory(agreement=agreement)
    response = viewer_api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and len(response.json()["commitments"]) == 1
    assert response["ETag"] != etag and response["ETag"].split("-")[0] == etag.split("-")[0]


def test_an_agreement_update_with_a_stale_etag_is_refused(editor_api):
    agreement = AgreementFactory()
    url = f"/api/agreements/{agreement.pk}/"
    etag = editor_api.get(url)["ETag"]
    assert editor_api.patch(url, {"notes": "first"}, HTTP_IF_MATCH=etag).status_code == 200
    assert editor_api.patch(url, {"notes": "second"}, HTTP_IF_MATCH=etag).status_code == 412
    agreement.refresh_from_db()
    assert agreement.notes == "first"
