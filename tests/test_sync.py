"""Incremental sync: a mirror that reads only what changed (`?updated_after=`) and what was deleted
(/api/changes/) stays equal to the data, however the data was changed."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from agreements.models import Agreement, FundingCommitment
from crm.models import DeletedRecord
from crm.urls import router
from meetings.models import Meeting
from partners.models import FocalArea, Organization, Person
from tests.admin_forms import submitted_form_data
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    FundingCommitmentFactory,
    OrganizationFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db

RESOURCES = [prefix for prefix, _viewset, _basename in router.registry]
LONG_AGO = "2000-01-01T00:00:00Z"


class Mirror:
    """What a pulling system keeps: every list's rows by id, and where each sync starts."""

    def __init__(self, api):
        self.api = api
        self.rows = {resource: {} for resource in RESOURCES}
        self.sync_from = {resource: LONG_AGO for resource in RESOURCES}
        self.deletions_from = None  # a new mirror starts with every deletion still listed

    def sync(self):
        received = set()
        for resource in RESOURCES:
            url = f"/api/{resource}/?updated_after={self.sync_from[resource]}&page_size=500"
            while url:
                page = self.api.get(url).json()
                for row in page["results"]:
                    self.rows[resource][row["id"]] = row
                received.update((resource, row["id"]) for row in page["results"])
                self.sync_from[resource] = page["sync_from"]
                url = page["next"]
        url = "/api/changes/" + (f"?after={self.deletions_from}" if self.deletions_from else "")
        while url:
            page = self.api.get(url).json()
            for deleted in page["results"]:
                self.rows[deleted["type"]].pop(deleted["id"], None)
            self.deletions_from = page["sync_from"]
            url = page["next"]
        return received


def read_everything(api):
    everything = {}
    for resource in RESOURCES:
        rows, url = {}, f"/api/{resource}/?page_size=500"
        while url:
            page = api.get(url).json()
            rows.update({row["id"]: row for row in page["results"]})
            url = page["next"]
        everything[resource] = rows
    return everything


def change_through_the_admin(client, path, **changes):
    page = client.get(path)
    data = submitted_form_data(page)
    data.update(changes)
    response = client.post(path, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response


@override_settings(SYNC_SETTLE_SECONDS=0)
def test_a_mirror_synced_by_changes_and_deletions_equals_the_data(seeded, admin_api, admin_client):
    mirror = Mirror(admin_api)
    mirror.sync()
    assert mirror.rows == read_everything(admin_api)

    # Through the API: a new organisation, a renamed person (shown in agreements and meetings),
    # a payment received (shown in its commitment) and one deleted.
    created = admin_api.post("/api/organizations/", {"name_en": "Sync Partner", "kind": "other"})
    assert created.status_code == 201
    voronkov = Person.objects.get(name_en__contains="Voronkov")
    etag = admin_api.get(f"/api/people/{voronkov.pk}/")["ETag"]
    renamed = admin_api.patch(f"/api/people/{voronkov.pk}/", {"name_en": "Vladimir I. Voronkov"}, HTTP_IF_MATCH=etag)
    assert renamed.status_code == 200
    commitment = FundingCommitment.objects.first()
    paid = admin_api.post(
        "/api/payments/",
        {"commitment_id": commitment.pk, "received_on": "2026-11-30", "amount": "1000", "reference": "sync"},
    )
    assert paid.status_code == 201, paid.json()
    assert admin_api.delete(f"/api/payments/{paid.json()['id']}/").status_code == 204
    # Through the admin: a renamed focal area (shown in agreements, commitments and meetings),
    # and an organisation nobody refers to, deleted.
    focal_area = FocalArea.objects.filter(agreements__isnull=False).first()
    change_through_the_admin(
        admin_client, f"/admin/partners/focalarea/{focal_area.pk}/change/", name_en=f"{focal_area.name_en} (renamed)"
    )
    unused = Organization.objects.create(name_en="Short-lived", kind="other")
    received = mirror.sync()  # the short-lived organisation arrives…
    assert unused.pk in mirror.rows["organizations"]
    response = admin_client.post(f"/admin/partners/organization/{unused.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    received |= mirror.sync()

    assert mirror.rows == read_everything(admin_api)  # …and leaves again
    assert unused.pk not in mirror.rows["organizations"]

    def ids(resource, queryset):
        return {(resource, pk) for pk in queryset.values_list("pk", flat=True)}

    # What was read again is what changed, and nothing else.
    assert received == {
        ("organizations", created.json()["id"]),
        ("organizations", unused.pk),
        ("people", voronkov.pk),
        *ids("agreements", Agreement.objects.filter(witnesses__person=voronkov)),
        *ids("agreements", Agreement.objects.filter(parties__signatory=voronkov)),
        *ids("meetings", Meeting.objects.filter(participants__person=voronkov)),
        ("funding-commitments", commitment.pk),
        ("focal-areas", focal_area.pk),
        *ids("agreements", focal_area.agreements.all()),
        *ids("funding-commitments", focal_area.commitments.all()),
        *ids("meetings", focal_area.meetings.all()),
    }


@override_settings(SYNC_SETTLE_SECONDS=0)
def test_a_record_moves_when_what_it_shows_changes_and_others_stay(seeded, admin_api):
    donor, other = OrganizationFactory(), OrganizationFactory()
    agreement = AgreementFactory()
    AgreementPartyFactory(agreement=agreement, organization=donor)
    commitment = FundingCommitmentFactory(donor=donor)
    untouched = AgreementFactory()
    before = timezone.now()

    def moved():
        return {
            record for record in (donor, other, agreement, commitment, untouched)
            if type(record).objects.get(pk=record.pk).updated_at > before
        }

    donor.name_ar = "شريك جديد"
    donor.save()
    assert moved() == {donor, agreement, commitment}

    before = timezone.now()
    donor.notes = "Not shown by agreements or commitments."
    donor.save()
    assert moved() == {donor}

    before = timezone.now()
    party = agreement.parties.get()
    party.agreement = untouched  # moved: both agreements' parties change
    party.save()
    assert moved() == {agreement, untouched}

    before = timezone.now()
    PaymentFactory(commitment=commitment, amount=1)
    assert moved() == {commitment}

    before = timezone.now()
    untouched.focal_areas.set(FocalArea.objects.all()[:1])
    assert moved() == {untouched}
    before = timezone.now()
    FocalArea.objects.all()[0].agreements.clear()
    assert moved() == {untouched}


@override_settings(SYNC_SETTLE_SECONDS=0)
def test_a_sync_that_stops_after_a_page_resumes_from_it_without_losing_a_change(seeded, admin_api):
    organizations = OrganizationFactory.create_batch(3)
    stamp = timezone.now()
    Organization.objects.filter(pk__in=[o.pk for o in organizations]).update(updated_at=stamp)  # one instant
    since = (stamp - timedelta(seconds=1)).isoformat()

    first = admin_api.get("/api/organizations/", {"updated_after": since, "page_size": 2}).json()
    assert [row["id"] for row in first["results"]] == sorted(o.pk for o in organizations)[:2]
    # The sync stops here; it resumes from the page's sync_from, not from its next link.
    resumed = admin_api.get("/api/organizations/", {"updated_after": first["sync_from"]}).json()
    assert sorted(o.pk for o in organizations)[2] in [row["id"] for row in resumed["results"]]
    assert all(parse_datetime(row["updated_at"]) > parse_datetime(first["sync_from"]) for row in resumed["results"])


def test_the_resume_point_stays_behind_the_clock_for_changes_still_being_committed(seeded, admin_api):
    page = admin_api.get("/api/organizations/", {"updated_after": LONG_AGO}).json()
    sync_from = parse_datetime(page["sync_from"])
    assert sync_from <= timezone.now() - timedelta(seconds=300)
    # A change stamped just after that point, whose transaction commits only now, is still served.
    late = OrganizationFactory()
    Organization.objects.filter(pk=late.pk).update(updated_at=sync_from + timedelta(seconds=1))
    again = admin_api.get("/api/organizations/", {"updated_after": page["sync_from"]}).json()
    assert late.pk in [row["id"] for row in again["results"]]


def test_changes_come_oldest_first_with_their_time(seeded, viewer_api):
    older, newer = OrganizationFactory(), OrganizationFactory()
    Organization.objects.filter(pk=newer.pk).update(updated_at=timezone.now() - timedelta(days=1))
    Organization.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=2))
    since = (timezone.now() - timedelta(days=3)).isoformat()
    rows = viewer_api.get("/api/organizations/", {"updated_after": since}).json()["results"]
    assert [row["id"] for row in rows][:2] == [older.pk, newer.pk]  # the seed data was loaded since
    assert all(row["updated_at"] for row in rows)


@pytest.mark.parametrize(
    "query, field",
    [
        ({"updated_after": "yesterday"}, "updated_after"),
        ({"updated_after": "2026-02-30T00:00:00Z"}, "updated_after"),
        ({"updated_after": "2026-01-01T00:00:00+25:00"}, "updated_after"),
        ({"updated_after": "9999-12-31T23:59:59-01:00"}, "updated_after"),
        ({"updated_after": LONG_AGO, "ordering": "name_en"}, "ordering"),
    ],
)
def test_a_bad_sync_request_is_a_400_naming_the_parameter(seeded, viewer_api, query, field):
    response = viewer_api.get("/api/organizations/", query)
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize("url", ["/api/organizations/?updated_after=", "/api/changes/?after="])
@pytest.mark.parametrize("written", ["{day}T00:00:00", "{day}", "{day}T01:00:00+01:00", "{day}T01:00:00 01:00"])
def test_a_time_without_a_zone_is_utc_and_an_unencoded_plus_is_understood(seeded, viewer_api, url, written):
    """Each form says midnight UTC two days ago; a "+" sent unencoded arrives as a space."""
    day = (timezone.now() - timedelta(days=2)).date()
    midnight = parse_datetime(f"{day}T00:00:00Z")
    changed = OrganizationFactory()
    Organization.objects.filter(pk=changed.pk).update(updated_at=midnight + timedelta(seconds=1))
    unchanged = OrganizationFactory()
    Organization.objects.filter(pk=unchanged.pk).update(updated_at=midnight)

    response = viewer_api.get(url + written.format(day=day))

    assert response.status_code == 200, response.json()
    assert parse_datetime(response.json()["sync_from"]) >= midnight
    assert response.json()["sync_from"].endswith("Z")  # goes back into a URL with nothing to encode
    if url.startswith("/api/organizations/"):
        ids = [row["id"] for row in response.json()["results"]]
        assert changed.pk in ids and unchanged.pk not in ids


def test_deletions_are_listed_with_their_time_and_refused_ones_are_not(seeded, admin_api):
    deleted = OrganizationFactory()
    kept = OrganizationFactory()
    AgreementPartyFactory(organization=kept)
    since = timezone.now().isoformat()
    assert admin_api.delete(f"/api/organizations/{deleted.pk}/").status_code == 204
    assert admin_api.delete(f"/api/organizations/{kept.pk}/").status_code == 409

    rows = admin_api.get("/api/changes/", {"after": since}).json()["results"]
    assert [(row["type"], row["id"]) for row in rows] == [("organizations", deleted.pk)]
    assert parse_datetime(rows[0]["deleted_at"]) > parse_datetime(since)


def test_asking_for_deletions_older_than_are_kept_is_410(seeded, viewer_api, settings):
    kept = max(timedelta(days=settings.SYNC_DELETIONS_KEPT_DAYS), settings.REST_KNOX["TOKEN_TTL"])
    long_ago = (timezone.now() - kept - timedelta(days=1)).isoformat()
    assert viewer_api.get("/api/changes/", {"after": long_ago}).status_code == 410
    assert viewer_api.get("/api/changes/", {"after": "soon"}).status_code == 400


def test_deletions_older_than_are_kept_are_pruned(seeded, admin_api, settings):
    kept = max(timedelta(days=settings.SYNC_DELETIONS_KEPT_DAYS), settings.REST_KNOX["TOKEN_TTL"])
    old = DeletedRecord.objects.create(resource="organizations", record_id=1, deleted_at=timezone.now() - kept * 2)
    assert admin_api.delete(f"/api/organizations/{OrganizationFactory().pk}/").status_code == 204
    assert not DeletedRecord.objects.filter(pk=old.pk).exists()


def test_the_deletions_list_needs_a_staff_role(seeded, api_client):
    assert api_client.get("/api/changes/").status_code == 401


@pytest.mark.parametrize("resource", RESOURCES)
def test_a_page_of_changes_costs_the_same_queries_whatever_its_size(seeded, admin_api, resource):
    # Rows of every list beyond a page of one, the seed data holding a single commitment and no payment.
    for commitment in FundingCommitmentFactory.create_batch(2):
        PaymentFactory.create_batch(2, commitment=commitment, amount=1)

    def queries(size):
        with CaptureQueriesContext(connection) as captured:
            response = admin_api.get(f"/api/{resource}/", {"updated_after": LONG_AGO, "page_size": size})
        assert response.status_code == 200
        return len(captured)

    assert queries(1) == queries(500)
