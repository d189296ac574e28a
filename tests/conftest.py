"""The seed data is loaded once per session, when the test database is made; every test runs in
a transaction that is rolled back, so each one starts from it. A test that must start without
any records asks for `empty_database`; one that commits (transaction=True) asks for `seeded`."""
import pytest
from django.apps import apps
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from django.utils import translation

from crm.seeding import seed_data_load

DOMAIN_APPS = ("partners", "agreements", "meetings")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, with the seed data loaded into it once."""
    with django_db_blocker.unblock():
        return seed_data_load()


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Users made by tests get a cheap hash: the real one costs a third of a second per user."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def cache_of_its_own(tmp_path_factory):
    """The file cache (the throttles' counters) in a directory of the session's, empty at start."""
    from django.conf import settings
    from django.test import override_settings

    directory = tmp_path_factory.mktemp("cache")
    with override_settings(CACHES={"default": {**settings.CACHES["default"], "LOCATION": str(directory)}}):
        yield directory


@pytest.fixture(autouse=True)
def throttles_start_afresh(cache_of_its_own):
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def english_unless_a_test_switches():
    """A request in Arabic leaves Arabic active in the thread; start every test in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def seeded(django_db_setup, db):
    """The database with the seed data loaded, as `make run` leaves it. A test that commits
    (transaction=True) runs after every rolled-back one and may find the database emptied by the
    one before it: the data is loaded again then."""
    if not connection.in_atomic_block:
        seed_data_load()
    return django_db_setup


@pytest.fixture
def empty_database(db):
    """No organisation, person, agreement, meeting or source: the seed data is removed inside
    the test's transaction, so the next test has it back."""
    # DELETE rather than TRUNCATE, in one transaction: the foreign keys are checked only at its
    # end (never, in a test rolled back), and a few hundred rows are gone faster than PostgreSQL
    # truncates forty tables.
    with transaction.atomic(), connection.cursor() as cursor:
        for label in DOMAIN_APPS:
            for model in apps.get_app_config(label).get_models(include_auto_created=True):
                if getattr(model, "kept_by_database", False):
                    continue  # the database empties it as the records go (and SQLite has none)
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


@pytest.fixture
def staff_roles(db):
    from crm.roles import staff_roles_sync

    return staff_roles_sync()


def _staff_user(django_user_model, username, group):
    user = django_user_model.objects.create_user(username=username, password="x", is_staff=True)
    if group is not None:
        user.groups.add(group)
    return user


@pytest.fixture
def viewer(django_user_model, staff_roles):
    return _staff_user(django_user_model, "viewer", staff_roles["viewer"])


@pytest.fixture
def editor(django_user_model, staff_roles):
    return _staff_user(django_user_model, "editor", staff_roles["editor"])


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def _api_client_for(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def viewer_api(viewer):
    return _api_client_for(viewer)


@pytest.fixture
def editor_api(editor):
    return _api_client_for(editor)


@pytest.fixture
def admin_api(admin_user):
    return _api_client_for(admin_user)


@pytest.fixture
def wsgi_application():
    """The WSGI application on the test's database connection: as Django's test client does, keep
    the request signals from closing the connection, which would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
