"""The partner list, `organizations/{id}/partners/`: who an organisation works with, through
which agreements and meetings, and since when; and the organisation list's `partner_of`."""
import csv
import io
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.api.exports import csv_cell
from tests.factories import AgreementPartyFactory, MeetingFactory, OrganizationFactory, ParticipantFactory

pytestmark = pytest.mark.django_db

UNOCT, UNCCT, ETIDAL, QATAR, IMCTC = 2, 3, 5, 7, 27
UNCCT_PARTNERS = f"/api/organizations/{UNCCT}/partners/"


def partner_ids(response):
    assert response.status_code == 200, response.content
    return [row["organization"]["id"] for row in response.json()["results"]]


def test_uncct_partners_include_etidal_and_imctc_but_not_its_own_family(seeded, viewer_api):
    ids = partner_ids(viewer_api.get(f"/api/organizations/{UNCCT}/partners/"))
    assert {ETIDAL, IMCTC} <= set(ids)
    assert UNCCT not in ids and UNOCT not in ids


def test_partner_lists_the_linking_agreement_and_latest_contact_with_its_precision(seeded, viewer_api):
    rows = viewer_api.get(f"/api/organizations/{UNCCT}/partners/").json()["results"]
    imctc = next(row for row in rows if row["organization"]["id"] == IMCTC)
    assert imctc["organization"]["name_ar"] == "التحالف الإسلامي العسكري لمحاربة الإرهاب"
    assert [agreement["kind"] for agreement in imctc["agreements"]] == ["mou"]
    assert (imctc["latest_contact_on"], imctc["latest_contact_precision"]) == ("2025-02-01", "month")
    dates = [row["latest_contact_on"] for row in rows if row["latest_contact_on"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.django_db
def test_partner_latest_contact_takes_date_and_precision_from_the_same_link(viewer_api):
    """A partner met in May 2024 (day unknown) and signing on 1 May 2024 was last in touch
    "May 2024": the tie keeps the less precise date; the newest link wins otherwise, whichever
    kind it is, and the partner's own links are listed with it."""
    office, partner, other = OrganizationFactory.create_batch(3)
    signed = AgreementPartyFactory(organization=office, agreement__signed_on=date(2024, 5, 1)).agreement
    AgreementPartyFactory(organization=partner, agreement=signed)
    met = MeetingFactory(starts_on=date(2024, 5, 1), starts_precision="month")
    ParticipantFactory(meeting=met, organization=office)
    ParticipantFactory(meeting=met, organization=partner)
    older = AgreementPartyFactory(organization=office, agreement__signed_on=date(2023, 1, 1)).agreement
    AgreementPartyFactory(organization=other, agreement=older)
    later = MeetingFactory(starts_on=date(2024, 6, 3))
    ParticipantFactory(meeting=later, organization=office)
    ParticipantFactory(meeting=later, organization=other)

    rows = viewer_api.get(f"/api/organizations/{office.pk}/partners/").json()["results"]

    assert [(row["organization"]["id"], row["latest_contact_on"], row["latest_contact_precision"]) for row in rows] == [
        (other.pk, "2024-06-03", "day"),
        (partner.pk, "2024-05-01", "month"),
    ]
    assert [agreement["id"] for agreement in rows[1]["agreements"]] == [signed.pk]
    assert [meeting["id"] for meeting in rows[1]["meetings"]] == [met.pk]


def test_partner_list_csv_export_lists_every_partner_from_one_query(seeded, viewer_api, monkeypatch):
    monkeypatch.setattr("crm.api.exports.CSV_CHUNK_ROWS", 2)  # several chunks from the seed data
    listed = viewer_api.get(f"/api/organizations/{UNOCT}/partners/", {"include_units": "true"}).json()["results"]
    with CaptureQueriesContext(connection) as queries:
        response = viewer_api.get(f"/api/organizations/{UNOCT}/partners/", {"include_units": "true", "format": "csv"})
        text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    exported = list(csv.DictReader(io.StringIO(text)))
    # The export plans each partner's links its own way; they must be the page's.
    columns = ["organization.id", "latest_contact_on", "agreements", "meetings"]
    assert [[row[column] for column in columns] for row in exported] == [
        [str(csv_cell(row, column)) for column in columns] for row in listed
    ]
    assert len(listed) > 2 and any(row["meetings"] for row in listed)
    # The latest contacts are read once for the whole export (computed from the links, or from the
    # relation PostgreSQL keeps), not once per chunk.
    assert sum(
        "partner_links" in query["sql"] or "network_partnership" in query["sql"] for query in queries.captured_queries
    ) == 1


def test_parent_partner_list_includes_its_units_partners_only_when_asked(seeded, viewer_api):
    own = partner_ids(viewer_api.get(f"/api/organizations/{UNOCT}/partners/", {"page_size": 100}))
    with_units = partner_ids(
        viewer_api.get(f"/api/organizations/{UNOCT}/partners/", {"include_units": "true", "page_size": 100})
    )
    assert ETIDAL not in own
    assert {ETIDAL, IMCTC, QATAR} <= set(with_units)
    assert UNCCT not in with_units


def test_partner_list_filters_by_kind_of_link_and_date(seeded, viewer_api):
    url = f"/api/organizations/{UNCCT}/partners/"
    assert ETIDAL in partner_ids(viewer_api.get(url, {"link": "agreement"}))
    assert ETIDAL not in partner_ids(viewer_api.get(url, {"link": "meeting"}))
    assert partner_ids(viewer_api.get(url, {"contact_after": "2025-01-01"})) == [IMCTC]
    assert viewer_api.get(url, {"link": "letter"}).status_code == 400


def test_partner_list_filters_by_focal_area_and_its_narrower_areas(seeded, viewer_api):
    url = f"/api/organizations/{UNCCT}/partners/"
    assert viewer_api.get(url, {"focal_area": "no-such-area"}).json()["results"] == []
    assert ETIDAL in partner_ids(viewer_api.get(url, {"focal_area": "pcve"}))


def test_organisation_list_filters_by_partner_of_kind_and_country(seeded, viewer_api):
    partners = viewer_api.get("/api/organizations/", {"partner_of": UNCCT, "page_size": 100}).json()["results"]
    assert {ETIDAL, IMCTC} <= {row["id"] for row in partners}
    states = viewer_api.get("/api/organizations/", {"kind": "member_state", "country": "QA"}).json()["results"]
    assert [row["id"] for row in states] == [QATAR]
    assert viewer_api.get("/api/organizations/", {"country": "XX"}).status_code == 400


# Every filter narrows the partners, never the organisation whose list it is (UNCCT is a UN
# entity with no country: these filters once answered 404 by testing it instead).


def test_partner_list_filters_partners_by_kind(seeded, viewer_api):
    rows = viewer_api.get(UNCCT_PARTNERS, {"kind": "coalition"}).json()["results"]
    assert [row["organization"]["id"] for row in rows] == [IMCTC]
    both = partner_ids(viewer_api.get(UNCCT_PARTNERS, {"kind": ["coalition", "centre_of_excellence"]}))
    assert {ETIDAL, IMCTC} <= set(both)


def test_partner_list_filters_partners_by_country(seeded, viewer_api):
    rows = viewer_api.get(UNCCT_PARTNERS, {"country": "SA"}).json()["results"]
    assert {ETIDAL, IMCTC} <= {row["organization"]["id"] for row in rows}
    assert {row["organization"]["country"] for row in rows} == {"SA"}
    assert partner_ids(viewer_api.get(UNCCT_PARTNERS, {"country": "QA"})) == []


@pytest.mark.parametrize("term", ["اعتدال", "Etidal", "الفكر المتطرف"])
def test_partner_list_searches_the_partners_names_and_aliases(seeded, viewer_api, term):
    assert partner_ids(viewer_api.get(UNCCT_PARTNERS, {"search": term})) == [ETIDAL]


def test_partner_list_filters_by_latest_date_of_contact(seeded, viewer_api):
    before = partner_ids(viewer_api.get(UNCCT_PARTNERS, {"contact_before": "2022-01-01"}))
    assert ETIDAL in before and IMCTC not in before
    between = partner_ids(viewer_api.get(UNCCT_PARTNERS, {"contact_after": "2021-01-01", "contact_before": "2021-12-31"}))
    assert between == [ETIDAL]


def test_partner_list_filters_combine(seeded, viewer_api):
    url = f"/api/organizations/{UNOCT}/partners/"
    query = {"include_units": "true", "country": "SA", "link": "agreement", "focal_area": "pcve"}
    # Etidal's MoU with UNCCT serves PCVE; IMCTC's does not.
    assert partner_ids(viewer_api.get(url, query)) == [ETIDAL]
    assert partner_ids(viewer_api.get(url, {**query, "kind": "coalition"})) == []
    assert partner_ids(viewer_api.get(url, {**query, "kind": "coalition", "focal_area": ""})) == [IMCTC]
    assert partner_ids(viewer_api.get(url, {**query, "include_units": "false"})) == []


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"include_units": "maybe"}, "include_units"),
        ({"kind": "martian"}, "kind"),
        ({"country": "XX"}, "country"),
        ({"link": "letter"}, "link"),
        ({"contact_after": "yesterday"}, "contact_after"),
    ],
)
def test_a_bad_partner_filter_gets_400_naming_the_parameter(seeded, viewer_api, query, parameter):
    response = viewer_api.get(UNCCT_PARTNERS, query)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_an_unknown_organisation_has_no_partner_list(seeded, viewer_api):
    assert viewer_api.get("/api/organizations/999999/partners/").status_code == 404
    assert viewer_api.get("/api/organizations/abc/partners/").status_code == 404
    assert viewer_api.get(f"/api/organizations/{2**63}/partners/").status_code == 404  # beyond a bigint
    assert viewer_api.get("/api/organizations/-3/partners/").status_code == 404


def test_a_partner_line_shows_the_latest_twenty_shared_records_whichever_way_it_is_read(viewer_api):
    """Latest first, undated last, and on one day the last recorded first; the same twenty on a
    page read from the kept relation's ids (PostgreSQL; with include_units, the family's), as an
    ordinary organisation's, computed from the links (a filter), or exported."""
    office = OrganizationFactory()
    OrganizationFactory(parent=office)  # a unit, so that include_units reads the office as a family
    partner = OrganizationFactory()
    days = [date(2020, 1, 1 + index % 9) for index in range(22)] + [None] * 3
    meetings = [MeetingFactory(starts_on=day) for day in days]
    for meeting in meetings:
        ParticipantFactory(meeting=meeting, organization=office)
        ParticipantFactory(meeting=meeting, organization=partner)
    agreements = [AgreementPartyFactory(organization=office, agreement__signed_on=day).agreement for day in days]
    for agreement in agreements:
        AgreementPartyFactory(organization=partner, agreement=agreement)

    def latest(records, date_of):
        dated = sorted((record for record in records if date_of(record)), key=lambda r: (date_of(r), r.pk), reverse=True)
        undated = sorted((record for record in records if not date_of(record)), key=lambda r: r.pk, reverse=True)
        return [record.pk for record in (dated + undated)[:20]]

    expected = (latest(agreements, lambda r: r.signed_on), latest(meetings, lambda r: r.starts_on))
    url = f"/api/organizations/{office.pk}/partners/"
    cases = [
        ({"include_units": "true"}, expected, (25, 25)),
        ({}, expected, (25, 25)),
        ({"contact_after": "1900-01-01"}, expected, (22, 22)),  # the undated do not count
        ({"link": "meeting"}, ([], expected[1]), (0, 25)),
    ]
    for query, shown, counts in cases:
        (line,) = viewer_api.get(url, query).json()["results"]
        assert ([row["id"] for row in line["agreements"]], [row["id"] for row in line["meetings"]]) == shown, query
        assert (line["agreement_count"], line["meeting_count"]) == counts, query
    export = viewer_api.get(url, {"include_units": "true", "format": "csv"})
    (row,) = csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig")))
    assert [record["id"] for record in json.loads(row["meetings"])] == expected[1]


def every_id(api, url):
    """The ids of a whole paged list, following its `next` links."""
    ids, url = [], f"{url}&page_size=500"
    while url:
        page = api.get(url).json()
        ids += [row["id"] for row in page["results"]]
        url = page["next"]
    return ids


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"include_units": "true"},
        {"include_units": "true", "focal_area": "pcve"},
        {"include_units": "true", "contact_after": "2021-01-01", "contact_before": "2025-12-31"},
    ],
)
def test_each_partner_line_links_to_the_whole_list_of_the_records_it_counts(seeded, viewer_api, query):
    lines = viewer_api.get(f"/api/organizations/{UNOCT}/partners/", {**query, "page_size": 100}).json()["results"]
    assert lines
    for line in lines:
        agreements, meetings = every_id(viewer_api, line["agreements_url"]), every_id(viewer_api, line["meetings_url"])
        assert (len(agreements), len(meetings)) == (line["agreement_count"], line["meeting_count"]), line["organization"]
        assert {row["id"] for row in line["agreements"]} <= set(agreements)
        assert {row["id"] for row in line["meetings"]} <= set(meetings)


def test_a_partner_line_narrowed_to_one_kind_of_link_has_no_address_for_the_other(seeded, viewer_api):
    (line, *_) = viewer_api.get(UNCCT_PARTNERS, {"link": "meeting"}).json()["results"]
    assert line["agreements_url"] is None and line["meetings_url"].startswith("http://testserver/api/meetings/?")
