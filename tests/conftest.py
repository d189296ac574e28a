import pytest
from django.utils import translation

from partners.services import seed_data_load


@pytest.fixture(autouse=True)
def english_unless_a_test_switches():
    """A request in Arabic leaves Arabic active in the thread; start every test in English."""
    with translation.override("en"):
        yield


@pytest.fixture
def seeded(db):
    """The database with the seed data loaded, as `make run` leaves it."""
    return seed_data_load()


@pytest.fixture
def staff_roles(db):
    from partners.services import staff_roles_sync

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
