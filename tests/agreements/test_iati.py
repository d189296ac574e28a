"""The IATI 2.03 export, validated against the official schemas (tests/standards/iati-2.03/)."""
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import override_settings
from lxml import etree

from agreements.models import Agreement, FundingCommitment
from tests.factories import AgreementPartyFactory, FundingCommitmentFactory, OrganizationFactory, PaymentFactory

pytestmark = pytest.mark.django_db

SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parents[1] / "standards" / "iati-2.03" / "iati-activities-schema.xsd")))
URL = "/api/iati/activities.xml"
REPORTING = {"ref": "XI-TEST-UNOCT", "type": "40", "acronym": "UNOCT"}
LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def exported(client):
    response = client.get(URL)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    document = etree.fromstring(response.content)
    SCHEMA.assertValid(document)
    return document


@override_settings(IATI_REPORTING_ORG=REPORTING)
def test_the_seed_data_exports_qatars_contribution_as_a_valid_activity(seeded, viewer_api):
    document = exported(viewer_api)

    [activity] = document.findall("iati-activity")
    assert activity.findtext("iati-identifier") == f"XI-TEST-UNOCT-agreement-{Agreement.objects.get(kind='contribution_agreement').pk}"
    assert {narrative.get(LANG) for narrative in activity.find("title")} == {None, "ar"}
    roles = {org.get("role"): org.findtext("narrative") for org in activity.findall("participating-org")}
    assert roles["1"] == "State of Qatar"
    [commitment] = activity.findall("transaction")
    assert commitment.find("transaction-type").get("code") == "11"
    assert (commitment.find("value").get("currency"), commitment.findtext("value")) == ("USD", "75000000")
    assert "USD 75,000,000 over 60 months." in activity.find("description").findtext("narrative")
    assert activity.find("activity-date").get("iso-date") == "2018-12-16"


@override_settings(IATI_REPORTING_ORG=REPORTING)
def test_payments_are_incoming_funds_in_their_own_currency_and_generated_data_stays_valid(empty_database, viewer_api):
    unoct = OrganizationFactory(acronym="UNOCT")
    centre = OrganizationFactory(acronym="UNCCT", parent=unoct)
    for index, currency in enumerate(["USD", "EUR", "KWD"]):
        agreement = AgreementPartyFactory(
            organization=centre, agreement__kind="contribution_agreement", agreement__status="in_force",
            agreement__signed_on=date(2020, 1, 1 + index), agreement__title_ar="اتفاق مساهمة",
        ).agreement
        commitment = FundingCommitmentFactory(
            agreement=agreement, recipient=centre, currency=currency, amount=Decimal("1000.5"),
            status=FundingCommitment.Status.COMMITTED, committed_on=date(2020, 3, 1), committed_precision="month",
        )
        PaymentFactory(commitment=commitment, amount=Decimal("250.125"), received_on=date(2021, 2, 3))
    undated = AgreementPartyFactory(organization=centre, agreement__kind="contribution_agreement").agreement
    FundingCommitmentFactory(agreement=undated, recipient=centre)

    document = exported(viewer_api)

    activities = document.findall("iati-activity")
    assert len(activities) == 3  # the one with no signing day is left out, not given a made-up one
    payments = [t for a in activities for t in a.findall("transaction") if t.find("transaction-type").get("code") == "1"]
    assert {(p.find("value").get("currency"), p.findtext("value"), p.find("transaction-date").get("iso-date")) for p in payments} == {
        ("USD", "250.125", "2021-02-03"), ("EUR", "250.125", "2021-02-03"), ("KWD", "250.125", "2021-02-03")
    }
    # A commitment known only to the month is dated by the signing and says so in words.
    assert "the day is not known" in activities[0].find("description").findtext("narrative")


def test_the_export_is_for_readers_only_and_says_when_it_is_not_set_up(seeded, api_client, viewer_api):
    assert api_client.get(URL).status_code == 401
    with override_settings(IATI_REPORTING_ORG={**REPORTING, "ref": ""}):
        response = viewer_api.get(URL)
    assert response.status_code == 503
    assert "DJANGO_IATI_REPORTING_ORG_REF" in response.json()["detail"]


def test_the_commitments_list_offers_the_iati_export(admin_client):
    html = admin_client.get("/admin/agreements/fundingcommitment/").content.decode()
    assert f'href="{URL}"' in html
