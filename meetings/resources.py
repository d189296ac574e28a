"""Spreadsheet columns for exporting meetings, named for people to read."""
from import_export import fields, resources

from partners.resources import joined_names

from .models import Meeting


class MeetingResource(resources.ModelResource):
    kind = fields.Field(attribute="get_kind_display", column_name="kind")
    status = fields.Field(attribute="get_status_display", column_name="status")
    starts = fields.Field(attribute="starts_display", column_name="starts")
    organizers = fields.Field(column_name="organizers")
    focal_areas = fields.Field(column_name="focal_areas")
    follows = fields.Field(attribute="follows", column_name="follows")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "status",
            "title_en",
            "title_ar",
            "starts",
            "starts_on",
            "ends_on",
            "is_virtual",
            "venue_en",
            "city_en",
            "city_ar",
            "country",
            "organizers",
            "reported_participants",
            "focal_areas",
            "follows",
            "summary_en",
            "summary_ar",
        ]

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("follows").prefetch_related("organizers__organization", "focal_areas")

    def dehydrate_organizers(self, meeting):
        return joined_names(organizer.organization for organizer in meeting.organizers.all())

    def dehydrate_focal_areas(self, meeting):
        return joined_names(meeting.focal_areas.all())
