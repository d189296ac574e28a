
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken

from partners.models import Organization
from tests.factories import AgreementPartyFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

UNOCT, UNCCT, ETIDAL, QATAR, IMCTC = 2, 3, 5, 7, 27


# Access


@pytest.mark.parametrize("url", ["/api/organizations/", "/api/people/", "/api/funding-commitments/summary/", "/api/schema/"])
def test_nothing_is_readable_anonymously(seeded, api_client, url):
    assert api_client.get(url).status_code == 401


@pytest.mark.parametrize("url", ["/api/organizations/", "/api/", "/api/schema/", "/api/docs/"])
def test_a_logged_in_user_without_a_role_reads_nothing(seeded, client, django_user_model, url):
    client.force_login(django_user_model.objects.create_user("outsider", password="x"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/api/", "/api/schema/", "/api/docs/"])
def test_a_viewer_reads_the_api_root_schema_and_docs(seeded, viewer_client, url):
    assert viewer_client.get(url).status_code == 200


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


def test_a_token_is_checked_in_one_query_however_many_tokens_its_user_holds(api_client, viewer):
    for _ in range(5):
        AuthToken.objects.create(viewer)
    token = AuthToken.objects.create(viewer)[1]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as context:
        assert api_client.get("/api/focal-areas/").status_code == 200
    token_reads = [query["sql"] for query in context.captured_queries if AuthToken._meta.db_table in query["sql"]]
    assert len(token_reads) == 1, token_reads


def test_an_expired_token_is_refused_and_deleted_when_someone_next_takes_a_token(api_client, viewer):
    viewer.set_password("correct horse battery")
    viewer.save()
    expired_instance, expired = AuthToken.objects.create(viewer)
    AuthToken.objects.filter(pk=expired_instance.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {expired}")
    assert api_client.get("/api/focal-areas/").status_code == 401

    api_client.credentials()
    assert api_client.post("/api/auth/token/", {"username": "viewer", "password": "correct horse battery"}).status_code == 200
    assert not AuthToken.objects.filter(pk=expired_instance.pk).exists()
    assert AuthToken.objects.filter(user=viewer).count() == 1


def test_changing_a_password_revokes_the_users_tokens(seeded, api_client, admin_client, viewer):
    first = AuthToken.objects.create(viewer)[1]
    second = AuthToken.objects.create(viewer)[1]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    assert api_client.get("/api/organizations/").status_code == 200

    # A superuser sets a new password on the user's admin page, as after a suspected leak.
    response = admin_client.post(
        f"/admin/auth/user/{viewer.pk}/password/",
        {"password1": "a new long passphrase", "password2": "a new long passphrase", "usable_password": "true"},
    )
    assert response.status_code == 302

    for token in (first, second):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        assert api_client.get("/api/organizations/").status_code == 401
    AuthToken.objects.create(viewer)
    viewer.set_password("and another one entirely")  # a change made in code or a command too
    viewer.save()
    assert not AuthToken.objects.filter(user=viewer).exists()


def test_wrong_password_gets_no_token(api_client, viewer):
    response = api_client.post("/api/auth/token/", {"username": "viewer", "password": "wrong"})
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_clients_are_throttled_until_the_minute_is_over(editor_api, monkeypatch):
    from crm.api.throttling import UserRateThrottle

    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute"})
    now = 60 * 1_000_000 + 50  # ten seconds before a minute ends
    monkeypatch.setattr(UserRateThrottle, "timer", lambda self: now)
    responses = [editor_api.get("/api/focal-areas/") for _ in range(4)]
    assert [response.status_code for response in responses] == [200, 200, 200, 429]
    assert responses[-1]["Retry-After"] == "10"

    now += 10
    assert editor_api.get("/api/focal-areas/").status_code == 200


def test_password_guessing_is_throttled_per_socket_address_whatever_x_forwarded_for_says(api_client, viewer):
    statuses = [
        api_client.post(
            # A new name each time, so that only the throttle, not the lockout per user, can refuse.
            "/api/auth/token/", {"username": f"someone-{attempt}", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{attempt}",
        ).status_code
        for attempt in range(25)
    ]
    assert statuses[:20] == [400] * 20
    assert set(statuses[20:]) == {429}


def test_repeated_wrong_passwords_lock_the_user_out_of_the_token_endpoint_from_that_address(api_client, viewer):
    viewer.set_password("the right one, at last")
    viewer.save()
    statuses = [
        api_client.post("/api/auth/token/", {"username": "viewer", "password": f"guess {attempt}"}).status_code
        for attempt in range(10)
    ]
    assert statuses == [400] * 9 + [429]
    right = {"username": "viewer", "password": "the right one, at last"}
    assert api_client.post("/api/auth/token/", right).status_code == 429
    assert api_client.post("/api/auth/token/", right, REMOTE_ADDR="198.51.100.7").status_code == 200


def test_throttle_counters_are_shared_by_every_worker_process(editor, editor_api, cache_of_its_own):
    for _ in range(3):
        assert editor_api.get("/api/focal-areas/").status_code == 200
    # Another process of the same deployment (a second gunicorn worker) reads the same counters:
    # this minute's and the last one's, should the requests have crossed into a new minute.
    seen_elsewhere = subprocess.run(
        [sys.executable, "-c", (
            "import time, django; django.setup(); from django.core.cache import cache; "
            "minute = int(time.time() // 60); "
            f"print(sum(cache.get(f'throttle_user_{editor.pk}_{{window}}', 0) for window in (minute - 1, minute)))"
        )],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings", "DJANGO_CACHE_DIR": str(cache_of_its_own)},
        capture_output=True, text=True, check=True, cwd=settings.BASE_DIR,
    ).stdout
    assert seen_elsewhere.strip() == "3"


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


def test_search_forgives_a_one_letter_misspelling_without_an_alias_on_both_databases(empty_database, viewer_api):
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
