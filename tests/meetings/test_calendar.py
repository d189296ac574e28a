"""The meetings in people's calendars: a personal iCalendar address, read back with the library
that writes it."""
from datetime import date

import pytest
from icalendar import Calendar

from meetings.models import CalendarFeed, Meeting, MeetingFocalArea, MeetingOrganizer
from tests.factories import FocalAreaFactory, MeetingFactory, OrganizationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(viewer):
    return CalendarFeed.objects.create(user=viewer)


def events(client, feed, **query):
    response = client.get(f"/calendar/{feed.secret}.ics", query)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return {str(event["uid"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


def only(found):
    [event] = found.values()
    return event


def test_a_meeting_on_a_known_day_is_an_all_day_event_with_its_place_status_and_link(client, empty_database, feed):
    meeting = MeetingFactory(
        title_en="Strategic dialogue with Qatar", title_ar="الحوار الاستراتيجي مع قطر",
        starts_on=date(2019, 3, 20), ends_on=date(2019, 3, 21), status=Meeting.Status.CANCELLED,
        venue_en="Sheraton", venue_ar="شيراتون", city_en="Doha", city_ar="الدوحة", country="QA",
    )

    event = only(events(client, feed))

    assert str(event["uid"]) == f"meeting-{meeting.pk}@testserver"
    assert event.decoded("dtstart") == date(2019, 3, 20)  # a date: all day, no made-up hour
    assert event.decoded("dtend") == date(2019, 3, 22)  # exclusive end after the last day
    assert str(event["summary"]) == "Strategic dialogue with Qatar"
    assert str(event["status"]) == "CANCELLED"
    assert str(event["location"]) == "Sheraton, Doha, Qatar"
    assert str(event["url"]) == f"http://testserver/admin/meetings/meeting/{meeting.pk}/change/"
    arabic = only(events(client, feed, language="ar"))
    assert str(arabic["summary"]) == "الحوار الاستراتيجي مع قطر"
    assert str(arabic["location"]) == "شيراتون، الدوحة، قطر"
    assert arabic["uid"] == event["uid"]


def test_a_meeting_known_only_to_the_month_or_year_is_left_out(client, empty_database, feed):
    MeetingFactory(starts_on=date(2019, 12, 1), starts_precision="month")
    MeetingFactory(starts_on=date(2019, 1, 1), starts_precision="year")
    MeetingFactory(starts_on=None)

    assert events(client, feed) == {}


def test_a_changed_meeting_keeps_its_uid_and_raises_its_sequence(client, empty_database, feed):
    meeting = MeetingFactory(starts_on=date(2021, 5, 4))
    before = only(events(client, feed))

    meeting.title_en = "Renamed"
    meeting.save()
    after = only(events(client, feed))

    assert after["uid"] == before["uid"]
    assert after["sequence"] > before["sequence"]


def test_planned_organisation_and_focal_area_feeds(client, empty_database, feed):
    unoct = OrganizationFactory(acronym="UNOCT")
    uncct = OrganizationFactory(acronym="UNCCT", parent=unoct)
    youth = FocalAreaFactory(code="youth")
    planned = MeetingFactory(starts_on=date(2026, 1, 5), status=Meeting.Status.PLANNED)
    by_the_unit = MeetingFactory(starts_on=date(2020, 1, 5))
    MeetingOrganizer.objects.create(meeting=by_the_unit, organization=uncct, role="organiser")
    attended = ParticipantFactory(meeting__starts_on=date(2020, 2, 5), person=None, organization=unoct).meeting
    on_youth = MeetingFactory(starts_on=date(2020, 3, 5))
    MeetingFocalArea.objects.create(meeting=on_youth, focal_area=youth)

    def pks(**query):
        return {int(uid.split("-")[1].split("@")[0]) for uid in events(client, feed, **query)}

    assert pks(status="planned") == {planned.pk}
    assert pks(organization=unoct.pk) == {by_the_unit.pk, attended.pk}  # its units' meetings too
    assert pks(focal_area="youth") == {on_youth.pk}
    assert client.get(f"/calendar/{feed.secret}.ics", {"status": "someday"}).status_code == 400


def test_a_wrong_or_revoked_address_is_not_found_and_no_role_reads_nothing(
    client, empty_database, feed, django_user_model
):
    MeetingFactory(starts_on=date(2021, 5, 4))
    assert client.get("/calendar/not-a-secret.ics").status_code == 404
    secret = feed.secret
    feed.delete()
    assert client.get(f"/calendar/{secret}.ics").status_code == 404

    outsider = CalendarFeed.objects.create(user=django_user_model.objects.create_user("outsider", password="x"))
    assert events(client, outsider) == {}


def test_the_calendar_page_creates_replaces_and_revokes_the_address(viewer_client, viewer):
    page = viewer_client.get("/admin/calendar/")
    assert page.status_code == 200 and "You have no calendar address." in page.content.decode()
    assert "?organization=ID" in page.content.decode() and "<id>" not in page.content.decode()

    viewer_client.post("/admin/calendar/", {"action": "create"})
    first = CalendarFeed.objects.get(user=viewer).secret
    assert f"/calendar/{first}.ics" in viewer_client.get("/admin/calendar/").content.decode()

    viewer_client.post("/admin/calendar/", {"action": "create"})
    second = CalendarFeed.objects.get(user=viewer).secret
    assert second != first
    assert viewer_client.get(f"/calendar/{first}.ics").status_code == 404

    viewer_client.post("/admin/calendar/", {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=viewer).exists()
