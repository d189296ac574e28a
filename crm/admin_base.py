"""The admin's base classes: versioned change forms, normalised search, lists that stay fast on
large tables, and spreadsheet import and export."""
from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline as ContentTypesTabularInline
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.template.defaultfilters import filesizeformat
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm
from simple_history.admin import SimpleHistoryAdmin
import tablib

from .admin_fields import AdminFieldsMixin
from .admin_history import SectionHistoryMixin
from .api.exports import spreadsheet_safe
from .bilingual import in_readers_order
from .search import search_queryset
from .versioning import RecordChangedError


class EstimatedCountPaginator(Paginator):
    """The admin's paginator, except that an unfiltered list of a large PostgreSQL table takes
    its length from the planner's statistics instead of counting every row on each page load
    (the page numbers are then approximate; a filtered or searched list is counted exactly)."""

    ESTIMATE_FROM_ROWS = 10_000

    @cached_property
    def count(self):
        queryset = self.object_list
        if connection.vendor == "postgresql" and isinstance(queryset, QuerySet) and not queryset.query.where:
            table = connection.ops.quote_name(queryset.model._meta.db_table)
            with connection.cursor() as cursor:
                # One query either way: the estimate for a large table, the count for a small one
                # (PostgreSQL runs the subquery only when the ELSE needs it: "never executed").
                cursor.execute(
                    f"SELECT CASE WHEN reltuples >= %s THEN reltuples::bigint ELSE (SELECT COUNT(*) FROM {table}) END "
                    "FROM pg_class WHERE oid = %s::regclass",
                    [self.ESTIMATE_FROM_ROWS, queryset.model._meta.db_table],
                )
                return cursor.fetchone()[0]
        return super().count


class UsedRelatedListFilter(admin.RelatedOnlyFieldListFilter):
    """The related records the list refers to, as long as they are few enough to read in a
    sidebar. Past `most` (an office with thousands of parent bodies or donors) only the one the
    list is filtered by is listed (a link with `?parent__id__exact=` still filters), instead of
    rendering every one of them on each page load; search finds the others."""

    most = 100

    def field_choices(self, field, request, model_admin):
        used = (
            model_admin.get_queryset(request)
            .filter(**{f"{self.field_path}__isnull": False})
            .order_by()
            .values_list(f"{self.field_path}__pk", flat=True)
        )
        ordering = self.field_admin_ordering(field, request, model_admin)
        choices = field.get_choices(
            include_blank=False, limit_choices_to={"pk__in": used.distinct()[: self.most + 1]}, ordering=ordering
        )
        if len(choices) <= self.most:
            return choices
        return field.get_choices(include_blank=False, limit_choices_to={"pk__in": self.lookup_val or []}, ordering=ordering)


EMPTY_TEXT = "''"


def values_present(model, column):
    """The distinct non-empty values of `column` in the model's table, in order, each found by one
    probe of an index that leads with the column (a loose index scan: a country index finds the
    few dozen countries in as many probes). SELECT DISTINCT read the whole table on every load
    of a list page (26 ms for 100k organisations, ten times that for a million)."""
    table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(column)

    def after(value):
        return f"(SELECT {column} FROM {table} WHERE {column} > {value} ORDER BY {column} LIMIT 1)"

    sql = (
        f"WITH RECURSIVE present(value) AS (SELECT {after(EMPTY_TEXT)} UNION ALL "
        f"SELECT {after('present.value')} FROM present WHERE present.value IS NOT NULL) "
        "SELECT value FROM present WHERE value IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [value for (value,) in cursor.fetchall()]


class UsedCountryListFilter(admin.SimpleListFilter):
    """The countries the list's records are in, by name in the reader's language, rather than
    all 250 that the field allows (a sidebar taller than six screens)."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = values_present(model_admin.model, "country")
        field = model_admin.model._meta.get_field("country")
        names = dict(field.get_choices(include_blank=False))
        return sorted(((code, names.get(code, code)) for code in codes), key=lambda choice: str(choice[1]))

    def queryset(self, request, queryset):
        return queryset.filter(country=self.value()) if self.value() else queryset


class ReadersOrderChangeList(ChangeList):
    """Marks as sorted the column a list is ordered by: the name in the reader's language
    (ReadersLanguageFirstMixin.get_ordering); Django marks those of the declared ordering."""

    def _get_default_ordering(self):
        return in_readers_order(self.model, super()._get_default_ordering(), as_column=True)


class ReadersLanguageFirstMixin:
    """On an Arabic page a list shows each Arabic column before its English twin (name_ar before
    name_en): the first column is the one that opens the record, and it is the reader's name.
    A list ordered by a bilingual text is in the order of the text the reader sees: Arabic
    names on an Arabic page, English ones on an English page, the other where one is missing."""

    def get_ordering(self, request):
        return in_readers_order(self.model, super().get_ordering(request))

    def get_changelist(self, request, **kwargs):
        return ReadersOrderChangeList

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if not translation.get_language_bidi():
            return columns
        for column in list(columns):
            twin = f"{column[:-3]}_ar" if isinstance(column, str) and column.endswith("_en") else None
            if twin in columns and columns.index(twin) > columns.index(column):
                columns.remove(twin)
                columns.insert(columns.index(column), twin)
        return columns


class VersionedAdmin(ReadersLanguageFirstMixin, SectionHistoryMixin, AdminFieldsMixin, SimpleHistoryAdmin):
    """Carries the record's version through the change form, so that a save made from a page
    opened before someone else's save is refused with a message instead of overwriting it.
    Lists show no total of the unfiltered table, and estimate a large one's length."""

    show_full_result_count = False
    paginator = EstimatedCountPaginator

    stale_message = _(
        "Someone else saved this record after you opened it (last change by %(user)s at %(when)s). "
        "Your changes were not saved: open the record again to see theirs, then make yours."
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "version":
            kwargs["widget"] = forms.HiddenInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if any("version" in options["fields"] for _name, options in fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "version"]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            return form_class
        admin = self

        # A check on the request, not a rule on the record, so it lives here and not in the model;
        # the model's versioned UPDATE still catches a save that slips in after this check.
        class VersionCheckedForm(form_class):
            def clean(self):
                cleaned_data = super().clean()
                current = type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
                if cleaned_data.get("version") != current:
                    raise forms.ValidationError(admin.stale_change_message(obj), code="stale")
                return cleaned_data

        return VersionCheckedForm

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history saves a POSTed revert form after checking only that the user may
        # *view* the history, so a viewer could rewrite any record; a revert is a change.
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if self.revert_disabled(request, obj) or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def stale_change_message(self, obj):
        latest = obj.history.select_related("history_user").first()
        return self.stale_message % {
            "user": (latest and latest.history_user) or "—",
            "when": latest and formats.localize(timezone.localtime(latest.history_date)),
        }

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except RecordChangedError as error:
            # Lost the race between the form's check and the UPDATE; nothing was written.
            self.message_user(request, self.stale_change_message(error.instance), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class TabularInline(AdminFieldsMixin, admin.TabularInline):
    pass


class StackedInline(AdminFieldsMixin, admin.StackedInline):
    pass


class GenericTabularInline(AdminFieldsMixin, ContentTypesTabularInline):
    pass


class NormalizedSearchAdmin(VersionedAdmin):
    """Searches normalised keys along `search_paths` ("" is the row itself, "aliases" its other
    names), so «عبد الله» finds «عبدالله» and فورنكوف finds Voronkov; autocomplete uses it too."""

    search_fields = ["search_key"]  # shows the search box; the matching is get_search_results'
    search_paths = ("",)
    # A web address typed without a scheme is https, as Django 6 will assume.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_search_results(self, request, queryset, search_term):
        return search_queryset(queryset, search_term, self.search_paths), False


class FormulaSafeFormatMixin:
    """Every text cell of an export that a spreadsheet would run as a formula is escaped
    (crm.api.exports.spreadsheet_safe, the API's CSV does the same); imports read cells as typed."""

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
        for row in dataset:
            safe.append([spreadsheet_safe(cell) for cell in row])
        return super().export_data(safe, **kwargs)


class SafeCSV(FormulaSafeFormatMixin, CSV):
    def export_data(self, dataset, **kwargs):
        # A byte-order mark, so that spreadsheet programs read the Arabic as UTF-8.
        return "\ufeff" + super().export_data(dataset, **kwargs)


class SafeXLSX(FormulaSafeFormatMixin, XLSX):
    pass


SPREADSHEET_FORMATS = [SafeCSV, SafeXLSX]


class SpreadsheetExportMixin(ExportMixin):
    """An Export button on the list: the rows as filtered and searched, as CSV or Excel.

    Anyone who may view the list may export it (IMPORT_EXPORT_EXPORT_PERMISSION_CODE).
    """

    formats = SPREADSHEET_FORMATS


class LimitedImportForm(ImportForm):
    """The import page's upload, refused when the sheet is too large to preview within a request:
    the preview checks and shows every row, at roughly 150 rows a second when probed, and
    gunicorn ends a request after 30 seconds (crm/gunicorn.conf.py)."""

    max_bytes = 1_000_000
    max_rows = 1_000

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.import_formats = formats

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("import_file")
        if upload is None or self.errors:
            return cleaned_data
        if upload.size > self.max_bytes:
            self.add_error("import_file", _(
                "This file is %(size)s; a sheet of at most %(limit)s can be imported at a time. "
                "Split it into several files."
            ) % {"size": filesizeformat(upload.size), "limit": filesizeformat(self.max_bytes)})
            return cleaned_data
        input_format = self.import_formats[int(cleaned_data["format"])]()
        data = upload.read()
        upload.seek(0)
        try:
            rows = len(input_format.create_dataset(data if input_format.is_binary() else data.decode("utf-8-sig")))
        except Exception:  # noqa: BLE001 - the import page itself reports an unreadable file
            return cleaned_data
        if rows > self.max_rows:
            self.add_error("import_file", _(
                "This sheet has %(rows)s rows; at most %(limit)s can be imported at a time. "
                "Split it into several files."
            ) % {"rows": rows, "limit": self.max_rows})
        return cleaned_data


class SpreadsheetImportExportMixin(ImportExportMixin):
    """Export, plus an Import button: upload a sheet, see every row (or its errors), confirm."""

    formats = SPREADSHEET_FORMATS
    import_form_class = LimitedImportForm
    import_template_name = "admin/import_export/import_with_help.html"
    import_help = [
        _(
            "A row with an id updates that record; a row without one adds a new record. Nothing is "
            "saved until you confirm the preview, and a file with any invalid row saves nothing."
        )
    ]
    import_failed_message = _(
        "Nothing was imported: rows that passed the preview failed on confirming, probably because "
        "records changed in the meantime. %(failures)s"
    )
    # Named by its line in the file, as a spreadsheet numbers it: the header is line 1.
    failed_row_message = _("Line %(line)s of the file: %(errors)s")

    import_file_gone_message = _(
        "The uploaded file is no longer there (it is kept until its import is confirmed once); "
        "upload it again."
    )

    def process_import(self, request, **kwargs):
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            # A confirm form sent twice, or after the temporary file was cleaned away.
            self.message_user(request, self.import_file_gone_message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:%s_%s_import" % self.get_model_info()))

    def has_import_permission(self, request):
        # The setting asks for "add"; an import also changes the records it finds by id.
        return super().has_import_permission(request) and self.has_change_permission(request)

    def get_import_context_data(self, **kwargs):
        return {**super().get_import_context_data(**kwargs), "import_help": self.import_help}

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        # The resource rolled the whole sheet back; say so instead of "Import finished".
        failures = " ".join(self.import_failures(result))
        self.message_user(request, self.import_failed_message % {"failures": failures}, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:%s_%s_import" % self.get_model_info()))

    def import_failures(self, result):
        for row in result.invalid_rows:
            yield self.failed_row_message % {"line": row.number + 1, "errors": " ".join(row.error.messages)}
        for row in result.error_rows:
            errors = " ".join(str(error.error) for error in row.errors)
            yield self.failed_row_message % {"line": row.number + 1, "errors": errors}
        for error in result.base_errors:
            yield str(error.error)


def admin_link(instance, text=None):
    url = reverse(f"admin:{instance._meta.app_label}_{instance._meta.model_name}_change", args=[instance.pk])
    return format_html('<a href="{}">{}</a>', url, text or instance)


def link_list(instances):
    rows = format_html_join("", "<li>{}</li>", ((admin_link(instance),) for instance in instances))
    return format_html("<ul>{}</ul>", rows) if rows else "—"
