import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from agreements.models import FundingCommitment
from meetings.models import Meeting
from partners.models import Organization
from tests.factories import (
    AgreementFactory,
    AgreementPartyFactory,
    FundingCommitmentFactory,
    MeetingFactory,
    OrganizationFactory,
    PaymentFactory,
)

pytestmark = pytest.mark.django_db

DASHBOARD_URL = "/admin/dashboard/"


def funding_figures(response, currency):
    """The dashboard's figures for one currency: donors by name, and years."""
    [figures] = [figures for figures in response.context["funding"] if figures["currency"] == currency]
    return {donor["name"]: donor for donor in figures["donors"]}, {year["year"]: year for year in figures["years"]}


def test_dashboard_totals_the_seed_pledge_by_donor_and_year_in_its_currency(seeded, admin_client):
    response = admin_client.get(DASHBOARD_URL)

    assert response.status_code == 200
    assert [figures["currency"] for figures in response.context["funding"]] == ["USD"]
    donors, years = funding_figures(response, "USD")
    qatar = donors["State of Qatar"]
    assert (qatar["pledged"], qatar["received"], qatar["outstanding"]) == (
        Decimal("75000000"),
        Decimal("0"),
        Decimal("75000000"),
    )
    assert years[2018]["pledged"] == Decimal("75000000")
    assert "75,000,000" in response.content.decode()


def test_amounts_in_two_currencies_are_never_added_together(admin_client):
    donor = OrganizationFactory(name_en="Kingdom of Norway")
    FundingCommitmentFactory(donor=donor, amount=Decimal("100"), currency="USD", committed_on=datetime.date(2024, 3, 1))
    FundingCommitmentFactory(donor=donor, amount=Decimal("50"), currency="EUR", committed_on=datetime.date(2024, 3, 1))

    response = admin_client.get(DASHBOARD_URL)

    assert [figures["currency"] for figures in response.context["funding"]] == ["EUR", "USD"]
    assert funding_figures(response, "USD")[0]["Kingdom of Norway"]["pledged"] == Decimal("100")
    assert funding_figures(response, "EUR")[0]["Kingdom of Norway"]["pledged"] == Decimal("50")
    assert funding_figures(response, "USD")[1][2024]["pledged"] == Decimal("100")
    assert funding_figures(response, "EUR")[1][2024]["pledged"] == Decimal("50")
    funding_section = re.search(r'<section[^>]*"funding-heading".*?</section>', response.content.decode(), re.DOTALL)
    assert "150" not in funding_section.group(0)


def test_a_cancelled_pledge_counts_in_no_total(admin_client):
    donor = OrganizationFactory(name_en="Kingdom of Norway")
    FundingCommitmentFactory(donor=donor, amount=Decimal("1000"), committed_on=datetime.date(2024, 3, 1))
    cancelled = FundingCommitmentFactory(
        donor=donor,
        amount=Decimal("500"),
        status=FundingCommitment.Status.CANCELLED,
        committed_on=datetime.date(2024, 3, 1),
    )
    # Paid before it was cancelled: left out too, as the API's funding summary does.
    PaymentFactory(commitment=cancelled, amount=Decimal("40"), received_on=datetime.date(2024, 2, 1))

    response = admin_client.get(DASHBOARD_URL)

    donors, years = funding_figures(response, "USD")
    norway = donors["Kingdom of Norway"]
    assert (norway["pledged"], norway["received"], norway["outstanding"]) == (
        Decimal("1000"),
        Decimal("0"),
        Decimal("1000"),
    )
    assert (years[2024]["pledged"], years[2024]["received"]) == (Decimal("1000"), Decimal("0"))


def test_received_is_the_sum_of_payments_by_the_year_they_arrived(admin_client):
    donor = OrganizationFactory(name_en="Kingdom of Norway")
    commitment = FundingCommitmentFactory(donor=donor, amount=Decimal("1000"), committed_on=datetime.date(2022, 6, 1))
    PaymentFactory(commitment=commitment, amount=Decimal("100"), received_on=datetime.date(2023, 5, 1))
    PaymentFactory(commitment=commitment, amount=Decimal("250.5"), received_on=datetime.date(2024, 1, 10))

    response = admin_client.get(DASHBOARD_URL)

    donors, years = funding_figures(response, "USD")
    norway = donors["Kingdom of Norway"]
    assert (norway["received"], norway["outstanding"]) == (Decimal("350.5"), Decimal("649.5"))
    assert (years[2022]["pledged"], years[2022]["received"]) == (Decimal("1000"), Decimal("0"))
    assert years[2023]["received"] == Decimal("100")
    assert years[2024]["received"] == Decimal("250.5")
    assert "350.5" in response.content.decode()


def test_an_undated_pledge_is_grouped_under_date_unknown(empty_database, admin_client):
    FundingCommitmentFactory(amount=Decimal("700"), committed_on=None)
    FundingCommitmentFactory(amount=Decimal("300"), committed_on=datetime.date(2021, 1, 1))

    response = admin_client.get(DASHBOARD_URL)

    [figures] = response.context["funding"]
    assert [(year["year"], year["pledged"]) for year in figures["years"]] == [
        (2021, Decimal("300")),
        (None, Decimal("700")),
    ]
    assert "date unknown" in response.content.decode()


def test_agreements_expiring_within_90_days_are_listed_and_later_ones_are_not(admin_client):
    today = timezone.localdate()
    soon = AgreementFactory(title_en="Expires in a month", expires_on=today + datetime.timedelta(days=30))
    AgreementPartyFactory(agreement=soon, organization=OrganizationFactory(acronym="UNCCT"))
    AgreementFactory(title_en="Expires next year", expires_on=today + datetime.timedelta(days=200))
    AgreementFactory(title_en="Already expired", expires_on=today - datetime.timedelta(days=1))

    response = admin_client.get(DASHBOARD_URL)

    rows = response.context["expiring_agreements"]
    assert [(row["title"], row["days_left"], row["parties"]) for row in rows] == [("Expires in a month", 30, "UNCCT")]
    table = re.search(r'<table id="expiring-agreements">.*?</table>', response.content.decode(), re.DOTALL).group(0)
    assert reverse("admin:agreements_agreement_change", args=[soon.pk]) in table
    assert "Expires next year" not in table


def test_planned_follow_ups_are_listed_in_date_order_with_the_meeting_they_follow(seeded, admin_client):
    first_dialogue = Meeting.objects.get(title_en="First strategic dialogue between the State of Qatar and UNOCT")
    next_year = timezone.localdate().year + 1
    MeetingFactory(
        title_en="Third strategic dialogue",
        status=Meeting.Status.PLANNED,
        follows=first_dialogue,
        starts_on=datetime.date(next_year, 3, 1),
        starts_precision="month",
    )
    MeetingFactory(title_en="Workshop on youth engagement", status=Meeting.Status.PLANNED)

    response = admin_client.get(DASHBOARD_URL)

    follow_ups = response.context["follow_ups"]
    assert [(row["title"], row["follows_title"], row["is_overdue"]) for row in follow_ups] == [
        ("Second strategic dialogue between the State of Qatar and UNOCT", first_dialogue.title_en, True),
        ("Third strategic dialogue", first_dialogue.title_en, False),
    ]
    assert [row["title"] for row in response.context["planned_meetings"]] == ["Workshop on youth engagement"]
    html = response.content.decode()
    # Dates are shown no more precisely than they are known.
    assert "2019" in html
    assert f"March {next_year}" in html


def test_latest_changes_say_who_changed_what_and_link_to_the_record(admin_client, admin_user):
    organisation = OrganizationFactory(name_en="Hedayah")
    organisation.name_en = "Hedayah International Centre"
    organisation._history_user = admin_user
    organisation.save()

    response = admin_client.get(DASHBOARD_URL)

    latest = response.context["latest_changes"][0]
    assert (latest["label"], latest["entry"].history_user, latest["entry"].history_type) == (
        "Hedayah International Centre",
        admin_user,
        "~",
    )
    html = response.content.decode()
    assert reverse("admin:partners_organization_change", args=[organisation.pk]) in html
    assert "Changed" in html


def test_latest_changes_are_at_most_fifteen_newest_first(seeded, admin_client):
    response = admin_client.get(DASHBOARD_URL)

    dates = [change["entry"].history_date for change in response.context["latest_changes"]]
    assert len(dates) == 15
    assert dates == sorted(dates, reverse=True)


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(DASHBOARD_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_viewer_opens_the_dashboard_from_the_header_and_the_index(seeded, viewer_client):
    assert viewer_client.get(DASHBOARD_URL).status_code == 200
    index = viewer_client.get(reverse("admin:index")).content.decode()
    assert index.count(f'href="{DASHBOARD_URL}"') == 2


def test_staff_without_permission_to_view_agreements_is_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="clerk", password="x", is_staff=True))

    assert client.get(DASHBOARD_URL).status_code == 403
    assert DASHBOARD_URL not in client.get(reverse("admin:index")).content.decode()


def test_dashboard_query_count_does_not_grow_with_the_number_of_commitments(seeded, admin_client):
    def dashboard_queries():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(DASHBOARD_URL).status_code == 200
        return len(queries)

    def add_commitments(count):
        for index in range(count):
            commitment = FundingCommitmentFactory(
                currency=["USD", "EUR"][index % 2], committed_on=datetime.date(2015 + index % 5, 1, 1)
            )
            PaymentFactory(commitment=commitment)
            AgreementFactory(expires_on=timezone.localdate() + datetime.timedelta(days=10))

    dashboard_queries()  # caches warmed, such as content types
    add_commitments(2)
    with_two = dashboard_queries()
    add_commitments(18)
    with_twenty = dashboard_queries()

    assert with_two == with_twenty


def test_the_chart_is_inline_svg_and_the_page_loads_nothing_from_elsewhere(seeded, admin_client):
    html = admin_client.get(DASHBOARD_URL).content.decode()

    svg = re.search(r'<svg class="funding-chart".*?</svg>', html, re.DOTALL).group(0)
    assert 'role="img"' in svg
    assert "<title" in svg and "<desc" in svg
    assert "State of Qatar" in svg
    assert 'direction="ltr"' in svg
    assert not re.search(r"<script[^>]+src=\"https?:", html)
    # Only the SVG namespace name, which is never fetched, may be an absolute address.
    assert not re.search(r"(src|href|action)=\"(https?:)?//", html)
    assert not re.search(r"url\(['\"]?(https?:)?//", html)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html)) <= {"http://www.w3.org/2000/svg"}


def test_the_chart_is_mirrored_in_the_arabic_admin(seeded, admin_client):
    admin_client.post("/i18n/setlang/", {"language": "ar", "next": DASHBOARD_URL})

    response = admin_client.get(DASHBOARD_URL)

    html = response.content.decode()
    assert 'dir="rtl"' in html
    [figures] = response.context["funding"]
    chart = figures["chart"]
    assert chart["direction"] == "rtl"
    row = chart["rows"][0]
    pledged = row["bars"][0]
    # Labels sit on the right and bars grow leftwards from beside them.
    assert pledged["x"] + pledged["width"] < row["label_x"]
    assert row["donor"]["name"] == Organization.objects.get(name_en="State of Qatar").name_ar
    assert 'direction="rtl"' in html
    # Coordinates are never written with an Arabic decimal comma.
    svg = re.search(r'<svg class="funding-chart".*?</svg>', html, re.DOTALL).group(0)
    assert not re.search(r'(x|y|width)="\d+,\d', svg)


def test_the_recent_changes_give_the_seed_data_reason_in_the_readers_language(seeded, admin_client):
    admin_client.post("/i18n/setlang/", {"language": "ar", "next": "/admin/"})

    html = admin_client.get("/admin/dashboard/").content.decode()

    assert "حُمِّل من البيانات الأولية" in html
    assert "Loaded from the seed data" not in html


def test_amounts_read_the_same_in_both_languages_grouped_by_commas(seeded, admin_client):
    """Django's Arabic format groups thousands with a full stop ("75.000.000"), which reads as a
    decimal point; the dashboard writes amounts as the admin's lists do."""
    admin_client.post("/i18n/setlang/", {"language": "ar", "next": "/admin/"})

    html = admin_client.get("/admin/dashboard/").content.decode()

    assert "75,000,000" in html
    assert "75.000.000" not in html
