"""The admin as staff use it, in headless Chromium: log in, log an agreement, Arabic, the dashboard."""
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from agreements.models import Agreement
from partners.models import Organization, Person

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


OIC_MOU = {
    "en": {"title": "Memorandum of understanding between the OIC and UNOCT", "signed": "2018-09"},
    "ar": {"title": "مذكرة تفاهم بين منظمة التعاون الإسلامي ومكتب الأمم المتحدة لمكافحة الإرهاب", "signed": "٢٠١٨-٠٩"},
}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_oic_unoct_mou_is_logged_with_a_new_organisation_and_a_prefilled_signatory(
    page, live_server, log_in, screenshot, language
):
    """September 2018: the OIC and UNOCT sign an MoU. The OIC is not on file yet; Voronkov signs
    for UNOCT, and his title comes from his position; the day is not known, only the month."""
    voronkov = Person.objects.get(name_en="Vladimir Voronkov")
    unoct = Organization.objects.get(acronym="UNOCT")
    position = voronkov.position_on(date(2018, 9, 1), unoct)
    log_in()
    page.goto(f"{live_server.url}/admin/agreements/agreement/add/")
    if language == "ar":
        switch_to_arabic(page)
    with translation.override(language):
        voronkov_shown, unoct_shown = str(voronkov), str(unoct)

    page.select_option("#id_kind", "mou")
    page.select_option("#id_status", "signed")
    page.fill(f"#id_title_{language}", OIC_MOU[language]["title"])
    page.fill("#id_signed_on", OIC_MOU[language]["signed"])
    choose_in_autocomplete(page, "id_parties-0-organization", "UNOCT", unoct_shown)
    choose_in_autocomplete(page, "id_parties-0-signatory", "فورنكوف", voronkov_shown)  # a misspelling finds him
    expect(page.locator("#id_parties-0-signatory_title_en")).to_have_value(position.title_en)
    expect(page.locator("#id_parties-0-signatory_title_ar")).to_have_value(position.title_ar)

    page.locator("#parties-group .add-row a").click()
    # Not on file yet: the search says so and how to add it.
    page.locator("#id_parties-1-organization + .select2-container .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially("التعاون الإسلامي", delay=20)
    with translation.override(language):
        hint = str(_("Not on file yet? Add it with the green + beside the field."))
    expect(page.locator(".select2-results .autocomplete-add-hint")).to_have_text(hint)
    page.keyboard.press("Escape")
    with page.expect_popup() as opened:
        page.locator("#add_id_parties-1-organization").click()
    popup = opened.value
    popup.fill("#id_name_en", "Organisation of Islamic Cooperation")
    popup.fill("#id_name_ar", "منظمة التعاون الإسلامي")
    popup.fill("#id_acronym", "OIC")
    popup.select_option("#id_kind", "regional_organization")
    popup.click("input[name=_save]")
    popup.wait_for_event("close")
    expect(page.locator("#select2-id_parties-1-organization-container")).to_contain_text("(OIC)")
    screenshot(f"09-oic-mou-filled-{language}")

    page.click("input[name=_save]")

    expect(page.locator(".messagelist .success")).to_be_visible()
    screenshot(f"10-oic-mou-saved-{language}")
    found = page.request.get(f"{live_server.url}/api/agreements/", params={"search": "OIC", "format": "json"}).json()
    [agreement] = found["results"]
    assert agreement[f"title_{language}"] == OIC_MOU[language]["title"]
    assert (agreement["signed_on"], agreement["signed_precision"]) == ("2018-09-01", "month")
    signatories = {party["organization"]["acronym"]: party for party in agreement["parties"]}
    assert set(signatories) == {"OIC", "UNOCT"}
    assert signatories["UNOCT"]["signatory_title_en"] == position.title_en


def test_a_newcomer_put_in_editor_logs_in_and_adds_a_record_and_a_viewer_only_reads(
    browser, live_server, log_in, page, staff_roles, django_user_model, screenshot
):
    """As the README says: the administrator ticks a role on the user page, nothing else."""
    for username in ("new-editor", "new-viewer"):
        django_user_model.objects.create_user(username, password=PASSWORD)
    log_in()
    for username, role in (("new-editor", "editor"), ("new-viewer", "viewer")):
        user = django_user_model.objects.get(username=username)
        page.goto(f"{live_server.url}/admin/auth/user/{user.pk}/change/")
        page.select_option("#id_groups_from", label=role)
        page.click("#id_groups_add")
        page.click("input[name=_save]")
        expect(page.locator(".messagelist .success")).to_be_visible()

    def session_of(username):
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        own_page = context.new_page()
        own_page.goto(f"{live_server.url}/admin/")
        own_page.fill("#id_username", username)
        own_page.fill("#id_password", PASSWORD)
        own_page.click("input[type=submit]")
        expect(own_page.locator("#user-tools")).to_contain_text(username)
        return context, own_page

    context, editor = session_of("new-editor")
    editor.goto(f"{live_server.url}/admin/partners/focalarea/add/")
    editor.fill("#id_code", "aviation-security")
    editor.fill("#id_name_en", "Aviation security")
    editor.fill("#id_name_ar", "أمن الطيران")
    editor.click("input[name=_save]")
    expect(editor.locator(".messagelist .success")).to_be_visible()
    screenshot_of(editor, "11-editor-added-a-record")
    context.close()

    context, viewer = session_of("new-viewer")
    viewer.goto(f"{live_server.url}/admin/partners/focalarea/")
    expect(viewer.locator("#result_list")).to_contain_text("Aviation security")
    expect(viewer.locator(".object-tools .addlink")).to_have_count(0)
    assert viewer.goto(f"{live_server.url}/admin/partners/focalarea/add/").status == 403
    viewer.goto(f"{live_server.url}/admin/partners/focalarea/")
    viewer.get_by_role("link", name="Aviation security").click()
    expect(viewer.locator("input[name=_save]")).to_have_count(0)  # a read-only page
    screenshot_of(viewer, "12-viewer-reads-only")
    context.close()


def screenshot_of(page, name):
    from .conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@pytest.mark.parametrize("path, model", [
    ("partners/organization", Organization), ("agreements/agreement", Agreement), ("meetings/meeting", None),
])
def test_arabic_pages_name_records_in_arabic_in_heading_inlines_and_autocomplete(page, live_server, log_in, path, model):
    from meetings.models import Meeting

    record = (model or Meeting).objects.order_by("pk").first()
    log_in()
    page.goto(f"{live_server.url}/admin/{path}/{record.pk}/change/")
    switch_to_arabic(page)
    with translation.override("ar"):
        arabic_name = str(record)

    expect(page.locator("#content h2").first).to_have_text(arabic_name)
    chosen = page.locator(".inline-group .select2-selection__rendered")
    assert chosen.count() > 0
    shown = " ".join(chosen.all_inner_texts())
    assert sum("\u0600" <= letter <= "\u06ff" for letter in shown) > sum(letter.isascii() and letter.isalpha() for letter in shown)
