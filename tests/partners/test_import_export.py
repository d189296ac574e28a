import re

import pytest
import tablib
from django.apps import apps
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from crm.admin_base import LimitedImportForm
from partners.models import Organization, Person
from partners.resources import OrganizationResource
from tests.factories import OrganizationFactory, PersonFactory, PositionFactory
from tests.spreadsheets import (
    admin_export,
    admin_import_confirm,
    admin_import_preview,
    csv_file,
    csv_rows,
    xlsx_file,
    xlsx_rows,
)

pytestmark = pytest.mark.django_db

ORGANISATIONS = "partners/organization"
PEOPLE = "partners/person"


def _import(client, model_path, upload):
    """Upload, then confirm the preview."""
    return admin_import_confirm(client, model_path, admin_import_preview(client, model_path, upload))


def _organisation_row(**values):
    return {"id": "", "name_en": "", "name_ar": "", "acronym": "", "kind": "civil_society", "country": "", **values}


@pytest.fixture
def two_kinds_of_organisation():
    OrganizationFactory(
        name_en="Office of Counter-Terrorism", name_ar="مكتب مكافحة الإرهاب", acronym="UNOCT", kind="un_entity"
    )
    OrganizationFactory(name_en="Hedayah", name_ar="هداية", kind="centre_of_excellence", country="AE")


@pytest.mark.parametrize("query", ["?kind__exact=un_entity", "?q=مكافحه الارهاب"])
def test_organisation_export_to_csv_holds_only_the_filtered_rows_with_both_names(empty_database, 
    admin_client, two_kinds_of_organisation, query
):
    response = admin_export(admin_client, ORGANISATIONS, query)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert [(row["name_en"], row["name_ar"], row["acronym"]) for row in rows] == [
        ("Office of Counter-Terrorism", "مكتب مكافحة الإرهاب", "UNOCT")
    ]


def test_organisation_export_to_xlsx_opens_in_openpyxl_with_the_filtered_rows(
    admin_client, two_kinds_of_organisation
):
    response = admin_export(admin_client, ORGANISATIONS, "?country=AE", file_format="xlsx")

    assert response.status_code == 200
    rows = xlsx_rows(response)
    assert [(row["name_en"], row["name_ar"], row["country"]) for row in rows] == [("Hedayah", "هداية", "AE")]


def test_organisation_export_names_the_parent_and_leaves_out_version_and_search_key(empty_database, admin_client):
    parent = OrganizationFactory(name_en="Office of Counter-Terrorism", acronym="UNOCT")
    OrganizationFactory(name_en="Counter-Terrorism Centre", acronym="UNCCT", parent=parent)

    rows = csv_rows(admin_export(admin_client, ORGANISATIONS, "?q=uncct"))

    assert len(rows) == 1
    assert (rows[0]["parent"], rows[0]["parent_name"]) == (str(parent.pk), "Office of Counter-Terrorism (UNOCT)")
    assert "version" not in rows[0]
    assert "search_key" not in rows[0]


def test_organisation_export_query_count_does_not_grow_with_the_rows(empty_database, admin_client):
    parent = OrganizationFactory()
    counts = []
    for total in (2, 30):
        Organization.objects.exclude(pk=parent.pk).delete()
        OrganizationFactory.create_batch(total - 1, parent=parent)
        with CaptureQueriesContext(connection) as queries:
            response = admin_export(admin_client, ORGANISATIONS)
        assert len(csv_rows(response)) == total
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_person_export_lists_positions_in_a_bounded_number_of_queries(empty_database, admin_client):
    counts = []
    for total in (2, 30):
        Person.objects.all().delete()
        for position in PositionFactory.create_batch(total, title_en="Director"):
            position.organization.acronym = "UNOCT"
            position.organization.save()
        with CaptureQueriesContext(connection) as queries:
            rows = csv_rows(admin_export(admin_client, PEOPLE))
        assert len(rows) == total
        assert {row["positions"] for row in rows} == {"Director, UNOCT"}
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("model_path", [ORGANISATIONS, PEOPLE, "partners/focalarea", "partners/source"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_partners_list_exports_the_seed_data(seeded, admin_client, model_path, file_format):
    response = admin_export(admin_client, model_path, file_format=file_format)

    assert response.status_code == 200
    rows = csv_rows(response) if file_format == "csv" else xlsx_rows(response)
    assert len(rows) == apps.get_model(*model_path.split("/")).objects.count() > 0


def test_importing_organisations_previews_the_rows_then_creates_them_findable_by_arabic_search(empty_database, admin_client):
    upload = csv_file(
        [
            _organisation_row(name_ar="مؤسسة الأمل", country="JO"),
            _organisation_row(name_en="Hope Foundation", acronym="HF", kind="academic"),
        ],
        name="organisations.csv",
    )

    preview = admin_import_preview(admin_client, ORGANISATIONS, upload)

    assert preview.status_code == 200
    result = preview.context["result"]
    assert [row.import_type for row in result.valid_rows()] == ["new", "new"]
    assert "مؤسسة الأمل" in preview.content.decode()
    assert not Organization.objects.exists()

    confirmed = admin_import_confirm(admin_client, ORGANISATIONS, preview)

    assert confirmed.status_code == 302
    assert Organization.objects.count() == 2
    found = admin_client.get(f"/admin/{ORGANISATIONS}/", {"q": "مؤسسه الامل"}).context["cl"].result_list
    assert [(organisation.name_ar, organisation.country.code) for organisation in found] == [("مؤسسة الأمل", "JO")]


def test_organisations_import_from_an_xlsx_sheet(empty_database, admin_client):
    sheet = tablib.Dataset(headers=["name_en", "name_ar", "kind", "founded_on", "founded_precision"])
    sheet.append(["Hope Foundation", "مؤسسة الأمل", "civil_society", "2016-03-01", "month"])

    preview = admin_import_preview(admin_client, ORGANISATIONS, xlsx_file(sheet.export("xlsx")), file_format="xlsx")
    admin_import_confirm(admin_client, ORGANISATIONS, preview)

    organisation = Organization.objects.get()
    assert (organisation.name_en, organisation.founded_display) == ("Hope Foundation", "March 2016")


@pytest.mark.parametrize(
    ("bad_row", "field", "message"),
    [
        ({"name_en": "Somewhere", "country": "XX"}, "country", "Value 'XX' is not a valid choice."),
        ({"name_en": "Somewhere", "kind": "club"}, "kind", "Value 'club' is not a valid choice."),
        ({"name_en": "Somewhere", "parent": "999999"}, "parent", "There is no organisation with the id 999999."),
        ({"name_en": "Somewhere", "id": "999999"}, "id", "There is no organisation with the id 999999"),
        ({}, "name_en", "Give the name in English or in Arabic (fields name_en, name_ar)."),
    ],
)
def test_an_import_with_one_bad_row_reports_it_on_its_field_and_writes_nothing(empty_database, admin_client, bad_row, field, message):
    upload = csv_file(
        [
            _organisation_row(name_en="Good Foundation", parent=""),
            _organisation_row(**{"parent": "", **bad_row}),
            _organisation_row(name_en="Another Good Foundation", parent=""),
        ]
    )

    preview = admin_import_preview(admin_client, ORGANISATIONS, upload)

    assert preview.status_code == 200
    assert "confirm_form" not in preview.context
    [invalid] = preview.context["result"].invalid_rows
    assert invalid.number == 2
    assert any(message in error for error in invalid.field_specific_errors[field]), invalid.error_dict
    assert escape(message) in preview.content.decode()
    assert not Organization.objects.exists()


def test_a_sheet_with_a_bad_row_writes_nothing_outside_the_admin_either(empty_database, db):
    sheet = tablib.Dataset(headers=["name_en", "kind", "country"])
    sheet.append(["Good Foundation", "civil_society", ""])
    sheet.append(["Bad Foundation", "civil_society", "XX"])

    result = OrganizationResource().import_data(sheet, dry_run=False)

    assert result.has_validation_errors()
    assert not Organization.objects.exists()


def test_import_takes_the_parent_by_its_id(empty_database, admin_client):
    parent = OrganizationFactory(acronym="UNOCT")
    upload = csv_file([_organisation_row(name_en="Counter-Terrorism Centre", acronym="UNCCT", parent=parent.pk)])

    _import(admin_client, ORGANISATIONS, upload)

    assert Organization.objects.get(acronym="UNCCT").parent == parent


def test_import_updates_the_record_with_the_given_id_and_records_who_did_it(editor_client, editor):
    organisation = OrganizationFactory(name_en="Old name", notes="kept")
    upload = csv_file(
        # A version column in the sheet is not read: the import loads the record as it is now.
        [{"id": organisation.pk, "name_en": "New name", "kind": organisation.kind, "version": "99"}],
        name="renames.csv",
    )

    preview = admin_import_preview(editor_client, ORGANISATIONS, upload)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["update"]
    admin_import_confirm(editor_client, ORGANISATIONS, preview)

    organisation.refresh_from_db()
    assert (organisation.name_en, organisation.notes, organisation.version) == ("New name", "kept", 2)
    latest = organisation.history.first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        editor,
        "Imported from renames.csv",
    )
    found = editor_client.get(f"/admin/{ORGANISATIONS}/", {"q": "new name"}).context["cl"].result_list
    assert [row.pk for row in found] == [organisation.pk]


def test_new_imported_records_get_a_history_entry_naming_the_importer(empty_database, editor_client, editor):
    upload = csv_file([_organisation_row(name_en="Hope Foundation")], name="new.csv")

    _import(editor_client, ORGANISATIONS, upload)

    [entry] = Organization.objects.get().history.all()
    assert (entry.history_type, entry.history_user) == ("+", editor)
    assert entry.history_change_reason == "Imported from new.csv"


def test_reimporting_an_exported_sheet_changes_nothing(empty_database, admin_client):
    parent = OrganizationFactory(acronym="UNOCT", country="US")
    OrganizationFactory(parent=parent, founded_on="2011-09-01", founded_precision="month", founded_is_inferred=True)
    exported = admin_export(admin_client, ORGANISATIONS, file_format="xlsx")

    preview = admin_import_preview(admin_client, ORGANISATIONS, xlsx_file(exported.content), file_format="xlsx")
    assert [row.import_type for row in preview.context["result"].rows] == ["skip", "skip"]
    admin_import_confirm(admin_client, ORGANISATIONS, preview)

    assert set(Organization.objects.values_list("version", flat=True)) == {1}
    assert Organization.history.count() == 2


def test_rows_that_fail_on_confirming_write_nothing_and_say_why(empty_database, admin_client):
    parent = OrganizationFactory()
    upload = csv_file(
        [_organisation_row(name_en="First", parent=""), _organisation_row(name_en="Second", parent=parent.pk)]
    )
    preview = admin_import_preview(admin_client, ORGANISATIONS, upload)
    parent_id = parent.pk
    parent.delete()  # by someone else, between the preview and the confirmation

    response = admin_import_confirm(admin_client, ORGANISATIONS, preview)

    assert response.status_code == 302
    assert response["Location"] == f"/admin/{ORGANISATIONS}/import/"
    [message] = [str(message) for message in get_messages(response.wsgi_request)]
    assert "Nothing was imported" in message
    assert f"Line 3 of the file: There is no organisation with the id {parent_id}." in message
    assert not Organization.objects.exists()


def test_importing_people_creates_them_findable_by_arabic_search(empty_database, admin_client):
    existing = PersonFactory(name_en="Vladimir Voronkov", name_ar="")
    upload = csv_file(
        [
            {"id": "", "honorific_ar": "الدكتور", "name_en": "", "name_ar": "عبد الله المعلمي"},
            {"id": existing.pk, "honorific_ar": "", "name_en": "Vladimir Voronkov", "name_ar": "فلاديمير فورونكوف"},
        ]
    )

    preview = admin_import_preview(admin_client, PEOPLE, upload)
    assert [row.import_type for row in preview.context["result"].valid_rows()] == ["new", "update"]
    admin_import_confirm(admin_client, PEOPLE, preview)

    assert Person.objects.count() == 2
    found = admin_client.get(f"/admin/{PEOPLE}/", {"q": "عبدالله المعلمي"}).context["cl"].result_list
    assert [person.honorific_ar for person in found] == ["الدكتور"]
    existing.refresh_from_db()
    assert existing.name_ar == "فلاديمير فورونكوف"


def test_a_person_row_without_a_name_is_reported_and_nothing_is_written(empty_database, admin_client):
    upload = csv_file([{"honorific_en": "", "name_en": "Somebody"}, {"honorific_en": "Dr", "name_en": ""}])

    preview = admin_import_preview(admin_client, PEOPLE, upload)

    [invalid] = preview.context["result"].invalid_rows
    assert invalid.number == 2
    assert "Give the name in English or in Arabic" in " ".join(invalid.field_specific_errors["name_en"])
    assert not Person.objects.exists()


def test_viewer_cannot_open_the_import_page_but_can_export(seeded, viewer_client):
    assert viewer_client.get(f"/admin/{ORGANISATIONS}/import/").status_code == 403
    assert viewer_client.post(f"/admin/{PEOPLE}/process_import/", {}).status_code == 403
    changelist = viewer_client.get(f"/admin/{ORGANISATIONS}/").content.decode()
    assert "export_link" in changelist
    assert "import_link" not in changelist

    response = admin_export(viewer_client, ORGANISATIONS, "?kind__exact=un_entity")

    assert response.status_code == 200
    assert csv_rows(response)


def test_editor_can_import(editor_client):
    assert 'class="import_link"' in editor_client.get(f"/admin/{ORGANISATIONS}/").content.decode()
    upload = csv_file([_organisation_row(name_en="Hope Foundation")])

    response = _import(editor_client, ORGANISATIONS, upload)

    assert response.status_code == 302
    assert Organization.objects.filter(name_en="Hope Foundation").exists()


def test_list_shows_import_and_export_and_the_record_keeps_its_history_button(admin_client):
    organisation = OrganizationFactory()

    changelist = admin_client.get(f"/admin/{ORGANISATIONS}/").content.decode()
    change_form = admin_client.get(f"/admin/{ORGANISATIONS}/{organisation.pk}/change/").content.decode()

    assert 'class="import_link"' in changelist
    assert 'class="export_link"' in changelist
    assert 'class="addlink"' in changelist
    assert 'class="historylink"' in change_form


def test_a_sheet_with_too_many_rows_is_refused_before_any_preview(empty_database, admin_client):
    rows = [_organisation_row(name_en=f"Organisation {number}") for number in range(LimitedImportForm.max_rows + 1)]
    page = admin_import_preview(admin_client, ORGANISATIONS, csv_file(rows))
    assert page.status_code == 200
    assert "result" not in page.context
    assert f"at most {LimitedImportForm.max_rows}" in " ".join(page.context["form"].errors["import_file"])
    assert not Organization.objects.exists()
    # One row fewer is previewed as usual.
    assert "result" in admin_import_preview(admin_client, ORGANISATIONS, csv_file(rows[:-1])).context


def test_a_file_too_large_is_refused_before_it_is_read(empty_database, admin_client, monkeypatch):
    monkeypatch.setattr(LimitedImportForm, "max_bytes", 200)
    rows = [_organisation_row(name_en=f"Organisation with a long name {number}") for number in range(10)]
    page = admin_import_preview(admin_client, ORGANISATIONS, csv_file(rows))
    assert "Split it into several files" in " ".join(page.context["form"].errors["import_file"])
    assert "result" not in page.context


def test_a_bad_row_in_the_preview_is_named_by_its_line_in_the_file_with_its_errors_written_out(empty_database, admin_client):
    upload = csv_file([_organisation_row(name_en="First"), _organisation_row(name_en="", name_ar="")])

    preview = admin_import_preview(admin_client, ORGANISATIONS, upload)

    html = preview.content.decode()
    assert "Line in the file" in html
    line, errors = re.search(r'<td>(\d+)</td>\s*<td class="import-errors">(.*?)</td>', html, re.S).groups()
    assert line == "3"  # the header is line 1, "First" line 2
    assert "Give the name in English or in Arabic" in errors
    assert not Organization.objects.exists()
