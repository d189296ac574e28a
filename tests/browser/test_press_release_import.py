"""Importing a press release in the admin, in English and in Arabic: paste it, read the draft,
correct one match, confirm. The review page must fit the window like every other page."""
import pytest
from playwright.sync_api import expect

from agreements.models import Agreement
from partners.models import Organization, Person
from tests.network.test_press_releases import MOROCCO_MOU_EN, TWO_MOUS_AR

from .test_admin_in_chromium import switch_to_arabic
from .test_every_page_fits import OVERFLOW

RELEASES = {
    "en": (MOROCCO_MOU_EN, "2026-03-04", "United Nations Office of Counter-Terrorism"),
    "ar": (TWO_MOUS_AR, "2026-03-16", "مكتب الأمم المتحدة لمكافحة الإرهاب"),
}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_release_is_pasted_a_match_corrected_and_confirmed(page, live_server, log_in, screenshot, language):
    text, published_on, unoct_as_written = RELEASES[language]
    unoct, uncct = Organization.objects.get(acronym="UNOCT"), Organization.objects.get(acronym="UNCCT")
    voronkov = Person.objects.get(name_en="Vladimir Voronkov")
    log_in()
    page.goto(f"{live_server.url}/admin/press-release/")
    if language == "ar":
        switch_to_arabic(page)
    page.fill("#id_text", text)
    page.fill("#id_published_on", published_on)
    page.locator(".submit-row button").click()

    first_event = page.locator("#event-0")
    expect(first_event).to_be_visible()
    unoct_row = first_event.locator(".release-organizations tr", has_text=unoct_as_written)
    expect(unoct_row.locator("select.release-record")).to_have_value(str(unoct.pk))
    # Misspelt in both releases («فورنكوف», "Vorokonvo"), found all the same.
    expect(first_event.locator(".release-people select.release-record").first).to_have_value(str(voronkov.pk))
    measured = page.evaluate(OVERFLOW)
    assert measured["scrollWidth"] <= 1280 and not measured["offenders"], measured
    screenshot(f"13-press-release-draft-{language}")

    # The office signed, say the release's readers, but the record is its centre's.
    unoct_row.locator("select.release-record").select_option(str(uncct.pk))
    page.locator(".submit-row button.default").click()

    expect(page.locator(".messagelist .success")).to_be_visible()
    screenshot(f"14-press-release-confirmed-{language}")
    created = Agreement.objects.filter(citations__source__text=text.strip()).distinct()  # as a form sends it
    assert created.count() == (1 if language == "en" else 2)
    first = created.order_by("pk").first()
    assert set(first.parties.values_list("organization", flat=True)) & {unoct.pk, uncct.pk} == {uncct.pk}
    assert first.parties.get(organization=uncct).signatory == voronkov
