"""An organisation's whole record through the API: its units, agreements, commitments and sources."""
import pytest

pytestmark = pytest.mark.django_db

UNOCT, UNCCT, ETIDAL, QATAR, IMCTC = 2, 3, 5, 7, 27


def test_organisation_detail_nests_units_agreements_commitments_and_sources(seeded, viewer_api):
    qatar = viewer_api.get(f"/api/organizations/{QATAR}/").json()
    assert qatar["country"] == "QA"
    assert [commitment["amount"] for commitment in qatar["commitments_given"]] == ["75000000.000"]
    assert qatar["commitments_given"][0]["currency"] == "USD"
    assert qatar["citations"] and qatar["citations"][0]["source"].startswith("seed-")
    unoct = viewer_api.get(f"/api/organizations/{UNOCT}/").json()
    assert UNCCT in [unit["id"] for unit in unoct["units"]]
