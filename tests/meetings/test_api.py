import pytest

from meetings.models import Meeting, Participant
from tests.factories import MeetingFactory, MeetingSessionFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

UNOCT, QATAR = 2, 7


def test_record_a_meeting_with_organisers_sessions_and_participants(editor_api):
    host, guest = OrganizationFactory(), OrganizationFactory()
    chair = PersonFactory()
    response = editor_api.post(
        "/api/meetings/",
        {
            "kind": "strategic_dialogue",
            "status": "held",
            "title_en": "Second strategic dialogue",
            "starts_on": "2026-10-01",
            "country": "QA",
            "organizers": [{"organization_id": host.pk, "role": "host"}],
            "sessions": [{"order": 1, "title_en": "Opening"}],
            "participants": [
                {"person_id": chair.pk, "organization_id": host.pk, "role": "chair", "title_en": "Minister"},
                {"organization_id": guest.pk, "role": "delegate"},
            ],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [p["role"] for p in body["participants"]] == ["chair", "delegate"]
    assert body["participants"][0]["person"]["id"] == chair.pk
    assert body["organizers"][0]["organization"]["id"] == host.pk
    assert body["sessions"][0]["title_en"] == "Opening"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_on": "2026-10-02", "ends_on": "2026-10-01"}, "ends_on"),
        ({"ends_on": "2026-10-01"}, "starts_on"),
        ({"country": "ZZ"}, "country"),
        ({"participants": [{"role": "chair"}]}, "participants"),
        ({"reported_participants": -1}, "reported_participants"),
    ],
)
def test_bad_meeting_input_gets_400_naming_the_field_and_writes_nothing(empty_database, editor_api, changes, field):
    payload = {"kind": "workshop", "title_en": "Training", **changes}
    response = editor_api.post("/api/meetings/", payload)
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Meeting.objects.exists()


def test_a_participant_cannot_sit_in_a_session_of_another_meeting(editor_api):
    meeting, other_session = MeetingFactory(), MeetingSessionFactory()
    response = editor_api.patch(
        f"/api/meetings/{meeting.pk}/",
        {"participants": [{"person_id": PersonFactory().pk, "role": "speaker", "session_id": other_session.pk}]},
    )
    assert response.status_code == 400
    assert "session" in response.json()["participants"][0]
    assert not Participant.objects.filter(meeting=meeting).exists()


def test_a_meeting_with_follow_ups_cannot_be_deleted(seeded, admin_api):
    planned = Meeting.objects.filter(follows__isnull=False).first()
    response = admin_api.delete(f"/api/meetings/{planned.follows_id}/")
    assert response.status_code == 409
    assert response.json()["blockers"][0]["id"] == planned.pk


def test_meetings_filter_by_organisation_kind_and_status(seeded, viewer_api):
    qatar_meetings = viewer_api.get("/api/meetings/", {"organization": QATAR}).json()["results"]
    assert qatar_meetings
    planned = viewer_api.get("/api/meetings/", {"status": "planned"}).json()["results"]
    assert planned and all(meeting["status"] == "planned" for meeting in planned)
    assert all(row["follows"] for row in planned if row["follows_id"])


def test_meeting_search_finds_it_by_a_participant_spelt_another_way(seeded, viewer_api):
    rows = viewer_api.get("/api/meetings/", {"search": "فورنكوف"}).json()["results"]
    assert rows
    detail = viewer_api.get(f"/api/meetings/{rows[0]['id']}/").json()
    assert "Vladimir Voronkov" in [p["person"]["name_en"] for p in detail["participants"] if p["person"]]
