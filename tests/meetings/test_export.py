import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting
from tests.factories import FocalAreaFactory, MeetingFactory, OrganizationFactory
from tests.spreadsheets import admin_export, csv_rows, xlsx_rows

pytestmark = pytest.mark.django_db

MEETINGS = "meetings/meeting"


def _meeting_with_an_organiser_and_an_area(**fields):
    meeting = MeetingFactory(follows=MeetingFactory(), **fields)
    meeting.organizers.create(organization=OrganizationFactory())
    meeting.focal_areas.add(FocalAreaFactory())
    return meeting


def test_meeting_export_holds_the_filtered_rows_with_organisers_and_focal_areas(empty_database, admin_client):
    meeting = _meeting_with_an_organiser_and_an_area(country="SA", city_en="Riyadh")
    MeetingFactory(country="EG")

    [row] = csv_rows(admin_export(admin_client, MEETINGS, "?country=SA"))

    assert (row["title_en"], row["city_en"], row["country"]) == (meeting.title_en, "Riyadh", "SA")
    assert row["kind"] == "strategic dialogue"
    assert row["organizers"] == str(meeting.organizers.get().organization)
    assert row["focal_areas"] == str(meeting.focal_areas.get())
    assert row["follows"] == str(meeting.follows)


def test_meeting_export_query_count_does_not_grow_with_the_rows(admin_client):
    counts = []
    for total in (2, 30):
        Meeting.objects.filter(follows__isnull=False).delete()
        Meeting.objects.all().delete()
        for _ in range(total):
            _meeting_with_an_organiser_and_an_area()
        with CaptureQueriesContext(connection) as queries:
            # The follow-ups only, each pointing at a meeting of its own.
            rows = csv_rows(admin_export(admin_client, MEETINGS, "?follows__isnull=False"))
        assert len(rows) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_viewer_exports_the_seed_meetings(seeded, viewer_client):
    response = admin_export(viewer_client, MEETINGS, file_format="xlsx")

    assert response.status_code == 200
    assert len(xlsx_rows(response)) == Meeting.objects.count() > 0
