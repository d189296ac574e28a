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
