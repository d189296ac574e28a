"""The project's own commands (crm/management/commands)."""
import io

import pytest
from django.core.management import call_command

from crm import search
from meetings.models import Meeting
from partners.models import Organization, PersonName
from tests.factories import MeetingFactory, OrganizationFactory, PersonNameFactory

pytestmark = pytest.mark.django_db


def test_rebuild_search_keys_repairs_keys_written_without_save():
    organisation = OrganizationFactory(name_en="Hope Foundation", name_ar="مؤسسة الأمل")
    Organization.objects.filter(pk=organisation.pk).update(name_ar="مؤسسة الرجاء", search_key="")
    assert not Organization.objects.filter(search_key__contains="الرجاء").exists()

    output = io.StringIO()
    call_command("rebuild_search_keys", stdout=output)

    organisation.refresh_from_db()
    assert organisation.search_key == search.build_search_key("Hope Foundation", "مؤسسة الرجاء", "")
    assert "partners.Organization: 1 search keys rebuilt." in output.getvalue()


def test_rebuild_search_keys_follows_a_change_of_the_normaliser(monkeypatch):
    alias = PersonNameFactory(name="عبد الله")
    meeting = MeetingFactory(title_ar="حوار استراتيجي")
    changed = {"عبد الله": "ABDALLAH", "حوار استراتيجي": "DIALOGUE"}
    original = search.normalize_name
    monkeypatch.setattr(search, "normalize_name", lambda text: changed.get(text) or original(text))

    call_command("rebuild_search_keys", stdout=io.StringIO())

    assert PersonName.objects.get(pk=alias.pk).search_key == "ABDALLAH"
    assert "DIALOGUE" in Meeting.objects.get(pk=meeting.pk).search_key
