"""Inputs that once broke a page with a 500: each is now a 4xx with a clear message, or handled,
and nothing is written by a request that fails."""
import json
from decimal import Decimal

import pytest
from django.test import Client

from agreements.models import FundingCommitment
from partners.models import Organization
from tests.factories import FundingCommitmentFactory, OrganizationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

DEEP_JSON = "[" * 5000 + "]" * 5000


def test_json_nested_too_deep_is_a_400_on_any_write(editor_api):
    response = editor_api.generic("POST", "/api/organizations/", DEEP_JSON, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert not Organization.objects.filter(name_en="").exists()


def test_json_nested_too_deep_is_a_400_on_the_anonymous_token_endpoint(api_client):
    response = api_client.generic("POST", "/api/auth/token/", DEEP_JSON, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url", ["/api/organizations/", "/api/people/", "/api/agreements/", "/api/meetings/", "/api/focal-areas/",
            "/api/funding-commitments/"]
)
def test_a_nul_character_in_a_search_is_answered_not_a_server_error(seeded, viewer_api, url):
    assert viewer_api.get(url, {"search": "\x00"}).status_code == 200
    export = viewer_api.get(url, {"search": "قطر\x00", "format": "csv"})
    assert export.status_code == 200
    rows = b"".join(export.streaming_content).decode("utf-8-sig").splitlines()
    assert rows and rows[0]  # a whole export: the header, then whatever matched


def test_a_nul_character_in_an_admin_search_is_answered(seeded, admin_client):
    assert admin_client.get("/admin/partners/organization/", {"q": "\x00"}).status_code == 200


@pytest.mark.parametrize("year", ["0", "10000", "-2.00001", "6.19e16", "2024.5"])
def test_an_impossible_year_is_a_400_naming_it(seeded, viewer_api, year):
    response = viewer_api.get("/api/funding-commitments/", {"year": year})
    assert response.status_code == 400
    assert list(response.json()) == ["year"]


@pytest.mark.parametrize(
    "url, parameter", [("/api/agreements/", "party"), ("/api/meetings/", "organization")]
)
@pytest.mark.parametrize("ids", [["619258746405138829200941121536", "3"], ["-9223372036854775809"], ["3", "abc"]])
def test_an_id_no_record_can_have_is_a_400_naming_the_parameter(seeded, viewer_api, url, parameter, ids):
    response = viewer_api.get(f"{url}?{'&'.join(f'{parameter}={value}' for value in ids)}")
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_the_year_filter_still_finds_the_pledges_of_its_year(seeded, viewer_api):
    rows = viewer_api.get("/api/funding-commitments/", {"year": "2018"}).json()["results"]
    assert [row["currency"] for row in rows] == ["USD"]


@pytest.mark.parametrize("accept", [{"format": "csv"}, {"HTTP_ACCEPT": "text/csv"}])
def test_a_delete_asked_for_as_csv_deletes_and_says_so(admin_api, accept):
    organisation = OrganizationFactory()
    query = "?format=csv" if "format" in accept else ""
    headers = {key: value for key, value in accept.items() if key != "format"}
    response = admin_api.delete(f"/api/organizations/{organisation.pk}/{query}", **headers)
    assert response.status_code == 204
    assert not Organization.objects.filter(pk=organisation.pk).exists()


def about(value):
    """Sums on SQLite go through a float past 15 digits (PostgreSQL's are exact)."""
    return pytest.approx(Decimal(value), rel=Decimal("1e-14"))


def test_totals_beyond_one_amounts_digits_are_still_shown(empty_database, viewer_api):
    donor, recipient = OrganizationFactory(), OrganizationFactory()
    biggest = Decimal("999999999999999")  # about the largest amount there is (SQLite rounds the last 3 digits)
    FundingCommitmentFactory(donor=donor, recipient=recipient, amount=biggest, currency="USD")
    commitment = FundingCommitmentFactory(donor=donor, recipient=recipient, amount=biggest, currency="USD")
    PaymentFactory(commitment=commitment, amount=biggest)
    PaymentFactory(commitment=commitment, amount=biggest)

    for group_by in ("donor", "recipient", "year", "focal_area"):
        response = viewer_api.get("/api/funding-commitments/summary/", {"group_by": group_by})
        assert response.status_code == 200, group_by
        assert Decimal(response.json()["results"][0]["pledged"]) == about(2 * biggest)
    detail = viewer_api.get(f"/api/funding-commitments/{commitment.pk}/")
    assert detail.status_code == 200
    assert Decimal(detail.json()["received"]) == about(2 * biggest)
    assert Decimal(detail.json()["outstanding"]) == about(-biggest)
    assert viewer_api.get("/api/funding-commitments/").status_code == 200
    export = viewer_api.get("/api/funding-commitments/", {"format": "csv"})
    assert export.status_code == 200
    assert len(b"".join(export.streaming_content).decode("utf-8-sig").splitlines()) == 3
    assert FundingCommitment.objects.count() == 2


@pytest.mark.parametrize("amount", ["1000000000000000", "99999999999999999.999"])
def test_an_amount_past_the_limit_is_a_400_naming_it(seeded, editor_api, amount):
    commitment = FundingCommitment.objects.get()
    response = editor_api.patch(f"/api/funding-commitments/{commitment.pk}/", {"amount": amount})
    assert response.status_code == 400
    assert list(response.json()) == ["amount"]
    payment = editor_api.post("/api/payments/", {"commitment_id": commitment.pk, "received_on": "2020-01-01", "amount": amount})
    assert payment.status_code == 400
    assert list(payment.json()) == ["amount"]
    assert commitment.payments.count() == 0


def test_an_import_whose_file_is_gone_says_so(admin_client):
    response = admin_client.post(
        "/admin/partners/organization/process_import/",
        {"import_file_name": "no-such-file.csv", "original_file_name": "x.csv", "format": "0", "resource": "0"},
    )
    assert response.status_code == 302
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any("upload" in message.lower() for message in messages), messages


def test_an_unexpected_api_error_is_answered_in_json(seeded, viewer, monkeypatch):
    monkeypatch.setattr("network.views.OrganizationViewSet.list", lambda *args, **kwargs: 1 / 0)
    client = Client(raise_request_exception=False)
    client.force_login(viewer)
    response = client.get("/api/organizations/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"detail": "A server error occurred."}


@pytest.mark.parametrize("format_asked", ["xml", ""])
def test_an_unknown_format_is_406_not_a_missing_record(seeded, viewer_api, format_asked):
    response = viewer_api.get("/api/organizations/2/", {"format": format_asked})
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"


def test_errors_are_json_when_csv_was_asked_for(seeded, viewer_api):
    response = viewer_api.get("/api/organizations/999999/", {"format": "csv"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("query", [{"count": "perhaps"}, {"page_size": "5234484726", "format": "csv"}])
def test_paging_parameters_are_checked_on_exports_and_counts_too(seeded, viewer_api, query):
    response = viewer_api.get("/api/funding-commitments/", query)
    assert response.status_code == 400
    assert list(response.json()) == [next(key for key in query if key != "format")]


def test_the_schema_documents_every_error_an_operation_can_answer(seeded, viewer_api):
    paths = viewer_api.get("/api/schema/", {"format": "json"}).json()["paths"]
    assert set(paths["/api/organizations/{id}/"]["delete"]["responses"]) == {
        "204", "400", "401", "403", "404", "406", "409", "412", "429"
    }
    assert set(paths["/api/organizations/"]["get"]["responses"]) == {"200", "400", "401", "403", "406", "429"}
    assert "401" not in paths["/api/auth/token/"]["post"]["responses"]


@pytest.mark.parametrize("url", ["/api/no-such-resource/", "/api/agreements/1/no/such/page/"])
def test_an_address_no_api_route_matches_is_a_json_404(viewer_api, url):
    response = viewer_api.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "No such address in the API."}


def test_outside_the_api_a_missing_page_stays_a_page(admin_client):
    response = admin_client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_schema_says_which_query_parameters_may_be_sent_empty_and_the_api_agrees(seeded, admin_api):
    """`?signed_before=` filters nothing and is documented as allowed empty; a choice sent empty
    is refused and is not."""
    schema = admin_api.get("/api/schema/?format=json").json()
    disagreements = []
    checked = 0
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if operation is None or "{" in path:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query":
                continue
            checked += 1
            answered = admin_api.get(path, {parameter["name"]: ""}).status_code
            if (answered == 200) != bool(parameter.get("allowEmptyValue")):
                disagreements.append((path, parameter["name"], answered, parameter.get("allowEmptyValue")))
    assert checked > 50
    assert disagreements == []
