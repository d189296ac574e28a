import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from meetings.models import Meeting, Participant
from tests.factories import MeetingFactory, MeetingSessionFactory, OrganizationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def test_meeting_cannot_end_before_it_starts():
    meeting = MeetingFactory.build(starts_on=datetime.date(2020, 12, 10), ends_on=datetime.date(2020, 12, 8))
    with pytest.raises(ValidationError, match="starts_on, ends_on"):
        meeting.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()


def test_follow_ups_cannot_go_round_in_a_circle():
    first = MeetingFactory()
    second = MeetingFactory(follows=first)
    first.follows = second
    with pytest.raises(ValidationError) as raised:
        first.full_clean()
    assert "follows" in raised.value.message_dict


def test_deleting_a_meeting_that_a_follow_up_refers_to_is_refused():
    follow_up = MeetingFactory(follows=MeetingFactory(), status=Meeting.Status.PLANNED)
    with pytest.raises(ProtectedError):
        follow_up.follows.delete()


def test_participant_is_a_person_or_an_organisation():
    participant = Participant(meeting=MeetingFactory(), role=Participant.Role.DELEGATE)
    with pytest.raises(ValidationError, match="person, organization"):
        participant.full_clean()
    participant.organization = OrganizationFactory()
    participant.full_clean()


def test_participant_session_must_belong_to_the_same_meeting():
    participant = ParticipantFactory.build(meeting=MeetingFactory(), person=None, organization=OrganizationFactory())
    participant.session = MeetingSessionFactory()
    with pytest.raises(ValidationError) as raised:
        participant.full_clean()
    assert "session" in raised.value.message_dict


def test_a_person_has_a_role_once_per_meeting():
    participant = ParticipantFactory()
    duplicate = Participant(meeting=participant.meeting, person=participant.person, role=participant.role)
    with pytest.raises(ValidationError, match="already has this role"):
        duplicate.full_clean()


def test_deleting_a_meeting_removes_its_own_sessions_and_participants(empty_database):
    session = MeetingSessionFactory()
    ParticipantFactory(meeting=session.meeting, session=session)
    session.meeting.delete()
    assert Participant.objects.count() == 0


def test_deleting_a_session_with_participants_is_refused():
    session = MeetingSessionFactory()
    ParticipantFactory(meeting=session.meeting, session=session)
    with pytest.raises(RestrictedError):
        session.delete()


def copied_start_dates(*links):
    return [type(link).objects.values_list("meeting_starts_on", flat=True).get(pk=link.pk) for link in links]


def test_organisers_and_participants_keep_their_meetings_start_date_whatever_writes_it(empty_database):
    """The copy that gives a partner's latest meetings from one index (meeting_starts_on) is the
    database's: saves, bulk updates, stray writes and moves all leave it equal to the meeting's date."""
    from meetings.models import MeetingOrganizer

    meeting = MeetingFactory(starts_on=datetime.date(2020, 1, 1))
    undated = MeetingFactory(starts_on=None)
    organiser = MeetingOrganizer.objects.create(meeting=meeting, organization=OrganizationFactory())
    participant = ParticipantFactory(meeting=meeting, organization=OrganizationFactory())
    assert copied_start_dates(organiser, participant) == [datetime.date(2020, 1, 1)] * 2

    meeting.starts_on = datetime.date(2021, 6, 30)
    meeting.save()
    assert copied_start_dates(organiser, participant) == [datetime.date(2021, 6, 30)] * 2

    Meeting.objects.filter(pk=meeting.pk).update(starts_on=datetime.date(2019, 3, 1))
    assert copied_start_dates(organiser, participant) == [datetime.date(2019, 3, 1)] * 2

    MeetingOrganizer.objects.filter(pk=organiser.pk).update(meeting_starts_on=datetime.date(1999, 1, 1))  # a stray write
    Participant.objects.filter(pk=participant.pk).update(meeting_starts_on=datetime.date(1999, 1, 1))
    assert copied_start_dates(organiser, participant) == [datetime.date(2019, 3, 1)] * 2

    MeetingOrganizer.objects.filter(pk=organiser.pk).update(meeting=undated)
    participant.meeting = undated
    participant.save()
    assert copied_start_dates(organiser, participant) == [None, None]

    fresh = Meeting.objects.create(title_en="Added with its date", kind=meeting.kind, starts_on=datetime.date(2024, 5, 1))
    assert copied_start_dates(ParticipantFactory(meeting=fresh, organization=None)) == [datetime.date(2024, 5, 1)]
