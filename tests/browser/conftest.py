"""Headless Chromium, driven by Playwright, against the live test server.

Chromium comes from Debian (`make test` installs it); Playwright never downloads a browser.
"""
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",  # the tests run as root
    "--disable-gpu",
    # No calls home: the machine has no network and Chromium would retry them.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"
PASSWORD = "browser-test-password"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium is missing ({CHROMIUM}): run `make test`, which installs it with apt.")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, and Django refuses ORM
    # calls when it sees one. Django documents this variable as the way out; it is set only while
    # the browser runs, so the rest of the suite keeps the check.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot to artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name):
        page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def superuser(django_user_model, seeded):
    """A superuser on a database holding the seed data (loaded by `seed_data_load()`)."""
    return django_user_model.objects.create_superuser(username="staff", email="", password=PASSWORD)


@pytest.fixture
def log_in(page, live_server, superuser):
    """Log in through the admin's login form."""

    def log_in_now():
        page.goto(f"{live_server.url}/admin/")
        page.fill("#id_username", superuser.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_selector("#user-tools")

    return log_in_now
