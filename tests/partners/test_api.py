import csv
import io
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken

from crm.api import csv_cell
from partners.models import Organization
from tests.factories import AgreementPartyFactory, MeetingFactory, OrganizationFactory, ParticipantFactory, PersonFactory

pytestmark = pytest.mark.django_db

UNOCT, UNCCT, ETIDAL, QATAR, IMCTC = 2, 3, 5, 7, 27


def partner_ids(response):
    return [row["organization"]["id"] for row in response.json()["results"]]


# Access


@pytest.mark.parametrize("url", ["/api/organizations/", "/api/people/", "/api/funding-commitments/summary/", "/api/schema/"])
def test_nothing_is_readable_anonymously(seeded, api_client, url):
    assert api_client.get(url).status_code == 401


def test_a_logged_in_user_without_a_role_reads_nothing(seeded, api_client, django_user_model):
    api_client.force_authenticate(django_user_model.objects.create_user("outsider", password="x"))
    assert api_client.get("/api/organizations/").status_code == 403


def test_viewer_reads_but_cannot_write(seeded, viewer_api):
    assert viewer_api.get("/api/organizations/").status_code == 200
    response = viewer_api.post("/api/organizations/", {"name_en": "New", "kind": "other"})
    assert response.status_code == 403
    assert not Organization.objects.filter(name_en="New").exists()


def test_editor_writes_but_cannot_delete(editor_api):
    response = editor_api.post("/api/organizations/", {"name_en": "New", "kind": "other"})
    assert response.status_code == 201
    assert editor_api.delete(f"/api/organizations/{response.json()['id']}/").status_code == 403


def test_token_from_username_and_password_reads_the_api_and_can_be_revoked(seeded, api_client, viewer):
    viewer.set_password("correct horse battery")
    viewer.save()
    response = api_client.post("/api/auth/token/", {"username": "viewer", "password": "correct horse battery"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert not AuthToken.objects.filter(digest=token).exists()  # stored hashed, never as sent

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get(f"/api/organizations/{UNOCT}/partners/").status_code == 200
    assert api_client.post("/api/auth/token/revoke/").status_code == 204
    assert api_client.get("/api/organizations/").status_code == 401


def test_wrong_password_gets_no_token(api_client, viewer):
    response = api_client.post("/api/auth/token/", {"username": "viewer", "password": "wrong"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_clients_are_throttled(editor_api, monkeypatch):
    from rest_framework.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute"})
    cache.clear()
    statuses = [editor_api.get("/api/focal-areas/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# Partner lists


def test_uncct_partners_include_etidal_and_imctc_but_not_its_own_family(seeded, viewer_api):
    ids = partner_ids(viewer_api.get(f"/api/organizations/{UNCCT}/partners/"))
    assert {ETIDAL, IMCTC} <= set(ids)
    assert UNCCT not in ids and UNOCT not in ids


def test_partner_lists_the_linking_agreement_and_latest_contact_with_its_precision(seeded, viewer_api):
    rows = viewer_api.get(f"/api/organizations/{UNCCT}/partners/").json()["results"]
    imctc = next(row for row in rows if row["organization"]["id"] == IMCTC)
    assert imctc["organization"]["name_ar"] == "التحالف الإسلامي العسكري لمحاربة الإرهاب"
    assert [agreement["kind"] for agreement in imctc["agreements"]] == ["mou"]
    assert (imctc["latest_contact_on"], imctc["latest_contact_precision"]) == ("2025-02-01", "month")
    dates = [row["latest_contact_on"] for row in rows if row["latest_contact_on"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.django_db
def test_partner_latest_contact_takes_date_and_precision_from_the_same_link(viewer_api):
    """A partner met in May 2024 (day unknown) and signing on 1 May 2024 was last in touch
    "May 2024": the tie keeps the less precise date; the newest link wins otherwise, whichever
    kind it is, and the partner's own links are listed with it."""
    office, partner, other = OrganizationFactory.create_batch(3)
    signed = AgreementPartyFactory(organization=office, agreement__signed_on=date(2024, 5, 1)).agreement
    AgreementPartyFactory(organization=partner, agreement=signed)
    met = MeetingFactory(starts_on=date(2024, 5, 1), starts_precision="month")
    ParticipantFactory(meeting=met, organization=office)
    ParticipantFactory(meeting=met, organization=partner)
    older = AgreementPartyFactory(organization=office, agreement__signed_on=date(2023, 1, 1)).agreement
    AgreementPartyFactory(organization=other, agreement=older)
    later = MeetingFactory(starts_on=date(2024, 6, 3))
    ParticipantFactory(meeting=later, organization=office)
    ParticipantFactory(meeting=later, organization=other)

    rows = viewer_api.get(f"/api/organizations/{office.pk}/partners/").json()["results"]

    assert [(row["organization"]["id"], row["latest_contact_on"], row["latest_contact_precision"]) for row in rows] == [
        (other.pk, "2024-06-03", "day"),
        (partner.pk, "2024-05-01", "month"),
    ]
    assert [agreement["id"] for agreement in rows[1]["agreements"]] == [signed.pk]
    assert [meeting["id"] for meeting in rows[1]["meetings"]] == [met.pk]


def test_partner_list_csv_export_lists_every_partner_from_one_query(seeded, viewer_api, monkeypatch):
    monkeypatch.setattr("crm.api.CSV_CHUNK_ROWS", 2)  # several chunks from the seed data
    listed = viewer_api.get(f"/api/organizations/{UNOCT}/partners/", {"include_units": "true"}).json()["results"]
    with CaptureQueriesContext(connection) as queries:
        response = viewer_api.get(f"/api/organizations/{UNOCT}/partners/", {"include_units": "true", "format": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    exported = list(csv.DictReader(io.StringIO(text)))
    # The export plans each partner's links its own way; they must be the page's.
    columns = ["organization.id", "latest_contact_on", "agreements", "meetings"]
    assert [[row[column] for column in columns] for row in exported] == [
        [str(csv_cell(row, column)) for column in columns] for row in listed
    ]
    assert len(listed) > 2 and any(row["meetings"] for row in listed)
    # The latest contacts are computed once for the whole export, not once per chunk.
    assert sum("partner_links" in query["sql"] for query in queries.captured_queries) == 1


def test_parent_partner_list_includes_its_units_partners_only_when_asked(seeded, viewer_api):
    own = partner_ids(viewer_api.get(f"/api/organizations/{UNOCT}/partners/", {"page_size": 100}))
    with_units = partner_ids(
        viewer_api.get(f"/api/organizations/{UNOCT}/partners/", {"include_units": "true", "page_size": 100})
    )
    assert ETIDAL not in own
    assert {ETIDAL, IMCTC, QATAR} <= set(with_units)
    assert UNCCT not in with_units


def test_partner_list_filters_by_kind_of_link_and_date(seeded, viewer_api):
    url = f"/api/organizations/{UNCCT}/partners/"
    assert ETIDAL in partner_ids(viewer_api.get(url, {"link": "agreement"}))
    assert ETIDAL not in partner_ids(viewer_api.get(url, {"link": "meeting"}))
    assert partner_ids(viewer_api.get(url, {"contact_after": "2025-01-01"})) == [IMCTC]
    assert viewer_api.get(url, {"link": "letter"}).status_code == 400


def test_partner_list_filters_by_focal_area_and_its_narrower_areas(seeded, viewer_api):
    url = f"/api/organizations/{UNCCT}/partners/"
    assert viewer_api.get(url, {"focal_area": "no-such-area"}).json()["results"] == []
    assert ETIDAL in partner_ids(viewer_api.get(url, {"focal_area": "pcve"}))


def test_organisation_list_filters_by_partner_of_kind_and_country(seeded, viewer_api):
    partners = viewer_api.get("/api/organizations/", {"partner_of": UNCCT, "page_size": 100}).json()["results"]
    assert {ETIDAL, IMCTC} <= {row["id"] for row in partners}
    states = viewer_api.get("/api/organizations/", {"kind": "member_state", "country": "QA"}).json()["results"]
    assert [row["id"] for row in states] == [QATAR]
    assert viewer_api.get("/api/organizations/", {"country": "XX"}).status_code == 400


# Search


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("فورنكوف", "Vladimir Voronkov"),
        ("فورونكوف", "Vladimir Voronkov"),
        ("عبد الله المعلمي", "Abdallah Y. Al-Mouallimi"),
        ("عبدالله المعلمي", "Abdallah Y. Al-Mouallimi"),
        ("كونينكس", "Michèle Coninsx"),
        ("michele", "Michèle Coninsx"),
        ("فيتون- براون", "Edmund Fitton-Brown"),
    ],
)
def test_people_search_bridges_arabic_spelling_variants(seeded, viewer_api, term, expected):
    results = viewer_api.get("/api/people/", {"search": term}).json()["results"]
    assert [person["name_en"] for person in results] == [expected]


@pytest.mark.parametrize("term", ["UNCCT", "مركز الامم المتحده لمكافحه الارهاب", "مركز الأمم المتحدة"])
def test_organisation_search_finds_acronyms_and_arabic_names(seeded, viewer_api, term):
    results = viewer_api.get("/api/organizations/", {"search": term}).json()["results"]
    assert UNCCT in [row["id"] for row in results]


# Representation, detail and conditional requests


def test_organisation_detail_nests_units_agreements_commitments_and_sources(seeded, viewer_api):
    qatar = viewer_api.get(f"/api/organizations/{QATAR}/").json()
    assert qatar["country"] == "QA"
    assert [commitment["amount"] for commitment in qatar["commitments_given"]] == ["75000000.000"]
    assert qatar["commitments_given"][0]["currency"] == "USD"
    assert qatar["citations"] and qatar["citations"][0]["source"].startswith("seed-")
    unoct = viewer_api.get(f"/api/organizations/{UNOCT}/").json()
    assert UNCCT in [unit["id"] for unit in unoct["units"]]


def test_conditional_get_with_the_etag_returns_304(seeded, viewer_api):
    response = viewer_api.get(f"/api/organizations/{UNCCT}/")
    etag = response["ETag"]
    assert viewer_api.get(f"/api/organizations/{UNCCT}/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert viewer_api.get(f"/api/organizations/{UNCCT}/", HTTP_IF_NONE_MATCH='"0-x"').status_code == 200


def test_update_with_a_stale_if_match_gets_412_and_changes_nothing(editor_api):
    organisation = OrganizationFactory(notes="original")
    url = f"/api/organizations/{organisation.pk}/"
    etag = editor_api.get(url)["ETag"]

    first = editor_api.patch(url, {"notes": "first editor"}, HTTP_IF_MATCH=etag)
    assert first.status_code == 200
    assert first["ETag"] != etag
    second = editor_api.patch(url, {"notes": "second editor"}, HTTP_IF_MATCH=etag)

    assert second.status_code == 412
    assert second.json()["current_version"] == 2
    organisation.refresh_from_db()
    assert (organisation.notes, organisation.version) == ("first editor", 2)


def test_delete_with_a_stale_if_match_gets_412(admin_api):
    organisation = OrganizationFactory()
    response = admin_api.delete(f"/api/organizations/{organisation.pk}/", HTTP_IF_MATCH='"7-abc"')
    assert response.status_code == 412
    assert Organization.objects.filter(pk=organisation.pk).exists()


# Writes and bad input


def test_create_organisation_with_aliases_and_find_it_by_an_alias(editor_api):
    parent = OrganizationFactory()
    response = editor_api.post(
        "/api/organizations/",
        {
            "name_ar": "المركز الدولي لمكافحة الإرهاب",
            "kind": "centre_of_excellence",
            "parent_id": parent.pk,
            "country": "NL",
            "aliases": [{"name": "ICCT", "language": "en", "kind": "acronym"}],
        },
    )
    assert response.status_code == 201, response.json()
    assert response.json()["parent"]["id"] == parent.pk
    assert response.json()["version"] == 1
    found = editor_api.get("/api/organizations/", {"search": "icct"}).json()["results"]
    assert [row["id"] for row in found] == [response.json()["id"]]


def test_the_change_is_recorded_with_who_made_it(editor_api, editor):
    response = editor_api.post("/api/organizations/", {"name_en": "Recorded", "kind": "other"})
    organisation = Organization.objects.get(pk=response.json()["id"])
    assert organisation.history.get().history_user == editor


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name_en": "X", "kind": "other", "country": "XX"}, "country"),
        ({"name_en": "X", "kind": "galaxy"}, "kind"),
        ({"name_en": "X", "kind": "other", "parent_id": 999999}, "parent_id"),
        ({"name_en": "X", "kind": "other", "founded_on": "2025-02-14", "founded_precision": "month"}, "founded_on"),
        ({"name_en": "X", "kind": "other", "founded_on": "yesterday"}, "founded_on"),
        ({"kind": "other"}, "name_en"),
        ({"name_en": "X", "kind": "other", "aliases": [{"name": "", "language": "en", "kind": "acronym"}]}, "aliases"),
    ],
)
def test_bad_organisation_input_gets_400_naming_the_field_and_writes_nothing(editor_api, payload, field):
    before = Organization.objects.count()
    response = editor_api.post("/api/organizations/", payload)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert Organization.objects.count() == before


def test_an_organisation_cannot_become_part_of_its_own_unit(editor_api):
    parent = OrganizationFactory()
    unit = OrganizationFactory(parent=parent)
    response = editor_api.patch(f"/api/organizations/{parent.pk}/", {"parent_id": unit.pk})
    assert response.status_code == 400
    assert "parent_id" in response.json()


def test_malformed_json_gets_400(editor_api):
    response = editor_api.generic("POST", "/api/organizations/", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"]


@pytest.mark.parametrize("query", [{"page_size": "100000"}, {"page_size": "0"}, {"cursor": "x"}, {"page_size": "ten"}])
def test_bad_paging_gets_400(seeded, viewer_api, query):
    response = viewer_api.get("/api/organizations/", query)
    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_deleting_a_referenced_organisation_gets_409_naming_the_blockers(admin_api):
    party = AgreementPartyFactory()
    response = admin_api.delete(f"/api/organizations/{party.organization.pk}/")
    assert response.status_code == 409
    assert response.json()["blockers"][0]["type"] == "party"
    assert Organization.objects.filter(pk=party.organization.pk).exists()


def test_person_aliases_and_positions_are_replaced_by_the_list_sent(editor_api):
    person = PersonFactory()
    organisation = OrganizationFactory()
    url = f"/api/people/{person.pk}/"
    response = editor_api.patch(
        url,
        {
            "aliases": [{"name": "فورنكوف", "language": "ar", "kind": "variant"}],
            "positions": [{"organization_id": organisation.pk, "title_en": "Director", "role": "head"}],
        },
    )
    assert response.status_code == 200, response.json()
    alias_id = response.json()["aliases"][0]["id"]
    response = editor_api.patch(url, {"aliases": [{"id": alias_id, "name": "فورونكوف", "language": "ar", "kind": "variant"}]})
    assert [alias["name"] for alias in response.json()["aliases"]] == ["فورونكوف"]
    assert response.json()["aliases"][0]["id"] == alias_id
    assert len(response.json()["positions"]) == 1


def test_an_alias_already_naming_another_person_is_refused(editor_api):
    PersonFactory().aliases.create(name="Same Name", language="en", kind="variant")
    person = PersonFactory()
    response = editor_api.patch(
        f"/api/people/{person.pk}/", {"aliases": [{"name": "Same Name", "language": "en", "kind": "variant"}]}
    )
    assert response.status_code == 400
    assert "name" in response.json()["aliases"][0], response.json()
    assert not person.aliases.exists()


# CSV


def test_any_list_downloads_as_csv_with_arabic_intact(seeded, viewer_api):
    by_parameter = viewer_api.get("/api/organizations/", {"format": "csv", "kind": "member_state"})
    by_header = viewer_api.get("/api/organizations/", {"kind": "member_state"}, HTTP_ACCEPT="text/csv")
    for response in (by_parameter, by_header):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        assert "دولة قطر" in text
        assert "name_en" in text.splitlines()[0]
        assert len(text.strip().splitlines()) == 1 + Organization.objects.filter(kind="member_state").count()


# Search


def test_search_forgives_a_one_letter_misspelling_without_an_alias_on_both_databases(viewer_api):
    voronkov = PersonFactory(name_en="Vladimir Voronkov", name_ar="فلاديمير فورونكوف")
    PersonFactory(name_en="Someone Else", name_ar="شخص آخر")
    for term in ("فورنكوف", "voronkof", "Voronkov"):
        results = viewer_api.get("/api/people/", {"search": term}).json()["results"]
        assert [person["id"] for person in results] == [voronkov.pk], term


def test_a_two_letter_term_matches_only_as_written(viewer_api):
    PersonFactory(name_en="Al Amin", name_ar="")
    PersonFactory(name_en="Ali Khan", name_ar="")
    results = viewer_api.get("/api/people/", {"search": "am"}).json()["results"]
    assert [person["name_en"] for person in results] == ["Al Amin"]
