"""The API's shape of meetings, their organisers, sessions and participants."""
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from agreements.models import Agreement
from agreements.serializers import AgreementLinkSerializer
from crm.api.serializers import ModelValidatedSerializer
from partners.models import FocalArea, Organization, Person
from partners.serializers import (
    CitationSerializer,
    FocalAreaSummarySerializer,
    OrganizationSummarySerializer,
    PersonSummarySerializer,
)

from .models import Meeting, MeetingOrganizer, MeetingSession, Participant


class MeetingLinkSerializer(serializers.HyperlinkedModelSerializer):
    """A meeting as other records mention it."""

    class Meta:
        model = Meeting
        fields = ["id", "api_url", "title_en", "title_ar", "kind", "status", "starts_on", "starts_precision"]


class MeetingOrganizerSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    organization_id = serializers.PrimaryKeyRelatedField(source="organization", queryset=Organization.objects.all())
    organization = OrganizationSummarySerializer(read_only=True)

    class Meta:
        model = MeetingOrganizer
        fields = ["id", "organization_id", "organization", "role"]
        validators = []  # uniqueness is checked by the model when the list is written


class MeetingSessionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)

    class Meta:
        model = MeetingSession
        fields = ["id", "order", "title_en", "title_ar"]
        validators = []  # uniqueness is checked by the model when the list is written


class ParticipantSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    person_id = serializers.PrimaryKeyRelatedField(
        source="person", queryset=Person.objects.all(), allow_null=True, required=False
    )
    person = PersonSummarySerializer(read_only=True, allow_null=True)
    organization_id = serializers.PrimaryKeyRelatedField(
        source="organization", queryset=Organization.objects.all(), allow_null=True, required=False
    )
    organization = OrganizationSummarySerializer(read_only=True, allow_null=True)
    session_id = serializers.PrimaryKeyRelatedField(
        source="session", queryset=MeetingSession.objects.all(), allow_null=True, required=False,
        help_text="A session of this meeting.",
    )

    class Meta:
        model = Participant
        fields = [
            "id", "person_id", "person", "organization_id", "organization", "role",
            "title_en", "title_ar", "session_id", "note",
        ]
        validators = []  # uniqueness is checked by the model when the list is written


class MeetingSerializer(ModelValidatedSerializer, serializers.HyperlinkedModelSerializer):
    # Sessions come before participants, so that a participant can name a session just sent.
    nested_children = {"organizers": "meeting", "sessions": "meeting", "participants": "meeting"}

    country = CountryField(allow_blank=True, required=False, country_dict=False)
    follows_id = serializers.PrimaryKeyRelatedField(
        source="follows", queryset=Meeting.objects.all(), allow_null=True, required=False
    )
    follows = MeetingLinkSerializer(read_only=True, allow_null=True)
    organizers = MeetingOrganizerSerializer(many=True, required=False)
    sessions = MeetingSessionSerializer(many=True, required=False)
    participants = ParticipantSerializer(many=True, required=False)
    related_agreement_ids = serializers.PrimaryKeyRelatedField(
        source="related_agreements", queryset=Agreement.objects.all(), many=True, required=False
    )
    related_agreements = AgreementLinkSerializer(many=True, read_only=True)
    focal_area_ids = serializers.PrimaryKeyRelatedField(
        source="focal_areas", queryset=FocalArea.objects.all(), many=True, required=False
    )
    focal_areas = FocalAreaSummarySerializer(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id", "api_url", "kind", "status", "title_en", "title_ar", "summary_en", "summary_ar",
            "starts_on", "starts_precision", "starts_is_inferred", "ends_on", "date_note",
            "is_virtual", "venue_en", "venue_ar", "city_en", "city_ar", "country",
            "reported_participants", "reported_participants_qualifier",
            "reported_organizations", "reported_organizations_qualifier",
            "follows_id", "follows", "organizers", "sessions", "participants",
            "related_agreement_ids", "related_agreements", "focal_area_ids", "focal_areas", "notes", "updated_at", "version",
        ]
        read_only_fields = ["version"]


class MeetingDetailSerializer(MeetingSerializer):
    follow_ups = MeetingLinkSerializer(many=True, read_only=True)
    citations = CitationSerializer(many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "follow_ups", "citations"]
