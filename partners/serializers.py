"""The API's shape of organisations, people, focal areas and sources."""
from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from crm.api.serializers import ModelValidatedSerializer

from .models import Citation, FocalArea, Organization, OrganizationName, Person, PersonName, Position, Source


class OrganizationSummarySerializer(serializers.HyperlinkedModelSerializer):
    """How other records name an organisation: both names, the acronym and a link."""

    class Meta:
        model = Organization
        fields = ["id", "api_url", "name_en", "name_ar", "acronym"]


class PersonSummarySerializer(serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "api_url", "name_en", "name_ar"]


class FocalAreaSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = FocalArea
        fields = ["id", "code", "name_en", "name_ar"]


class CitationSerializer(serializers.ModelSerializer):
    """The passage of a source a record was taken from."""

    source = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Citation
        fields = ["source", "quote", "note"]


class AliasSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)

    class Meta:
        fields = ["id", "name", "language", "kind"]
        # Uniqueness is the model's to check, with its own message, when the list is written.
        extra_kwargs = {"name": {"validators": []}}


class OrganizationNameSerializer(AliasSerializer):
    class Meta(AliasSerializer.Meta):
        model = OrganizationName


class PersonNameSerializer(AliasSerializer):
    class Meta(AliasSerializer.Meta):
        model = PersonName


class OrganizationSerializer(ModelValidatedSerializer, serializers.HyperlinkedModelSerializer):
    nested_children = {"aliases": "organization"}

    parent_id = serializers.PrimaryKeyRelatedField(
        source="parent", queryset=Organization.objects.all(), allow_null=True, required=False
    )
    parent = OrganizationSummarySerializer(read_only=True, allow_null=True)
    country = CountryField(allow_blank=True, required=False, country_dict=False)
    aliases = OrganizationNameSerializer(many=True, required=False)

    class Meta:
        model = Organization
        fields = [
            "id", "api_url", "name_en", "name_ar", "acronym", "kind", "parent_id", "parent", "country",
            "headquarters_city_en", "headquarters_city_ar",
            "founded_on", "founded_precision", "founded_is_inferred", "founded_note",
            "website", "notes", "aliases", "updated_at", "version",
        ]
        read_only_fields = ["version"]


class PositionSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(required=False)
    organization_id = serializers.PrimaryKeyRelatedField(source="organization", queryset=Organization.objects.all())
    organization = OrganizationSummarySerializer(read_only=True)

    class Meta:
        model = Position
        fields = [
            "id", "organization_id", "organization", "title_en", "title_ar", "role", "is_acting",
            "starts_on", "starts_precision", "ends_on", "ends_precision",
        ]
        validators = []  # uniqueness is checked by the model when the list is written


class PersonSerializer(ModelValidatedSerializer, serializers.HyperlinkedModelSerializer):
    nested_children = {"aliases": "person", "positions": "person"}

    aliases = PersonNameSerializer(many=True, required=False)
    positions = PositionSerializer(many=True, required=False)

    class Meta:
        model = Person
        fields = [
            "id", "api_url", "name_en", "name_ar", "honorific_en", "honorific_ar", "notes",
            "aliases", "positions", "updated_at", "version",
        ]
        read_only_fields = ["version"]


class FocalAreaSerializer(ModelValidatedSerializer, serializers.HyperlinkedModelSerializer):
    parent_id = serializers.PrimaryKeyRelatedField(
        source="parent", queryset=FocalArea.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = FocalArea
        fields = ["id", "api_url", "code", "name_en", "name_ar", "parent_id", "updated_at", "version"]
        read_only_fields = ["version"]


class SourceSerializer(ModelValidatedSerializer, serializers.HyperlinkedModelSerializer):
    class Meta:
        model = Source
        fields = [
            "id", "api_url", "slug", "title", "title_en", "publisher", "url", "file_name", "language",
            "published_on", "published_precision", "dateline", "text", "notes", "updated_at", "version",
        ]
        read_only_fields = ["version"]
