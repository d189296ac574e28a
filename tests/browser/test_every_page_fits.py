"""Every admin page fits the window, in English and Arabic, at the widths staff use: no
horizontal scroll bar, and in Arabic nothing spilling off the left edge. Each page is saved as a
screenshot (artifacts/screenshots/pages/) to look at."""
import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = [1280, 1440]
LANGUAGES = ["en", "ar"]


def admin_pages(user):
    """The list, the add page, and the change and history pages of the first record, of every model in the admin."""
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        info = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        yield f"{model._meta.app_label}-{model._meta.model_name}-list", info
        if model_admin.has_add_permission(request):
            yield f"{model._meta.app_label}-{model._meta.model_name}-add", f"{info}add/"
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            yield f"{model._meta.app_label}-{model._meta.model_name}-change", f"{info}{first.pk}/change/"
            if hasattr(model, "history"):
                yield f"{model._meta.app_label}-{model._meta.model_name}-history", f"{info}{first.pk}/history/"
    yield "dashboard", "/admin/dashboard/"
    yield "calendar", "/admin/calendar/"
    yield "press-release-import", "/admin/press-release/"
    yield "index", "/admin/"


def logged_in_context(browser, live_server, user, language, width):
    """A browser with `language` chosen, logged in as `user` (or logged out, if None)."""
    context = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900})
    context.set_default_timeout(15_000)
    host = live_server.url.split("//")[1].split(":")[0]
    cookies = [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "domain": host, "path": "/"}]
    if user is not None:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "crm.roles.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append({"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "domain": host, "path": "/"})
    context.add_cookies(cookies)
    return context


OVERFLOW = """() => {
    const width = window.innerWidth;
    const sticking = [...document.querySelectorAll("body *")].filter(element => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && (box.right > width + 1 || box.left < -1)
            && getComputedStyle(element).visibility !== "hidden";
    });
    // The outermost offenders, named as a person would find them.
    const outermost = sticking.filter(element => !sticking.includes(element.parentElement));
    return {
        scrollWidth: document.documentElement.scrollWidth,
        offenders: outermost.slice(0, 5).map(element =>
            `${element.tagName.toLowerCase()}#${element.id}.${[...element.classList].join(".")}`
            + ` [${Math.round(element.getBoundingClientRect().left)}, ${Math.round(element.getBoundingClientRect().right)}]`),
    };
}"""


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_admin_page_fits_the_window(browser, live_server, superuser, language):
    too_wide = {}
    for width in WIDTHS:
        staff = logged_in_context(browser, live_server, superuser, language, width)
        newcomer = logged_in_context(browser, live_server, None, language, width)
        staff_page, newcomer_page = staff.new_page(), newcomer.new_page()
        pages = [(newcomer_page, "login", "/admin/login/")]
        pages += [(staff_page, name, path) for name, path in admin_pages(superuser)]
        for page, name, path in pages:
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (path, response.status)
            assert page.locator("html").get_attribute("lang") == language
            measured = page.evaluate(OVERFLOW)
            if measured["scrollWidth"] > width or measured["offenders"]:
                too_wide[f"{path} at {width}px"] = measured
            if width == 1440:
                (SCREENSHOTS / "pages").mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SCREENSHOTS / "pages" / f"{language}-{name}.png", full_page=True)
        staff.close()
        newcomer.close()
    assert too_wide == {}, "\n".join(f"{where}: {measured}" for where, measured in too_wide.items())
