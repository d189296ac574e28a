"""Spreadsheet columns for exporting and importing organisations, people, focal areas and sources.

Column headers are field names, not translated labels, so that a sheet exported from the Arabic
admin imports back unchanged. Columns that name a related record for people to read (the
parent's name, a person's positions) are export-only; imports refer to other records by id.
"""
from datetime import datetime

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from .models import FocalArea, Organization, Person, Source

IMPORT_CHANGE_REASON = "Imported from {file_name}"
CHANGE_REASON_MAX_LENGTH = 100  # simple-history's column


def joined_names(records):
    """Several related records in one cell."""
    return "; ".join(str(record) for record in records)


class RecordIdWidget(widgets.ForeignKeyWidget):
    """Finds the related record by id and reports an unknown id as an error on its column."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except ObjectDoesNotExist:
            # ValueError is what the resource turns into an error on this column of the row.
            message = _("There is no %(record)s with the id %(id)s.")
            raise ValueError(message % {"record": self.model._meta.verbose_name, "id": value}) from None


class SpreadsheetDateWidget(widgets.DateWidget):
    """Reads a spreadsheet's date cell, which openpyxl gives as a datetime, as the date it shows."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        # Otherwise an unchanged date compares unequal to the stored one and the row is re-saved.
        return value.date() if isinstance(value, datetime) else value


class CheckedImportResource(resources.ModelResource):
    """Imports row by row through `full_clean()` and `save()`, all or nothing.

    `full_clean()` applies the model's rules and constraints, so a bad row is reported on its
    fields; `save()` keeps search keys current and leaves a history entry naming the importer.
    A row with an `id` updates that record (its current version, loaded afresh); a row without
    one adds a record.
    """

    # An empty spreadsheet cell is None; text fields store blank as "", as the library's CharWidget
    # already does for CharField.
    WIDGETS_MAP = {**resources.ModelResource.WIDGETS_MAP, "TextField": widgets.CharWidget}

    class Meta:
        clean_model_instances = True
        use_transactions = True
        # Re-importing an exported sheet changes nothing and leaves no history for unchanged rows.
        skip_unchanged = True
        report_skipped = True

    def import_data(self, dataset, **kwargs):
        # By default the library keeps the valid rows of a sheet with invalid ones; a sheet is
        # one decision here, so any bad row rolls the whole import back.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def get_import_fields(self):
        # Export-only columns are neither read nor listed as importable.
        return [field for field in super().get_import_fields() if not field.readonly]

    def init_instance(self, row=None):
        id_field = self.fields["id"]
        record_id = id_field.clean(row) if row and id_field.column_name in row else None
        if record_id is not None:
            # An id the database does not know is a typo or a deleted record, not a new one.
            raise ValidationError(
                {
                    "id": _("There is no %(record)s with the id %(id)s; leave the id empty to add a new one.")
                    % {"record": self._meta.model._meta.verbose_name, "id": record_id}
                }
            )
        return super().init_instance(row)

    def before_save_instance(self, instance, row, **kwargs):
        # The request middleware names the user in the admin; this also covers imports run
        # from a shell or a command.
        if kwargs.get("user") is not None:
            instance._history_user = kwargs["user"]
        reason = IMPORT_CHANGE_REASON.format(file_name=kwargs.get("file_name") or "a spreadsheet")
        instance._change_reason = reason[:CHANGE_REASON_MAX_LENGTH]


class OrganizationResource(CheckedImportResource):
    parent = fields.Field(attribute="parent", column_name="parent", widget=RecordIdWidget(Organization))
    parent_name = fields.Field(attribute="parent", column_name="parent_name", readonly=True)
    founded_on = fields.Field(attribute="founded_on", column_name="founded_on", widget=SpreadsheetDateWidget())

    class Meta:
        model = Organization
        fields = [
            "id",
            "name_en",
            "name_ar",
            "acronym",
            "kind",
            "parent",
            "parent_name",
            "country",
            "headquarters_city_en",
            "headquarters_city_ar",
            "founded_on",
            "founded_precision",
            "founded_is_inferred",
            "founded_note",
            "website",
            "notes",
        ]

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("parent")


class PersonResource(CheckedImportResource):
    positions = fields.Field(column_name="positions", readonly=True)

    class Meta:
        model = Person
        fields = ["id", "honorific_en", "name_en", "honorific_ar", "name_ar", "notes", "positions"]

    def filter_export(self, queryset, **kwargs):
        return queryset.prefetch_related("positions__organization")

    def dehydrate_positions(self, person):
        return "; ".join(
            f"{position.title_en or position.title_ar}, {position.organization.acronym or position.organization}"
            for position in person.positions.all()
        )


class FocalAreaResource(resources.ModelResource):
    parent = fields.Field(attribute="parent", column_name="parent")

    class Meta:
        model = FocalArea
        fields = ["id", "code", "name_en", "name_ar", "parent"]

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("parent")


class SourceResource(resources.ModelResource):
    language = fields.Field(attribute="get_language_display", column_name="language")
    published = fields.Field(attribute="published_display", column_name="published")

    class Meta:
        model = Source
        # The full text stays out: it can outgrow a spreadsheet cell.
        fields = [
            "id",
            "slug",
            "title",
            "title_en",
            "publisher",
            "url",
            "language",
            "published",
            "dateline",
            "file_name",
            "notes",
        ]
