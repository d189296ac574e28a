"""Staff roles as the README documents them: putting someone in `viewer` or `editor` is enough."""
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.admin_forms import submitted_form_data
from tests.queries import statements

pytestmark = pytest.mark.django_db


def test_a_user_added_to_editor_on_the_user_page_can_log_in_and_add_records(staff_roles, admin_client, client, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", password="a long passphrase")
    url = f"/admin/auth/user/{newcomer.pk}/change/"
    data = submitted_form_data(admin_client.get(url))
    joined = data.pop("date_joined")  # shown as a date and a time field
    data.update({"date_joined_0": joined[:10], "date_joined_1": joined[11:19], "groups": [staff_roles["editor"].pk]})
    assert admin_client.post(url, data).status_code == 302

    login = client.post("/admin/login/", {"username": "newcomer", "password": "a long passphrase"})
    assert login.status_code == 302
    assert client.get("/admin/partners/organization/add/").status_code == 200


def test_sync_roles_lets_existing_role_members_log_in(staff_roles, django_user_model):
    member = django_user_model.objects.create_user("member", password="x")
    member.groups.add(Group.objects.get(name="viewer"))
    outsider = django_user_model.objects.create_user("outsider", password="x")

    call_command("sync_roles", stdout=open("/dev/null", "w"))

    member.refresh_from_db()
    outsider.refresh_from_db()
    assert member.is_staff and not outsider.is_staff


@pytest.mark.parametrize("language, name", [("en", "Partnership CRM"), ("ar", "نظام إدارة الشراكات")])
def test_the_admin_is_named_for_the_app_in_both_languages_and_has_no_dead_view_site_link(admin_client, language, name):
    admin_client.cookies["django_language"] = language
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert name in html
    assert "Django administration" not in html and "View site" not in html


def test_a_staff_members_permissions_are_read_in_one_query_their_own_and_their_groups(viewer):
    """Every API request loads its user afresh: a viewer's read is the token's query, one for
    their permissions and the page's. A permission given to the user alone counts as well."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(viewer)[1]}")
    client.get("/api/focal-areas/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/focal-areas/").status_code == 200
    assert len(statements(queries)) == 3, statements(queries)

    new_area = {"code": "x", "name_en": "X", "name_ar": "س"}
    assert client.post("/api/focal-areas/", new_area).status_code == 403
    viewer.user_permissions.add(Permission.objects.get(codename="add_focalarea"))
    assert client.post("/api/focal-areas/", new_area).status_code == 201
    viewer.groups.clear()
    assert client.get("/api/focal-areas/").status_code == 403
