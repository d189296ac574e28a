"""The whole-list CSV export. On PostgreSQL the query writes each cell and COPY writes the file;
the cells must be those Python writes on SQLite, whatever the text holds, and the copy must
stream, fail before its first byte when it cannot start, and stop when the client goes away."""
import threading
from datetime import UTC, date, datetime

import pytest
from django.core.signals import request_finished
from django.db import DataError, close_old_connections, connection
from rest_framework.test import APIRequestFactory, force_authenticate

from crm.dates import DatePrecision
from partners.models import Organization, OrganizationName
from tests.factories import OrganizationFactory
from tests.spreadsheets import api_csv_and_json_cells

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")


@pytest.fixture
def awkward(empty_database):
    """Organisations whose text a CSV writer, a JSON writer and a formula guard must each get right."""
    parent = OrganizationFactory(name_en='The "parent", a body', name_ar="الهيئة الأم", acronym="=1+1")
    child = OrganizationFactory(
        name_en='=HYPERLINK("http://example.org")',
        name_ar='مركز "الأمم المتحدة"، لمكافحة الإرهاب',
        acronym="-12.5",
        parent=parent,
        country="QA",
        headquarters_city_en="@home",
        headquarters_city_ar="+٣",
        founded_on=date(2016, 5, 1),
        founded_precision=DatePrecision.MONTH,
        founded_is_inferred=True,
        notes='first line\r\nsecond, "quoted"\n-2\n',
    )
    for name, language in [('tab\there "quote" back\\slash \x01 end', "en"), ("الاسم، العربي\n", "ar"), ("-3", "en")]:
        OrganizationName.objects.create(organization=child, name=name, language=language, kind="other")
    # One date-time with microseconds and one without: ISO 8601 writes them differently.
    Organization.objects.filter(pk=parent.pk).update(updated_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    Organization.objects.filter(pk=child.pk).update(updated_at=datetime(2026, 1, 2, 3, 4, 5, 60, tzinfo=UTC))
    return child


def test_awkward_text_exports_as_the_json_list_says(awkward, viewer_api):
    exported, listed = api_csv_and_json_cells(viewer_api, "/api/organizations/")
    assert exported == listed
    cells = {cell for row in exported for cell in row}
    assert {'first line\r\nsecond, "quoted"\n-2\n', "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.000060Z"} <= cells
    assert {"2016-05-01", "month", "true", "false", ""} <= cells
    (aliases,) = [cell for cell in cells if cell.startswith("[")]
    assert '"tab\\there \\"quote\\" back\\\\slash \\u0001 end"' in aliases
    assert '"الاسم، العربي\\n"' in aliases


def test_a_formula_is_guarded_and_a_number_is_not(awkward, viewer_api):
    exported, _listed = api_csv_and_json_cells(viewer_api, "/api/organizations/")
    cells = {cell for row in exported for cell in row}
    assert {"'=HYPERLINK(\"http://example.org\")", "'@home", "'+٣", "'=1+1", "-12.5"} <= cells
    assert not any(cell.startswith(("=", "@")) for cell in cells)


@postgresql_only
def test_a_copy_that_cannot_start_fails_before_its_first_byte_and_leaves_the_connection_usable(
    awkward, viewer_api, monkeypatch
):
    monkeypatch.setattr("crm.api.exports.ISO_DATE_SQL", "(1 / 0)::text")
    stream = iter(viewer_api.get("/api/organizations/", {"format": "csv"}).streaming_content)
    with pytest.raises(DataError):
        next(stream)
    assert Organization.objects.count() == 2


@postgresql_only
def test_a_copy_that_fails_midway_ends_the_download_unfinished(seeded, viewer_api, monkeypatch):
    from crm.api.exports import CopiedChunks

    monkeypatch.setattr("crm.api.exports.COPY_CHUNK_BYTES", 1)  # a chunk per row
    handed = []
    real_flush = CopiedChunks.flush

    def flush(chunks):
        handed.append(1)
        if len(handed) == 3:
            raise ConnectionResetError("the database went away")
        real_flush(chunks)

    monkeypatch.setattr(CopiedChunks, "flush", flush)
    stream = iter(viewer_api.get("/api/organizations/", {"format": "csv"}).streaming_content)
    assert next(stream).decode("utf-8-sig").startswith("id,")
    with pytest.raises(ConnectionResetError):
        list(stream)
    assert Organization.objects.exists()


@postgresql_only
def test_a_copy_stops_when_the_client_goes_away(seeded, viewer, monkeypatch):
    from network.views import OrganizationViewSet

    monkeypatch.setattr("crm.api.exports.COPY_CHUNK_BYTES", 1)
    monkeypatch.setattr("crm.api.exports.COPY_CHUNKS_WAITING", 1)  # the copy waits for the reader at once
    # The view itself, as the server calls it: the test client wraps a streamed answer in its own closing.
    request = APIRequestFactory().get("/api/organizations/", {"format": "csv"})
    force_authenticate(request, user=viewer)
    response = OrganizationViewSet.as_view({"get": "list"})(request)
    stream = iter(response.streaming_content)
    next(stream)
    assert any(thread.name == "csv-copy" for thread in threading.enumerate())
    # What the server does when the client has gone; without the signal that closes the
    # connection at the end of a request, which would close the test's own.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert not any(thread.name == "csv-copy" for thread in threading.enumerate())
    assert Organization.objects.exists()  # the connection is fine, its transaction too


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_partner_list_copy_sets_its_planner_settings_for_itself_alone(seeded, viewer_api):
    """The kept partner list asks the planner for lookups by primary key (network.partnerships):
    for the copy's transaction only, not for what the connection runs next."""
    response = viewer_api.get("/api/organizations/3/partners/", {"format": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) > 2
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_mergejoin")
        assert cursor.fetchone() == ("on",)
