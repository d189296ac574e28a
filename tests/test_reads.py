"""Every API list and record, read with values() in one query (crm/api/readpaths.py), says what the
serializer says of each record; pages follow on by cursor; CSV exports stream."""
import csv
import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import FieldError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from crm.api.readpaths import DatabaseShapedReadMixin, ReadPlan, UnreadableField, check_read_plans, read_plan_errors
from partners.serializers import OrganizationSerializer as PlainOrganizationSerializer

from agreements.models import Agreement, AgreementParty, FundingCommitment, Payment
from agreements.serializers import (
    AgreementDetailSerializer,
    AgreementSerializer,
    FundingCommitmentSerializer,
    PaymentSerializer,
)
from meetings.models import Meeting
from meetings.serializers import MeetingDetailSerializer, MeetingSerializer
from partners.models import FocalArea, Organization, Person, Source
from network.serializers import NetworkOrganizationSerializer as OrganizationSerializer
from network.serializers import OrganizationDetailSerializer
from partners.serializers import FocalAreaSerializer, PersonSerializer, SourceSerializer
from tests.factories import OrganizationFactory, PaymentFactory
from tests.queries import statements
from tests.spreadsheets import api_csv_and_json_cells

RESOURCES = [
    ("/api/organizations/", Organization, OrganizationSerializer),
    ("/api/people/", Person, PersonSerializer),
    ("/api/agreements/", Agreement, AgreementSerializer),
    ("/api/funding-commitments/", FundingCommitment, FundingCommitmentSerializer),
    ("/api/payments/", Payment, PaymentSerializer),
    ("/api/meetings/", Meeting, MeetingSerializer),
    ("/api/focal-areas/", FocalArea, FocalAreaSerializer),
    ("/api/sources/", Source, SourceSerializer),
]


def serialized(model, serializer_class):
    """What the serializer says of every record, built the slow way, object by object."""
    request = Request(APIRequestFactory().get("/"))
    queryset = model._default_manager.all()
    if model is FundingCommitment:
        queryset = queryset.with_received()
    return {
        item["id"]: json.loads(json.dumps(item, default=str))
        for item in serializer_class(queryset, many=True, context={"request": request}).data
    }


DETAIL_SERIALIZERS = {
    Organization: OrganizationDetailSerializer,
    Agreement: AgreementDetailSerializer,
    Meeting: MeetingDetailSerializer,
}


@pytest.mark.parametrize("url, model, serializer_class", RESOURCES)
def test_a_record_says_what_its_detail_serializer_says_in_one_query(seeded, viewer_api, url, model, serializer_class):
    PaymentFactory()
    expected = serialized(model, DETAIL_SERIALIZERS.get(model, serializer_class))
    assert expected
    viewer_api.get(url)  # the user's permissions are read once, then cached
    for pk, representation in expected.items():
        with CaptureQueriesContext(connection) as queries:
            response = viewer_api.get(f"{url}{pk}/")
        assert response.json() == representation
        assert len(statements(queries)) == 1, statements(queries)
    assert viewer_api.get(f"{url}999999/").status_code == 404
    assert viewer_api.get(f"{url}not-a-number/").status_code == 404


@pytest.mark.parametrize("url, model, serializer_class", RESOURCES)
def test_a_list_says_of_each_record_what_its_serializer_says(seeded, viewer_api, url, model, serializer_class):
    PaymentFactory()  # the seeds record no money received yet
    listed = viewer_api.get(url, {"page_size": 500}).json()["results"]
    assert listed
    assert {item["id"]: item for item in listed} == serialized(model, serializer_class)


@pytest.mark.parametrize(
    "url, model, serializer_class, params",
    [
        # DISTINCT across the meetings' participations: the page is read by key (pk__in).
        ("/api/people/", Person, PersonSerializer, {"meeting": "{meeting}"}),
        # Units of UNOCT, each with its parent read by a join; a search, read tier by tier from
        # querysets of its own.
        ("/api/organizations/", Organization, OrganizationSerializer, {"parent": "2"}),
        ("/api/organizations/", Organization, OrganizationSerializer, {"search": "united"}),
        ("/api/agreements/", Agreement, AgreementSerializer, {"party": "{party}", "ordering": "-signed_on"}),
    ],
)
def test_a_filtered_list_gives_each_record_its_own_nested_lists(seeded, viewer_api, url, model, serializer_class, params):
    """A nested list is compiled once for every query that reads its records (CompiledOnce): a
    filter that joins, a DISTINCT list and a search must still give each record its own."""
    meeting = Meeting.objects.filter(participants__isnull=False).values_list("pk", flat=True).first()
    party = AgreementParty.objects.values_list("organization", flat=True).first()
    params = {name: value.format(meeting=meeting, party=party) for name, value in params.items()}
    expected = serialized(model, serializer_class)
    response = viewer_api.get(url, {**params, "page_size": 500})
    assert response.status_code == 200, response.json()
    listed = response.json()["results"]
    assert listed
    assert all(item == expected[item["id"]] for item in listed)


def test_a_read_plans_columns_refuse_to_be_read_inside_another_query():
    """Compiled for a list's own query, a plan's columns would name the wrong table inside
    another: refused instead of read wrong."""
    plan = ReadPlan(PlainOrganizationSerializer(), Organization, compile_once=True)
    with_columns = Organization.objects.values(**plan.columns)
    with pytest.raises(FieldError, match="outermost query"):
        str(Organization.objects.filter(pk__in=with_columns.values("pk")).query)


def test_nested_records_keep_their_order_and_empty_links_are_null(seeded, viewer_api):
    agreements = viewer_api.get("/api/agreements/", {"page_size": 500}).json()["results"]
    with_parties = [agreement for agreement in agreements if len(agreement["parties"]) > 1]
    assert with_parties
    for agreement in with_parties:
        party_ids = [party["id"] for party in agreement["parties"]]
        assert party_ids == sorted(party_ids)
    organizations = viewer_api.get("/api/organizations/", {"page_size": 500}).json()["results"]
    assert any(organization["parent"] is None for organization in organizations)
    assert any(organization["parent"] and organization["parent"]["api_url"].endswith(f"/api/organizations/{organization['parent']['id']}/") for organization in organizations)


UNOCT = 2  # as in the seeds: the Office of Counter-Terrorism, UNCCT's parent


@pytest.mark.parametrize(
    "url, most_queries",
    [(url, 1) for url, _model, _serializer in RESOURCES]
    # The organisation whose partners are listed, then the page.
    + [(f"/api/organizations/{UNOCT}/partners/?include_units=true", 2)],
)
def test_a_list_page_is_one_query_whatever_its_size(seeded, viewer_api, url, most_queries):
    PaymentFactory()
    viewer_api.get(url)  # the user's permissions are read once, then cached
    for page_size in (2, 100):
        with CaptureQueriesContext(connection) as queries:
            response = viewer_api.get(url, {"page_size": page_size})
        assert response.status_code == 200
        assert len(statements(queries)) == most_queries, statements(queries)


@pytest.mark.django_db(transaction=True)
def test_a_read_opens_no_transaction_and_a_write_is_one(editor_api):
    """A page is one statement: ATOMIC_REQUESTS' BEGIN and COMMIT were two more round trips for
    every read. A write is still one transaction: an error undoes all of it."""
    in_transaction = []

    def record(execute, sql, params, many, context):
        in_transaction.append((sql.split()[0], connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert editor_api.get("/api/focal-areas/").status_code == 200
    assert in_transaction and not any(inside for _verb, inside in in_transaction), in_transaction

    in_transaction.clear()
    with connection.execute_wrapper(record):
        assert editor_api.post("/api/focal-areas/", {"code": "x", "name_en": "X", "name_ar": "س"}).status_code == 201
    assert ("INSERT", True) in in_transaction, in_transaction
    # SQLite's BEGIN is logged, as it opens the transaction; PostgreSQL's is not.
    assert all(inside for verb, inside in in_transaction if verb != "BEGIN"), in_transaction


def walk(api, url, params):
    """Every row of a list, page by page along the `next` links, and the pages' sizes."""
    rows, sizes = [], []
    response = api.get(url, params).json()
    while True:
        rows += response["results"]
        sizes.append(len(response["results"]))
        if not response["next"]:
            return rows, sizes
        response = api.get(response["next"]).json()


@pytest.mark.parametrize(
    "ordering", ["", "name_en", "-name_en", "acronym", "-acronym", "founded_on", "-founded_on", "country,-name_ar"]
)
def test_following_next_links_visits_every_row_once_in_order(seeded, viewer_api, ordering):
    params = {"page_size": 3, **({"ordering": ordering} if ordering else {})}
    everything = viewer_api.get("/api/organizations/", {**params, "page_size": 500}).json()["results"]
    rows, sizes = walk(viewer_api, "/api/organizations/", params)
    assert [row["id"] for row in rows] == [row["id"] for row in everything]
    assert len(rows) == Organization.objects.count()
    assert set(sizes[:-1]) == {3}


def test_previous_links_walk_back_over_the_same_pages(seeded, viewer_api):
    params = {"page_size": 4, "ordering": "-founded_on"}
    pages = [viewer_api.get("/api/organizations/", params).json()]
    while pages[-1]["next"]:
        pages.append(viewer_api.get(pages[-1]["next"]).json())
    assert len(pages) >= 3
    assert pages[0]["previous"] is None
    back = viewer_api.get(pages[-1]["previous"]).json()
    assert [row["id"] for row in back["results"]] == [row["id"] for row in pages[-2]["results"]]
    first = viewer_api.get(pages[1]["previous"]).json()
    assert [row["id"] for row in first["results"]] == [row["id"] for row in pages[0]["results"]]


def test_empty_values_sort_last_both_ways(viewer_api):
    undated = OrganizationFactory(name_en="Undated", founded_on=None)
    OrganizationFactory(name_en="Old", founded_on="1990-01-01")
    OrganizationFactory(name_en="New", founded_on="2020-01-01")
    for ordering in ("founded_on", "-founded_on"):
        rows, _sizes = walk(viewer_api, "/api/organizations/", {"ordering": ordering, "page_size": 1})
        assert rows[-1]["id"] == undated.pk, ordering


def test_a_count_is_given_only_when_asked_for(seeded, viewer_api):
    assert "count" not in viewer_api.get("/api/organizations/").json()
    counted = viewer_api.get("/api/organizations/", {"count": "true", "kind": "member_state"}).json()
    assert counted["count"] == Organization.objects.filter(kind="member_state").count()


def cursor_of(link):
    return parse_qs(urlsplit(link).query)["cursor"][0]


def test_a_bad_cursor_gets_400_naming_it(seeded, viewer_api):
    other_ordering = viewer_api.get("/api/organizations/", {"ordering": "-name_en", "page_size": 2}).json()["next"]
    tampered = cursor_of(other_ordering).replace("name_en", "name_ar")
    for cursor in ("not a cursor", cursor_of(other_ordering), tampered):
        response = viewer_api.get("/api/organizations/", {"cursor": cursor})
        assert response.status_code == 400, cursor
        assert list(response.json()) == ["cursor"]


def test_a_csv_export_streams_every_row_in_the_serializers_columns(seeded, viewer_api, monkeypatch):
    monkeypatch.setattr("crm.api.exports.CSV_CHUNK_ROWS", 4)  # several chunks from the seed data
    monkeypatch.setattr("crm.api.exports.COPY_CHUNK_BYTES", 256)
    response = viewer_api.get("/api/organizations/", {"format": "csv"})
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == Organization.objects.count()
    assert len({row["id"] for row in rows}) == len(rows)
    header = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert header[:4] == ["id", "api_url", "name_en", "name_ar"]
    assert "parent.name_en" in header
    qatar = next(row for row in rows if row["name_ar"] == "دولة قطر")
    assert qatar["country"] == "QA"


def test_a_filter_across_a_relation_lists_each_record_once_in_one_query(viewer_api):
    from tests.factories import PositionFactory

    first = PositionFactory(title_en="Director")
    PositionFactory(person=first.person, organization=first.organization, title_en="Acting Head", starts_on="2020-01-01")
    PositionFactory(organization=first.organization)
    viewer_api.get("/api/people/")
    with CaptureQueriesContext(connection) as queries:
        rows = viewer_api.get("/api/people/", {"organization": first.organization.pk}).json()["results"]
    assert sorted(row["id"] for row in rows) == sorted({first.person.pk, *Person.objects.filter(positions__organization=first.organization).values_list("pk", flat=True)})
    assert len(rows) == 2
    assert len(statements(queries)) == 2  # the organisation named in the filter is looked up, then the page
    assert "DISTINCT" not in statements(queries)[-1]


# What the read path cannot express stops the app, naming the serializer and the field.


def test_every_routed_viewset_reads_through_a_plan_of_its_serializers():
    assert check_read_plans() == []


class WithMethodField(PlainOrganizationSerializer):
    shouting = serializers.SerializerMethodField()

    class Meta(PlainOrganizationSerializer.Meta):
        fields = [*PlainOrganizationSerializer.Meta.fields, "shouting"]

    def get_shouting(self, organization):
        return organization.name_en.upper()


class WithPropertySource(PlainOrganizationSerializer):
    founded = serializers.CharField(source="founded_display", read_only=True)

    class Meta(PlainOrganizationSerializer.Meta):
        fields = [*PlainOrganizationSerializer.Meta.fields, "founded"]


@pytest.mark.parametrize(
    "serializer_class, field", [(WithMethodField, "shouting"), (WithPropertySource, "founded")]
)
def test_a_field_the_read_path_cannot_read_fails_naming_serializer_and_field(serializer_class, field):
    with pytest.raises(UnreadableField, match=rf"^{serializer_class.__name__}\.{field} "):
        ReadPlan(serializer_class(), Organization)


def test_the_start_up_check_refuses_a_viewset_with_unreadable_fields_or_unused_prefetches():
    class MethodFieldViewSet(DatabaseShapedReadMixin, viewsets.ModelViewSet):
        queryset = Organization.objects.all()
        serializer_class = WithMethodField

    class PrefetchingViewSet(DatabaseShapedReadMixin, viewsets.ModelViewSet):
        queryset = Organization.objects.prefetch_related("aliases")
        serializer_class = PlainOrganizationSerializer

    assert {error.id for error in read_plan_errors(MethodFieldViewSet)} == {"crm.E001"}
    assert "WithMethodField.shouting" in read_plan_errors(MethodFieldViewSet)[0].msg
    assert {error.id for error in read_plan_errors(PrefetchingViewSet)} == {"crm.E002"}


def test_a_csv_export_that_cannot_start_fails_before_its_first_byte(seeded, viewer_api, monkeypatch):
    def broken(csv_plan, queryset, keys, request):
        raise RuntimeError("the database went away")
        yield b""

    monkeypatch.setattr("crm.api.exports.CSVPlan.chunks", broken)
    response = viewer_api.get("/api/organizations/", {"format": "csv"})
    stream = iter(response.streaming_content)
    with pytest.raises(RuntimeError):
        next(stream)  # no header row was sent first


def test_a_csv_export_that_fails_midway_ends_unfinished_rather_than_looking_complete(seeded, viewer_api, monkeypatch):
    from crm.api.exports import CSVPlan

    def fails_after_the_first_chunk(csv_plan, queryset, keys, request):
        chunks = real(csv_plan, queryset, keys, request)
        yield next(chunks)
        chunks.close()
        raise RuntimeError("the database went away")

    real = CSVPlan.chunks
    monkeypatch.setattr(CSVPlan, "chunks", fails_after_the_first_chunk)
    response = viewer_api.get("/api/organizations/", {"format": "csv"})
    stream = iter(response.streaming_content)
    first = next(stream).decode("utf-8-sig")
    assert first.startswith("id,") and len(first.splitlines()) > 1  # the header and rows
    with pytest.raises(RuntimeError):
        list(stream)


@pytest.mark.parametrize(
    "url",
    [
        "/api/organizations/",
        "/api/people/",
        "/api/agreements/",
        "/api/funding-commitments/",
        "/api/meetings/",
        "/api/focal-areas/",
        "/api/sources/",
        "/api/organizations/2/partners/?include_units=true",
    ],
)
def test_a_csv_export_holds_the_cells_of_the_json_list(seeded, viewer_api, url):
    """The export reads nested records as joined columns, not as the JSON the list reads: every
    cell must still be the list's value, as `csv_cell` writes it."""
    exported, listed = api_csv_and_json_cells(viewer_api, url)
    assert exported == listed
    assert exported
