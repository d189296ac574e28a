import pytest
from django.urls import reverse

from meetings.models import Meeting, Participant
from tests.admin_forms import submitted_form_data
from tests.factories import (
    MeetingFactory,
    MeetingSessionFactory,
    OrganizationFactory,
    ParticipantFactory,
    PersonFactory,
    PersonNameFactory,
)

pytestmark = pytest.mark.django_db

MEETINGS = "/admin/meetings/meeting/"


def _new_meeting(admin_client, **fields):
    page = admin_client.get(f"{MEETINGS}add/")
    meeting = {"kind": "strategic_dialogue", "status": "held", "title_en": "Dialogue"}
    return {**submitted_form_data(page), **meeting, **fields}


def test_meeting_with_an_organiser_and_a_participant_is_added_on_one_page(empty_database, admin_client):
    speaker = PersonFactory(name_en="Vladimir Voronkov")
    host = OrganizationFactory(acronym="UNOCT")
    data = _new_meeting(
        admin_client,
        starts_on="2023-03-14",
        city_en="Riyadh",
        country="SA",
        **{
            "organizers-TOTAL_FORMS": "1",
            "organizers-0-organization": host.pk,
            "organizers-0-role": "host",
            "participants-TOTAL_FORMS": "1",
            "participants-0-person": speaker.pk,
            "participants-0-role": "speaker",
            "participants-0-title_en": "Under-Secretary-General",
        },
    )

    response = admin_client.post(f"{MEETINGS}add/", data)

    assert response.status_code == 302, response.context and response.context["errors"]
    meeting = Meeting.objects.get()
    assert [(participant.person, participant.role) for participant in meeting.participants.all()] == [
        (speaker, "speaker")
    ]
    assert [organizer.organization for organizer in meeting.organizers.all()] == [host]


def test_meeting_form_shows_the_model_rule_and_writes_nothing(empty_database, admin_client):
    person = PersonFactory()
    data = _new_meeting(
        admin_client,
        starts_on="2023-03-14",
        ends_on="2023-03-13",
        **{"participants-TOTAL_FORMS": "1", "participants-0-person": person.pk, "participants-0-role": "delegate"},
    )

    response = admin_client.post(f"{MEETINGS}add/", data)

    assert response.status_code == 200
    assert "A meeting cannot end before it starts" in response.content.decode()
    assert not Meeting.objects.exists()
    assert not Participant.objects.exists()


def test_participant_needs_a_person_or_an_organisation(empty_database, admin_client):
    data = _new_meeting(admin_client, **{"participants-TOTAL_FORMS": "1", "participants-0-role": "observer"})

    response = admin_client.post(f"{MEETINGS}add/", data)

    assert response.status_code == 200
    assert "Name the person, the organisation, or both" in response.content.decode()
    assert not Meeting.objects.exists()


def test_meeting_change_offers_only_its_own_sessions_and_saves_a_participant_in_one(empty_database, admin_client):
    meeting = MeetingFactory()
    session = MeetingSessionFactory(meeting=meeting)
    MeetingSessionFactory()  # of another meeting
    person = PersonFactory()
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    page = admin_client.get(url)
    participants = next(
        inline.formset for inline in page.context["inline_admin_formsets"] if inline.formset.prefix == "participants"
    )
    assert list(participants.empty_form.fields["session"].queryset) == [session]

    data = {
        **submitted_form_data(page),
        "participants-TOTAL_FORMS": "1",
        "participants-0-person": person.pk,
        "participants-0-role": "speaker",
        "participants-0-session": session.pk,
    }
    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert Participant.objects.get().session == session
    meeting.refresh_from_db()
    assert meeting.version == 2


def test_meeting_search_finds_a_participant_by_an_arabic_alias(empty_database, admin_client):
    person = PersonFactory(name_en="Vladimir Voronkov", name_ar="")
    PersonNameFactory(person=person, name="فلاديمير فورونكوف")
    meeting = ParticipantFactory(person=person).meeting
    ParticipantFactory()

    response = admin_client.get(MEETINGS, {"q": "فورونكوف"})

    assert list(response.context["cl"].result_list) == [meeting]


def test_the_country_filter_lists_the_countries_meetings_were_held_in(empty_database, admin_client):
    for country in ["QA", "JO", "QA", ""]:
        MeetingFactory(country=country, city_en="A city" if country else "")
    page = admin_client.get("/admin/meetings/meeting/")
    [country_filter] = [spec for spec in page.context["cl"].filter_specs if getattr(spec, "parameter_name", "") == "country"]
    assert [title for _code, title in country_filter.lookup_choices] == ["Jordan", "Qatar"]
