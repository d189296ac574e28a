from django.contrib import admin
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from crm.admin_base import (
    NormalizedSearchAdmin,
    SpreadsheetExportMixin,
    TabularInline,
    UsedCountryListFilter,
)
from crm.bilingual import in_language
from partners.admin import PERSON_TITLES_JS, CitationInline

from .models import Meeting, MeetingAgreement, MeetingFocalArea, MeetingOrganizer, MeetingSession, Participant
from .resources import MeetingResource


class MeetingOrganizerInline(TabularInline):
    model = MeetingOrganizer
    extra = 0
    autocomplete_fields = ["organization"]


class MeetingSessionInline(TabularInline):
    model = MeetingSession
    extra = 0
    fields = ["order", "title_en", "title_ar"]


class ParticipantInline(TabularInline):
    model = Participant
    extra = 0
    autocomplete_fields = ["person", "organization"]
    fields = ["person", "organization", "role", "session", "title_en", "title_ar", "note"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Offer only the sessions of the meeting being edited.
        if db_field.name == "session":
            object_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = MeetingSession.objects.filter(meeting_id=object_id) if object_id else (
                MeetingSession.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class MeetingAgreementInline(TabularInline):
    model = MeetingAgreement
    extra = 0
    autocomplete_fields = ["agreement"]


class MeetingFocalAreaInline(TabularInline):
    model = MeetingFocalArea
    extra = 0
    autocomplete_fields = ["focal_area"]


@admin.register(Meeting)
class MeetingAdmin(SpreadsheetExportMixin, NormalizedSearchAdmin):
    resource_classes = [MeetingResource]

    class Media:
        js = PERSON_TITLES_JS

    list_display = ["__str__", "kind", "status", "starts", "city", "is_virtual", "follows"]
    list_filter = [
        "kind", "status", ("starts_on", admin.DateFieldListFilter), "is_virtual", UsedCountryListFilter,
        ("focal_areas", admin.RelatedFieldListFilter),
    ]
    list_select_related = ["follows"]
    ordering = [F("starts_on").desc(nulls_last=True), "title_en", "id"]
    search_paths = ("", "organizers__organization", "participants__person", "participants__person__aliases")
    autocomplete_fields = ["follows"]
    inlines = [
        MeetingOrganizerInline,
        MeetingSessionInline,
        ParticipantInline,
        MeetingAgreementInline,
        MeetingFocalAreaInline,
        CitationInline,
    ]
    fieldsets = [
        (None, {"fields": ["kind", "status", "title_en", "title_ar", "follows"]}),
        (_("When"), {"fields": [("starts_on", "starts_is_inferred"), "ends_on", "date_note"]}),
        (_("Where"), {"fields": ["is_virtual", ("venue_en", "venue_ar"), ("city_en", "city_ar"), "country"]}),
        (_("Reported attendance"), {"fields": [
            ("reported_participants", "reported_participants_qualifier"),
            ("reported_organizations", "reported_organizations_qualifier"),
        ]}),
        (_("Content"), {"fields": ["summary_en", "summary_ar", "notes"]}),
    ]

    @admin.display(description=_("city"), ordering="city_en")
    def city(self, meeting):
        return in_language(meeting.city_en, meeting.city_ar) or None

    @admin.display(description=_("starts"), ordering="starts_on")
    def starts(self, meeting):
        return meeting.starts_display
