"""Admin pages of organisations, people, focal areas and sources."""
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.urls import path
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from crm.admin_fields import PreciseDateField
from crm.bilingual import comma_list, in_language, semicolon_list
from crm.admin_base import (
    GenericTabularInline,
    NormalizedSearchAdmin,
    SpreadsheetExportMixin,
    SpreadsheetImportExportMixin,
    StackedInline,
    TabularInline,
    UsedCountryListFilter,
    UsedRelatedListFilter,
    VersionedAdmin,
    link_list,
)

from .models import Citation, FocalArea, Organization, OrganizationName, Person, PersonName, Position, Source
from .resources import FocalAreaResource, OrganizationResource, PersonResource, SourceResource


class CitationInline(GenericTabularInline):
    model = Citation
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["source", "quote", "note"]
    verbose_name = _("source passage")
    verbose_name_plural = _("source passages")


class OrganizationNameInline(TabularInline):
    model = OrganizationName
    extra = 0
    fields = ["name", "language", "kind", "source"]
    autocomplete_fields = ["source"]


class PersonNameInline(TabularInline):
    model = PersonName
    extra = 0
    fields = ["name", "language", "kind", "source"]
    autocomplete_fields = ["source"]


# For the pages that prefill a person's title from their positions (static/partners/person-titles.js).
PERSON_TITLES_JS = ["admin/js/vendor/jquery/jquery.min.js", "admin/js/jquery.init.js", "partners/person-titles.js"]


class PositionInline(StackedInline):
    # Stacked: seven columns in a row did not fit a 1280-pixel window beside the menu.
    model = Position
    extra = 0
    fields = [("organization", "role", "is_acting"), ("title_en", "title_ar"), ("starts_on", "ends_on")]
    autocomplete_fields = ["organization"]


@admin.register(Organization)
class OrganizationAdmin(SpreadsheetImportExportMixin, NormalizedSearchAdmin):
    resource_classes = [OrganizationResource]
    import_help = [
        *SpreadsheetImportExportMixin.import_help,
        _(
            "The parent column holds the id of the organisation this one is part of. kind, country "
            "(an ISO 3166 code such as JO) and founded_precision take the codes an export shows."
        ),
    ]
    list_display = ["name_en", "name_ar", "acronym", "kind", "parent", "country_name"]
    list_filter = ["kind", UsedCountryListFilter, ("parent", UsedRelatedListFilter)]
    list_select_related = ["parent"]
    search_paths = ("", "aliases")
    autocomplete_fields = ["parent"]
    ordering = ["name_en", "name_ar", "id"]  # the order of the list's index (migration 0006)
    inlines = [OrganizationNameInline, CitationInline]
    readonly_fields = ["units", "people"]
    fieldsets = [
        (None, {"fields": ["name_en", "name_ar", "acronym", "kind", "parent"]}),
        (_("Where and since when"), {"fields": [
            "country", "headquarters_city_en", "headquarters_city_ar",
            ("founded_on", "founded_is_inferred"), "founded_note",
        ]}),
        (_("More"), {"fields": ["website", "notes"]}),
        (_("Related records"), {"fields": readonly_fields}),
    ]

    @admin.display(description=_("country"), ordering="country")
    def country_name(self, organization):
        # The column's default display rebuilt the list of 250 country names for every row.
        return organization.country.name if organization.country else None

    @admin.display(description=_("units"))
    def units(self, organization):
        return link_list(organization.children.all())

    @admin.display(description=_("people"))
    def people(self, organization):
        return link_list(Person.objects.filter(positions__organization=organization).distinct())


@admin.register(Person)
class PersonAdmin(SpreadsheetImportExportMixin, NormalizedSearchAdmin):
    resource_classes = [PersonResource]
    list_display = ["name_en", "name_ar", "honorific", "current_titles"]
    search_paths = ("", "aliases")
    ordering = ["name_en", "name_ar", "id"]  # the order of the list's index (migration 0006)
    inlines = [PersonNameInline, PositionInline, CitationInline]
    fieldsets = [
        (None, {"fields": [("honorific_en", "name_en"), ("honorific_ar", "name_ar"), "notes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("positions__organization")

    def get_urls(self):
        title = self.admin_site.admin_view(self.title_view)
        return [path("<path:object_id>/title/", title, name="partners_person_title"), *super().get_urls()]

    def title_view(self, request, object_id):
        """The person's title on a day (`?on=`, as far as it is known) in an organisation
        (`?organization=`), for the forms that prefill it: a signatory's, a witness's."""
        person = self.get_object(request, unquote(object_id))
        if person is None:
            raise Http404
        if not self.has_view_or_change_permission(request, person):
            raise PermissionDenied
        try:
            day = PreciseDateField(required=False).clean(request.GET.get("on", ""))
        except ValidationError:
            day = None
        organization = request.GET.get("organization", "")
        position = person.position_on(day, int(organization) if organization.isdigit() else None)
        return JsonResponse({
            "title_en": position.title_en if position else "",
            "title_ar": position.title_ar if position else "",
        })

    @admin.display(description=_("honorific"), ordering="honorific_en")
    def honorific(self, person):
        return in_language(person.honorific_en, person.honorific_ar) or None

    @admin.display(description=_("positions"))
    def current_titles(self, person):
        return semicolon_list(
            comma_list([
                in_language(position.title_en, position.title_ar),
                position.organization.acronym or str(position.organization),
            ])
            for position in person.positions.all()
        )


@admin.register(FocalArea)
class FocalAreaAdmin(SpreadsheetExportMixin, NormalizedSearchAdmin):
    resource_classes = [FocalAreaResource]
    list_display = ["name_en", "name_ar", "code", "parent"]
    list_filter = [("parent", UsedRelatedListFilter)]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    # By name, as the reader reads it (the codes follow the English names, which an Arabic
    # reader does not see); the lists and choices of focal areas elsewhere in the admin follow.
    ordering = ["name_en", "name_ar", "id"]
    inlines = [CitationInline]


@admin.register(Source)
class SourceAdmin(SpreadsheetExportMixin, VersionedAdmin):
    resource_classes = [SourceResource]
    formfield_overrides = NormalizedSearchAdmin.formfield_overrides
    list_display = ["__str__", "publisher", "published_display", "file_name"]
    search_fields = ["title", "title_en", "publisher", "file_name", "slug"]
    readonly_fields = ["cited_records"]

    @admin.display(description=_("published"))
    def published_display(self, source):
        return source.published_display

    @admin.display(description=_("records citing it"))
    def cited_records(self, source):
        citations = source.citations.select_related("content_type").order_by("content_type", "object_id")
        return format_html_join(
            "", "<li>{} {}: «{}»</li>",
            ((citation.content_type.name, citation.object_id, citation.quote[:80]) for citation in citations),
        )
