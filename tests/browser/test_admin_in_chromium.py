"""The admin as staff use it, in headless Chromium: log in, log an agreement, Arabic, the dashboard."""
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import expect

from agreements.models import Agreement

from .conftest import PASSWORD

# The live server answers from another thread, so the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

AGREEMENT_TITLE = "Memorandum of understanding between UNCCT and Etidal on online counter-messaging"


def choose_in_autocomplete(page, select_id, search, option_text):
    """Open a select2 autocomplete widget, type a search and pick the result that shows option_text."""
    page.locator(f"#{select_id} + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially(search, delay=20)
    page.locator(".select2-results__option", has_text=option_text).click()
    expect(page.locator(f"#select2-{select_id}-container")).to_contain_text(option_text)


def switch_to_arabic(page):
    with page.expect_navigation():
        page.select_option("select[name=language]", "ar")


def test_staff_log_in_through_the_login_form(page, live_server, superuser, screenshot):
    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", superuser.username)
    page.fill("#id_password", PASSWORD)
    screenshot("01-login-form")

    page.click("input[type=submit]")

    expect(page.locator("#user-tools")).to_contain_text(superuser.username)
    expect(page.locator("#content h1")).to_have_text("Site administration")
    screenshot("02-admin-index")


def test_an_agreement_with_two_parties_and_a_commitment_is_logged_on_one_page(page, live_server, log_in, screenshot):
    log_in()
    page.goto(f"{live_server.url}/admin/agreements/agreement/add/")
    page.select_option("#id_kind", "mou")
    page.fill("#id_title_en", AGREEMENT_TITLE)

    choose_in_autocomplete(page, "id_parties-0-organization", "اعتدال", "(Etidal)")
    page.locator("#parties-group .add-row a").click()
    choose_in_autocomplete(page, "id_parties-1-organization", "UNCCT", "(UNCCT)")

    page.locator("#commitments-group .add-row a").click()
    choose_in_autocomplete(page, "id_commitments-0-donor", "السعودية", "Kingdom of Saudi Arabia")
    choose_in_autocomplete(page, "id_commitments-0-recipient", "UNCCT", "(UNCCT)")
    page.fill("#id_commitments-0-amount", "250000")
    page.fill("#id_commitments-0-currency", "USD")
    screenshot("03-agreement-form-filled")

    page.click("input[name=_save]")

    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    screenshot("04-agreement-saved")
    agreement = Agreement.objects.get(title_en=AGREEMENT_TITLE)
    assert agreement.kind == Agreement.Kind.MOU
    assert sorted(party.organization.acronym for party in agreement.parties.all()) == ["Etidal", "UNCCT"]
    commitment = agreement.commitments.get()
    assert (commitment.donor.name_en, commitment.recipient.acronym) == ("Kingdom of Saudi Arabia", "UNCCT")
    assert (commitment.amount, commitment.currency) == (Decimal("250000"), "USD")


def test_the_language_menu_switches_the_admin_to_arabic_right_to_left(page, live_server, log_in, screenshot):
    log_in()
    page.goto(f"{live_server.url}/admin/agreements/agreement/")

    switch_to_arabic(page)

    with translation.override("ar"):
        agreement_in_arabic = str(Agreement._meta.verbose_name)
    assert agreement_in_arabic != "agreement"
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("#content h1")).to_contain_text(agreement_in_arabic)
    screenshot("05-agreements-in-arabic")


def test_the_dashboard_chart_is_drawn_left_to_right_and_mirrored_in_arabic(page, live_server, log_in, screenshot):
    log_in()
    page.get_by_role("link", name="Dashboard", exact=True).click()

    chart = page.locator("svg.funding-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("title").first).to_have_text("Pledged and received by donor, in USD")
    expect(chart.locator(".donor-label").first).to_have_text("State of Qatar")
    label, bar = chart.locator(".donor-label").first.bounding_box(), chart.locator(".bar-pledged").first.bounding_box()
    assert label["x"] + label["width"] <= bar["x"]
    screenshot("06-dashboard")

    switch_to_arabic(page)

    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(chart).to_be_visible()
    expect(chart.locator(".donor-label").first).to_have_text("دولة قطر")
    label, bar = chart.locator(".donor-label").first.bounding_box(), chart.locator(".bar-pledged").first.bounding_box()
    assert bar["x"] + bar["width"] <= label["x"]
    screenshot("07-dashboard-in-arabic")


def test_every_kind_of_page_works_under_the_content_security_policy(page, live_server, log_in, screenshot):
    """The policy refuses inline and foreign scripts; the admin's widgets, the dashboard chart and
    the API docs must not need any."""
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    log_in()

    page.goto(f"{live_server.url}/admin/agreements/agreement/add/")
    choose_in_autocomplete(page, "id_parties-0-organization", "UNCCT", "UNCCT")  # select2 runs
    page.goto(f"{live_server.url}/admin/dashboard/")
    expect(page.locator("svg.funding-chart")).to_be_visible()
    response = page.goto(f"{live_server.url}/api/docs/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.locator("#swagger-ui .info .title")).to_contain_text("Partnership CRM API")  # Swagger UI ran
    screenshot("08-api-docs-under-the-policy")

    assert refused == []


def test_an_injected_inline_script_is_refused(page, live_server, log_in):
    log_in()
    page.goto(f"{live_server.url}/admin/")
    ran = page.evaluate(
        """() => new Promise(resolve => {
            window.ranInline = false;
            const script = document.createElement("script");
            script.textContent = "window.ranInline = true";
            document.body.appendChild(script);
            setTimeout(() => resolve(window.ranInline), 100);
        })"""
    )
    assert ran is False
