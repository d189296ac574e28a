"""An organisation's whole record through the API: its units, agreements, commitments and sources."""
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from network.serializers import DETAIL_LIST_LIMIT
from tests.factories import AgreementFactory, AgreementPartyFactory, OrganizationFactory
from tests.queries import statements

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


def test_a_hubs_page_shows_its_latest_agreements_and_links_to_them_all(seeded, viewer_api):
    hub = OrganizationFactory()
    undated = AgreementPartyFactory(organization=hub, agreement=AgreementFactory(signed_on=None)).agreement
    dated = [
        AgreementPartyFactory(organization=hub, agreement=AgreementFactory(signed_on=date(2020, 1, 1) + timedelta(days=day))).agreement
        for day in range(DETAIL_LIST_LIMIT + 4)
    ]
    viewer_api.get(f"/api/organizations/{hub.pk}/")  # the user's permissions are read once, then cached

    with CaptureQueriesContext(connection) as queries:
        page = viewer_api.get(f"/api/organizations/{hub.pk}/").json()

    assert len(statements(queries)) == 1
    shown = [row["agreement"]["id"] for row in page["agreements"]]
    assert shown == [agreement.pk for agreement in reversed(dated)][:DETAIL_LIST_LIMIT]  # latest first
    assert page["agreements_url"].endswith(f"/api/agreements/?party={hub.pk}")
    listed, url = [], page["agreements_url"] + "&page_size=500"
    while url:
        answer = viewer_api.get(url).json()
        listed += [row["id"] for row in answer["results"]]
        url = answer["next"]
    assert sorted(listed) == sorted([undated.pk] + [agreement.pk for agreement in dated])  # the undated one too
    assert page["commitments_given_url"].endswith(f"/api/funding-commitments/?donor={hub.pk}")
    assert page["units_url"].endswith(f"/api/organizations/?parent={hub.pk}")


def test_a_hubs_page_follows_a_changed_signing_date(seeded, viewer_api):
    hub = OrganizationFactory()
    agreements = [
        AgreementPartyFactory(organization=hub, agreement=AgreementFactory(signed_on=date(2020, 1, 1) + timedelta(days=day))).agreement
        for day in range(3)
    ]
    oldest = agreements[0]
    oldest.signed_on = date(2025, 1, 1)
    oldest.save()

    page = viewer_api.get(f"/api/organizations/{hub.pk}/").json()

    assert [row["agreement"]["id"] for row in page["agreements"]] == [oldest.pk, agreements[2].pk, agreements[1].pk]
    assert page["agreements"][0]["agreement"]["signed_on"] == "2025-01-01"
